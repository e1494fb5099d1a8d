"""One-bar update steps, written once and compiled for both numba targets (CPU and CUDA).

Each step advances one running computation of one symbol by one valid bar. State is passed
in and returned as scalars (so it stays in registers across the bar loop); ring and
sliding buffers live in the caller's row `rg` at offset `ro`. Window statistics read the
previous p - 1 values from a sliding buffer (contiguous, written at least one bar ago) and
take the current value from a register: loads that overlap a store still in flight would
stall the CPU on every bar. `j` is the number of valid bars the
computation has already seen; outputs are NaN while it warms up.

The recurrences, seeds and zero tests follow TA-Lib's C source (TA-Lib 0.6+, as bundled in
the `ta-lib` 0.8 wheel). Two liberties keep the fused pass fast, both far inside the 1e-9
agreement: divisions by a period are multiplications by its reciprocal, and on the CPU the
blocks compile with reassociation, so window sums are vectorised (TA-Lib adds them one
after another).
"""

from __future__ import annotations

import math

from .jitable import jitable

NAN = math.nan
NEG_INF = -math.inf
POS_INF = math.inf
# TA-Lib 0.6+ compares against 1e-14 (TA_EPSILON); older C releases used 1e-8, which
# zeroed the RSI and ADX of instruments quoted far below one.
TA_EPSILON = 1e-14


@jitable(inline="always")
def is_zero(x):
    """TA-Lib's TA_IS_ZERO: an absolute test against TA_EPSILON."""
    return math.fabs(x) < TA_EPSILON


@jitable(inline="always")
def is_zero_scaled(x, scale):
    """TA-Lib's TA_IS_ZERO_SCALED: zero within TA_EPSILON of the operands' magnitude."""
    return math.fabs(x) <= TA_EPSILON * scale


@jitable(inline="always")
def push(rg, ro, pos, size, x):
    """Write `x` at the ring's position; return the next position (plain ring, for SMAs)."""
    rg[ro + pos] = x
    if pos + 1 == size:
        return 0
    return pos + 1


@jitable(inline="always")
def slide(buf, start, k, p, size):
    """Make room in the sliding buffer buf[start:start+size] before writing at `k`.

    A window of `p` values always lies contiguous in the buffer: the value seen at `k`
    and the p - 1 before it. When the buffer is full its last p - 1 values move to the
    front (once every size - p + 1 values). Returns where to write now.
    """
    if k != size:
        return k
    for m in range(p - 1):
        buf[start + m] = buf[start + size - p + 1 + m]
    return p - 1


# --- window statistics ------------------------------------------------------------------------
# On the CPU these loops vectorise. In a CUDA thread every load in the plain loop waits for
# the add before it (instructions issue in order), so each of the window's values costs a
# full memory latency; the CUDA versions load BATCH values before using them, then combine
# them in the same order, which keeps the results bit-for-bit those of the plain loops.
BATCH = 4


@jitable()  # LLVM inlines it; numba's IR inlining warns on its branches
def _term(value, center, kind):
    """What a window statistic adds up: the value (kind 0), |value - center| (1) or
    (value - center)**2 (2)."""
    if kind == 0:
        return value
    deviation = value - center
    return math.fabs(deviation) if kind == 1 else deviation * deviation


@jitable(inline="always")
def _window_total_in_batches(window, n, center, first, kind):
    total = _term(first, center, kind)
    m = 0
    while m + BATCH <= n:
        a, b, c, d = window[m], window[m + 1], window[m + 2], window[m + 3]
        for value in (a, b, c, d):
            total += _term(value, center, kind)
        m += BATCH
    while m < n:
        total += _term(window[m], center, kind)
        m += 1
    return total


def _window_sum_in_batches(window, n, first):
    return _window_total_in_batches(window, n, 0.0, first, 0)


def _window_abs_deviation_in_batches(window, n, center, first):
    return _window_total_in_batches(window, n, center, first, 1)


def _window_square_deviation_in_batches(window, n, center, first):
    return _window_total_in_batches(window, n, center, first, 2)


@jitable(inline="always")
def _window_extreme_in_batches(window, n, first, largest):
    best = first
    m = 0
    while m + BATCH <= n:
        a, b, c, d = window[m], window[m + 1], window[m + 2], window[m + 3]
        for value in (a, b, c, d):
            best = value if (value > best if largest else value < best) else best
        m += BATCH
    while m < n:
        value = window[m]
        best = value if (value > best if largest else value < best) else best
        m += 1
    return best


def _window_max_in_batches(window, n, first):
    return _window_extreme_in_batches(window, n, first, True)


def _window_min_in_batches(window, n, first):
    return _window_extreme_in_batches(window, n, first, False)


@jitable(inline="always", cuda=_window_sum_in_batches)
def window_sum(window, n, first):
    """first + the sum of window[0:n] (vectorised on the CPU)."""
    total = first
    for m in range(n):
        total += window[m]
    return total


@jitable(inline="always", cuda=_window_abs_deviation_in_batches)
def window_abs_deviation(window, n, center, first):
    """|first - center| + the sum of |window[i] - center| over window[0:n]."""
    total = math.fabs(first - center)
    for m in range(n):
        total += math.fabs(window[m] - center)
    return total


@jitable(inline="always", cuda=_window_square_deviation_in_batches)
def window_square_deviation(window, n, center, first):
    """(first - center)**2 + the sum of (window[i] - center)**2 over window[0:n]."""
    deviation = first - center
    total = deviation * deviation
    for m in range(n):
        deviation = window[m] - center
        total += deviation * deviation
    return total


@jitable(inline="always", cuda=_window_max_in_batches)
def window_max(window, n, first):
    """The largest of first and window[0:n] (exact; branch-free)."""
    best = first
    for m in range(n):
        value = window[m]
        best = value if value > best else best
    return best


@jitable(inline="always", cuda=_window_min_in_batches)
def window_min(window, n, first):
    """The smallest of first and window[0:n]."""
    best = first
    for m in range(n):
        value = window[m]
        best = value if value < best else best
    return best


@jitable(inline="always")
def sma_step(total, pos, rg, ro, p, inv_p, j, x):
    """Simple moving average as TA_INT_SMA (running sum): returns (out, total, pos)."""
    if j < 0:
        return NAN, total, pos
    pos = push(rg, ro, pos, p, x)
    total += x
    if j >= p - 1:
        out = total * inv_p
        total -= rg[ro + pos]  # the oldest value sits where the next one goes
        return out, total, pos
    return NAN, total, pos


@jitable(inline="always")
def ema_step(ema, p, inv_p, k, j, x):
    """EMA as TA_INT_EMA, seeded with the mean of the first `p` values: (out, ema)."""
    if j < 0:
        return NAN, ema
    if j < p:
        ema += x
        if j == p - 1:
            ema *= inv_p
            return ema, ema
        return NAN, ema
    ema = ((x - ema) * k) + ema
    return ema, ema


@jitable(inline="always")
def rsi_step(prev, gain, loss, p, inv_p, j, x):
    """Wilder RSI as TA_RSI, seeded with the mean of the first `p` moves.

    Returns (out, prev, gain, loss).
    """
    if j == 0:
        return NAN, x, gain, loss
    diff = x - prev
    up = diff if diff > 0.0 else 0.0
    down = -diff if diff < 0.0 else 0.0
    if j < p:
        return NAN, x, gain + up, loss + down
    if j == p:
        gain = (gain + up) * inv_p
        loss = (loss + down) * inv_p
    else:
        gain = (gain * (p - 1) + up) * inv_p
        loss = (loss * (p - 1) + down) * inv_p
    total = gain + loss
    out = 0.0
    if not is_zero(total):
        out = 100.0 * gain / total
    return out, x, gain, loss


@jitable(inline="always")
def stoch_k(x, highest, lowest):
    """TA-Lib's fast %K: 100 (x - lowest) / (highest - lowest), 0 on a flat window."""
    if is_zero_scaled(highest - lowest, math.fabs(highest) + math.fabs(lowest)):
        return 0.0
    return (x - lowest) * 100.0 / (highest - lowest)


@jitable(inline="always")
def true_range(high, low, prev_close):
    """TA-Lib's TRUE_RANGE."""
    out = high - low
    val = math.fabs(prev_close - high)
    if val > out:
        out = val
    val = math.fabs(prev_close - low)
    if val > out:
        out = val
    return out


@jitable(inline="always")
def atr_step(prev_close, atr, p, inv_p, j, high, low, close):
    """Wilder ATR as TA_ATR, seeded with the mean of the first `p` true ranges.

    Returns (out, prev_close, atr).
    """
    if j == 0:
        return NAN, close, atr
    tr = true_range(high, low, prev_close)
    if j < p:
        return NAN, close, atr + tr
    atr = (atr + tr) * inv_p if j == p else (atr * (p - 1) + tr) * inv_p
    return atr, close, atr


@jitable(inline="always")
def dmi_step(
    prev_high, prev_low, prev_close, plus_dm, minus_dm, tr_sum, adx, p, inv_p, j, h, lo, c
):
    """+DI, -DI and ADX as TA_PLUS_DI / TA_MINUS_DI / TA_ADX.

    `adx` holds the running sum of DX while seeding, then the ADX. Returns
    (plus_di, minus_di, adx_out, prev_high, prev_low, prev_close, plus_dm, minus_dm,
    tr_sum, adx).
    """
    if j == 0:
        return NAN, NAN, NAN, h, lo, c, plus_dm, minus_dm, tr_sum, adx
    diff_plus = h - prev_high
    diff_minus = prev_low - lo
    tr = true_range(h, lo, prev_close)
    if j >= p:
        minus_dm -= minus_dm * inv_p
        plus_dm -= plus_dm * inv_p
        tr_sum = tr_sum - tr_sum * inv_p + tr
    else:
        tr_sum += tr
    if diff_minus > 0 and diff_plus < diff_minus:
        minus_dm += diff_minus
    elif diff_plus > 0 and diff_plus > diff_minus:
        plus_dm += diff_plus
    if j < p:
        return NAN, NAN, NAN, h, lo, c, plus_dm, minus_dm, tr_sum, adx
    plus_di = 0.0
    minus_di = 0.0
    dx = NAN
    if not is_zero(tr_sum):
        scale = 100.0 / tr_sum
        minus_di = minus_dm * scale
        plus_di = plus_dm * scale
        di_sum = minus_di + plus_di
        if not is_zero(di_sum):
            dx = 100.0 * math.fabs(minus_di - plus_di) / di_sum
    adx_out = NAN
    if j < 2 * p - 1:
        if not math.isnan(dx):
            adx += dx
    elif j == 2 * p - 1:
        if not math.isnan(dx):
            adx += dx
        adx *= inv_p
        adx_out = adx
    else:
        if not math.isnan(dx):
            adx = (adx * (p - 1) + dx) * inv_p
        adx_out = adx
    return plus_di, minus_di, adx_out, h, lo, c, plus_dm, minus_dm, tr_sum, adx
