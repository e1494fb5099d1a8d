"""Lane blocks over close: W symbols at once, one indicator per function (CPU only).

The lane path (see `kernels.cpu.lane_pass`) serves groups of W symbols that are valid on
the same bars. Their valid bars are gathered, transposed, into a (bars, W) scratch array
`x` (row n holds the n-th valid bar of every lane), so every recurrence below runs on
index n with no validity test and the innermost loops run across the W lanes. Running
values live in `stack_row`s (W doubles on the stack, which LLVM keeps in registers) and
each row of results is stored after it is computed, so that LLVM's SLP vectoriser turns
the unrolled lane loops into vector instructions (see `kernels.cpu.driver`): the W
symbols share each recurrence's latency and each window's loads.

Every function repeats the arithmetic of the matching per-symbol block (`kernels.blocks`,
`kernels.steps`) in the same order, so both paths agree far inside TA-Lib's 1e-9. Each
writes its outputs into planes of the scratch `o` ((planes + 2, bars, W)); an output the
suite does not request goes to a sink plane that is never copied out.
"""

from __future__ import annotations

import math

from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, register_jitable

from .. import layout as L
from ..blocks.common import CPU_FASTMATH
from ..steps import NAN, TA_EPSILON

W = 8  # symbols per lane group: one AVX-512 vector (two AVX2 ones) of float64

# the lane functions: FMA contraction only. The lanes write their partial sums out by
# hand, so they need no reassociation, which here would rewrite the EMA recurrences (one
# turned `x * k` back into a division by p + 1) and change their last bits. No
# zero-division checks: a division by zero gives inf or NaN that a select then discards,
# as in the per-symbol blocks.
lane_jit = njit(fastmath={"contract", "nsz"}, error_model="numpy", nogil=True)
# ... except for the window sums of Bollinger's deviation, which LLVM vectorises whole
# only with the blocks' flags (without them, partly in halves and quarters: 40 % slower)
window_jit = njit(fastmath=set(CPU_FASTMATH), error_model="numpy", nogil=True)


@intrinsic
def stack_row(typingctx, size):
    """A (size,) float64 array on the stack of the calling function (size: a constant).

    It must not outlive or leave that function; with constant indices LLVM keeps its
    elements in registers.
    """
    if not isinstance(size, types.IntegerLiteral):
        return None
    count = size.literal_value
    array_type = types.Array(types.float64, 1, "C")

    def codegen(context, builder, signature, args):
        data = cgutils.alloca_once(builder, context.get_value_type(types.float64), size=count)
        array = context.make_array(array_type)(context, builder)
        itemsize = context.get_constant(types.intp, 8)
        context.populate_array(
            array,
            data=data,
            shape=[context.get_constant(types.intp, count)],
            strides=[itemsize],
            itemsize=itemsize,
            meminfo=None,
        )
        return array._getvalue()

    return array_type(size), codegen


@register_jitable(inline="always")
def plane(slot, output, sink):
    """The scratch plane of `output`: its output plane, or the sink when not requested."""
    q = slot[output]
    return q if q >= 0 else sink


@register_jitable(inline="always")
def nan_rows(rows, n0, n1):
    """NaN into rows [n0, n1) of a (bars, W) plane (n1 may exceed the rows that exist)."""
    for n in range(n0, min(n1, rows.shape[0])):
        for lane in range(W):
            rows[n, lane] = NAN


@register_jitable(inline="always")
def store(o, q, n, row):
    """o[q, n, :] = row."""
    for lane in range(W):
        o[q, n, lane] = row[lane]


@register_jitable(inline="always")
def store_row(rows, n, row):
    """rows[n, :] = row."""
    for lane in range(W):
        rows[n, lane] = row[lane]


@lane_jit
def rsi_lanes(x, nv, p, o, q):
    """Wilder RSI (`rsi_step`) of rows [0, nv) of x into plane q."""
    inv = 1.0 / p
    nan_rows(o[q], 0, min(nv, p))
    gain = stack_row(W)
    loss = stack_row(W)
    out = stack_row(W)
    for lane in range(W):
        gain[lane] = 0.0
        loss[lane] = 0.0
    for n in range(1, min(nv, p)):
        for lane in range(W):
            diff = x[n, lane] - x[n - 1, lane]
            gain[lane] += diff if diff > 0.0 else 0.0
            loss[lane] += -diff if diff < 0.0 else 0.0
    for n in range(p, nv):
        keep = 1.0 if n == p else p - 1.0
        for lane in range(W):
            diff = x[n, lane] - x[n - 1, lane]
            up = diff if diff > 0.0 else 0.0
            down = -diff if diff < 0.0 else 0.0
            g = (gain[lane] * keep + up) * inv
            d = (loss[lane] * keep + down) * inv
            gain[lane] = g
            loss[lane] = d
            total = g + d
            out[lane] = 0.0 if math.fabs(total) < TA_EPSILON else 100.0 * g / total
        store(o, q, n, out)


@register_jitable(inline="always")
def running_mean(x, n0, nv, p, o, q):
    """SMA of rows [n0, nv) of x (as `sma_step`, a running sum) into rows of plane q.

    Rows before n0 + p - 1 get NaN.
    """
    inv = 1.0 / p
    nan_rows(o[q], 0, min(nv, n0 + p - 1))
    acc = stack_row(W)
    out = stack_row(W)
    for lane in range(W):
        acc[lane] = 0.0
    for n in range(n0, min(nv, n0 + p - 1)):
        for lane in range(W):
            acc[lane] += x[n, lane]
    for n in range(n0 + p - 1, nv):
        for lane in range(W):
            total = acc[lane] + x[n, lane]
            out[lane] = total * inv
            acc[lane] = total - x[n - p + 1, lane]
        store(o, q, n, out)


@lane_jit
def mean_lanes(x, n0, nv, p, o, q):
    """`running_mean` as a function of its own."""
    running_mean(x, n0, nv, p, o, q)


@register_jitable(inline="always")
def sliding_extreme(src, n0, nv, p, work, suffix, largest):
    """work[n] = the max (largest) or min of src rows [n - p + 1, n] for rows n >= n0 + p - 1.

    van Herk / Gil-Werman: rows from n0 fall in blocks of p, so a window is the end of
    one block and the start of the next. A backward pass leaves in `suffix` each row's
    extreme up to the end of its block; a forward pass keeps the running extreme from
    the start of the block and joins the two: three comparisons a row whatever p. Exact.
    """
    value = stack_row(W)
    other = stack_row(W)
    for b0 in range(n0, nv, p):  # backward within each block
        b1 = min(b0 + p, nv)
        for lane in range(W):
            value[lane] = src[b1 - 1, lane]
        store_row(suffix, b1 - 1, value)
        for n in range(b1 - 2, b0 - 1, -1):
            for lane in range(W):
                value[lane] = extreme(src[n, lane], value[lane], largest)
            store_row(suffix, n, value)
    for b0 in range(n0, nv, p):  # forward: value holds the block's running extreme
        for lane in range(W):
            value[lane] = src[b0, lane]
        join(suffix, b0, n0, p, value, other, work, largest)
        for n in range(b0 + 1, min(b0 + p, nv)):
            for lane in range(W):
                value[lane] = extreme(src[n, lane], value[lane], largest)
            join(suffix, n, n0, p, value, other, work, largest)


@register_jitable(inline="always")
def join(suffix, n, n0, p, value, other, work, largest):
    """work[n] = the extreme of suffix[n - p + 1] and value, once row n has a full window."""
    if n < n0 + p - 1:
        return
    for lane in range(W):
        other[lane] = extreme(suffix[n - p + 1, lane], value[lane], largest)
    store_row(work, n, other)


@register_jitable(inline="always")
def extreme(a, b, largest):
    """The larger (largest) or the smaller of a and b."""
    if largest:
        return a if a > b else b
    return a if a < b else b


@lane_jit
def stoch_lanes(r, n0, nv, p_k, p_d, p_d2, smoothed, tmp, o, qk, qd):
    """Stochastic over the RSI rows r (valid from row n0), as `stochastic_rsi_block`.

    k goes to tmp[1], its SMA to tmp[2], the SMA of that to tmp[3] (tmp[4:6] and, before
    k, tmp[1]: work);
    writes (k, d) or, smoothed, (slow k, slow d) into planes qk, qd of o.
    """
    nk = n0 + p_k - 1  # first row with a full window of RSI
    out = stack_row(W)
    sliding_extreme(r, n0, nv, p_k, tmp[4], tmp[1], True)
    sliding_extreme(r, n0, nv, p_k, tmp[5], tmp[1], False)
    for n in range(nk, nv):
        for lane in range(W):
            value = r[n, lane]
            h = tmp[4, n, lane]
            low = tmp[5, n, lane]
            flat = math.fabs(h - low) <= TA_EPSILON * (math.fabs(h) + math.fabs(low))
            out[lane] = 0.0 if flat else (value - low) * 100.0 / (h - low)
        store(tmp, 1, n, out)
    running_mean(tmp[1], nk, nv, p_d, tmp, 2)
    nd = nk + p_d - 1  # first row with d
    first = nd
    src_k, src_d = 1, 2
    if smoothed:
        running_mean(tmp[2], nd, nv, p_d2, tmp, 3)
        first = nd + p_d2 - 1
        src_k, src_d = 2, 3
    nan_rows(o[qk], 0, min(nv, first))
    nan_rows(o[qd], 0, min(nv, first))
    for n in range(first, nv):
        for lane in range(W):
            out[lane] = tmp[src_k, n, lane]
        store(o, qk, n, out)
        for lane in range(W):
            out[lane] = tmp[src_d, n, lane]
        store(o, qd, n, out)


@lane_jit
def ema_lanes(x, nv, p, n0, o, q):
    """EMA (`ema_step`) of rows [n0, nv) of x into plane q; rows before n0 + p - 1 NaN."""
    inv = 1.0 / p
    k = 2.0 / (p + 1)
    seed = n0 + p - 1
    nan_rows(o[q], 0, min(nv, seed))
    acc = stack_row(W)
    for lane in range(W):
        acc[lane] = 0.0
    for n in range(n0, min(nv, seed)):
        for lane in range(W):
            acc[lane] += x[n, lane]
    if nv <= seed:
        return
    for lane in range(W):
        acc[lane] = (acc[lane] + x[seed, lane]) * inv
    store(o, q, seed, acc)
    for n in range(seed + 1, nv):
        for lane in range(W):
            acc[lane] = ((x[n, lane] - acc[lane]) * k) + acc[lane]
        store(o, q, n, acc)


@register_jitable(inline="always")
def ema_seed_sum(x, n0, n1, acc):
    """acc = the sum of rows [n0, n1) of x, in order (the first part of an EMA's seed)."""
    for lane in range(W):
        acc[lane] = 0.0
    for n in range(n0, n1):
        for lane in range(W):
            acc[lane] += x[n, lane]


@lane_jit
def macd_lanes(x, nv, P, o, q_line, q_signal, q_hist, tmp):
    """MACD as `macd_block`: fast EMA seeded where the slow one's first value lands.

    The slow, fast and signal EMAs advance together in one loop: three independent
    recurrences whose latencies overlap (the plan orders the periods: fast <= slow).
    """
    p_fast, p_slow, p_signal = P[L.P_MACD_FAST], P[L.P_MACD_SLOW], P[L.P_MACD_SIGNAL]
    k_slow, k_fast, k_signal = 2.0 / (p_slow + 1), 2.0 / (p_fast + 1), 2.0 / (p_signal + 1)
    n_line = p_slow - 1  # the first row of both EMAs, so of the line
    first = n_line + p_signal - 1  # the first row of the signal
    for q in (q_line, q_signal, q_hist):
        nan_rows(o[q], 0, min(nv, first))
    if nv <= n_line:
        return
    slow = stack_row(W)
    fast = stack_row(W)
    signal = stack_row(W)
    line = stack_row(W)
    hist = stack_row(W)
    ema_seed_sum(x, 0, n_line, slow)
    ema_seed_sum(x, p_slow - p_fast, n_line, fast)
    inv_slow, inv_fast = 1.0 / p_slow, 1.0 / p_fast
    for lane in range(W):
        c = x[n_line, lane]
        slow[lane] = (slow[lane] + c) * inv_slow
        fast[lane] = (fast[lane] + c) * inv_fast
        signal[lane] = 0.0
    for lane in range(W):
        signal[lane] = 0.0
    if first > n_line:  # the line's first p_signal - 1 values sum into the signal's seed
        for lane in range(W):
            signal[lane] += fast[lane] - slow[lane]
        for n in range(n_line + 1, min(nv, first)):
            advance_two(x, n, slow, fast, k_slow, k_fast)
            for lane in range(W):
                signal[lane] += fast[lane] - slow[lane]
        if nv <= first:
            return
        advance_two(x, first, slow, fast, k_slow, k_fast)
    inv_signal = 1.0 / p_signal
    for lane in range(W):
        signal[lane] = (signal[lane] + (fast[lane] - slow[lane])) * inv_signal
    store_macd(o, q_line, q_signal, q_hist, first, slow, fast, signal, line, hist)
    for n in range(first + 1, nv):
        advance_two(x, n, slow, fast, k_slow, k_fast)
        for lane in range(W):
            value = fast[lane] - slow[lane]
            signal[lane] = ((value - signal[lane]) * k_signal) + signal[lane]
        store_macd(o, q_line, q_signal, q_hist, n, slow, fast, signal, line, hist)


@register_jitable(inline="always")
def advance_two(x, n, slow, fast, k_slow, k_fast):
    """Both MACD EMAs (`ema_step`) one row on, to row n."""
    for lane in range(W):
        c = x[n, lane]
        slow[lane] = ((c - slow[lane]) * k_slow) + slow[lane]
        fast[lane] = ((c - fast[lane]) * k_fast) + fast[lane]


@register_jitable(inline="always")
def store_macd(o, q_line, q_signal, q_hist, n, slow, fast, signal, line, hist):
    """Row n of the line, signal and histogram planes."""
    for lane in range(W):
        line[lane] = fast[lane] - slow[lane]
        hist[lane] = line[lane] - signal[lane]
    store(o, q_line, n, line)
    store(o, q_signal, n, signal)
    store(o, q_hist, n, hist)


@window_jit
def bbands_lanes(x, nv, P, F, slot, sink, o, tmp):
    """Bollinger Bands, %B and bandwidth as `bbands_block`.

    %B and bandwidth come from the stored bands in a second loop, and only when asked
    for: their divisions, next to the square root, would bound the main loop (and in
    it, LLVM leaves the divisions under their tests scalar). Bands they need that are
    not requested are kept in tmp[0:3].
    """
    p = P[L.P_BB]
    inv = 1.0 / p
    up, down = F[L.F_BB_UP], F[L.F_BB_DN]
    qb, qw = slot[L.O_BB_PCTB], slot[L.O_BB_WIDTH]
    ratios = qb >= 0 or qw >= 0
    qu, qm, ql = slot[L.O_BB_UPPER], slot[L.O_BB_MIDDLE], slot[L.O_BB_LOWER]
    upper_rows = o[qu] if qu >= 0 else tmp[0] if ratios else o[sink]
    middle_rows = o[qm] if qm >= 0 else tmp[1] if ratios else o[sink]
    lower_rows = o[ql] if ql >= 0 else tmp[2] if ratios else o[sink]
    for rows in (upper_rows, middle_rows, lower_rows):
        nan_rows(rows, 0, min(nv, p - 1))
    total = stack_row(W)
    middle = stack_row(W)
    s0 = stack_row(W)
    s1 = stack_row(W)
    s2 = stack_row(W)
    s3 = stack_row(W)
    upper = stack_row(W)
    lower = stack_row(W)
    quads = (p - 1) // 4
    for lane in range(W):
        total[lane] = 0.0
    for n in range(min(nv, p - 1)):
        for lane in range(W):
            total[lane] += x[n, lane]
    for n in range(p - 1, nv):
        for lane in range(W):
            c = x[n, lane]
            running = total[lane] + c
            mid = running * inv
            middle[lane] = mid
            total[lane] = running - x[n - p + 1, lane]
            s0[lane] = (c - mid) * (c - mid)
            s1[lane] = 0.0
            s2[lane] = 0.0
            s3[lane] = 0.0
        # population deviation around the middle band over the window (not a running
        # sum of squares, which loses every digit on flat windows), in four partial sums
        window = x[n - p + 1 : n]  # the p - 1 rows before row n (indices from 0)
        for i in range(quads):
            for lane in range(W):
                d0 = window[4 * i, lane] - middle[lane]
                d1 = window[4 * i + 1, lane] - middle[lane]
                d2 = window[4 * i + 2, lane] - middle[lane]
                d3 = window[4 * i + 3, lane] - middle[lane]
                s0[lane] += d0 * d0
                s1[lane] += d1 * d1
                s2[lane] += d2 * d2
                s3[lane] += d3 * d3
        for m in range(4 * quads, p - 1):
            for lane in range(W):
                d0 = window[m, lane] - middle[lane]
                s0[lane] += d0 * d0
        for lane in range(W):
            mid = middle[lane]
            squares = (s0[lane] + s1[lane]) + (s2[lane] + s3[lane])
            deviation = math.sqrt(squares * inv)
            upper[lane] = mid + deviation * up
            lower[lane] = mid - deviation * down
        store_row(upper_rows, n, upper)
        store_row(middle_rows, n, middle)
        store_row(lower_rows, n, lower)
    if qb >= 0:
        nan_rows(o[qb], 0, min(nv, p - 1))
        for n in range(p - 1, nv):
            for lane in range(W):
                high = upper_rows[n, lane]
                low = lower_rows[n, lane]
                wide = high - low > 1e-9 * math.fabs(middle_rows[n, lane])
                upper[lane] = (x[n, lane] - low) / (high - low) if wide else 0.5
            store(o, qb, n, upper)
    if qw >= 0:
        nan_rows(o[qw], 0, min(nv, p - 1))
        for n in range(p - 1, nv):
            for lane in range(W):
                mid = middle_rows[n, lane]
                ratio = (upper_rows[n, lane] - lower_rows[n, lane]) / mid
                lower[lane] = ratio if mid != 0.0 else 0.0
            store(o, qw, n, lower)
