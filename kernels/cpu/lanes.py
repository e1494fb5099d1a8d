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

# the lane functions: the blocks' fast-math flags; no zero-division checks (a division
# by zero gives inf or NaN that a select then discards, as in the per-symbol blocks)
lane_jit = njit(fastmath=set(CPU_FASTMATH), error_model="numpy", nogil=True)


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
def nan_rows(o, q, n0, n1):
    """NaN into rows [n0, n1) of plane q (n1 may exceed the rows that exist)."""
    for n in range(n0, min(n1, o.shape[1])):
        for lane in range(W):
            o[q, n, lane] = NAN


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
    nan_rows(o, q, 0, min(nv, p))
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
    nan_rows(o, q, 0, min(nv, n0 + p - 1))
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
def sliding_extreme(src, n0, nv, p, work, largest):
    """work[n] = the max (largest) or min of src rows [n - p + 1, n] for rows n >= n0 + p - 1.

    Windows double in place (1, 2, 4, ... rows, newest row first so that the row read
    still holds the shorter window), and a last pass joins two overlapping windows: about
    log2(p) passes instead of p - 1 comparisons per row. Exact.
    """
    newer = stack_row(W)
    older = stack_row(W)
    for n in range(n0, nv):
        for lane in range(W):  # rows pass through registers: whole-row loads and stores
            newer[lane] = src[n, lane]
        store_row(work, n, newer)
    span = 1
    while span <= p:
        step = span if 2 * span <= p else p - span  # doubling, then the remainder
        if step == 0:
            break
        for n in range(nv - 1, n0 + span + step - 2, -1):
            for lane in range(W):  # both rows loaded before the row is stored
                newer[lane] = work[n, lane]
                older[lane] = work[n - step, lane]
            for lane in range(W):
                a = newer[lane]
                b = older[lane]
                if largest:
                    newer[lane] = a if a > b else b
                else:
                    newer[lane] = a if a < b else b
            store_row(work, n, newer)
        if step != span:
            break
        span *= 2


@lane_jit
def stoch_lanes(r, n0, nv, p_k, p_d, p_d2, smoothed, tmp, o, qk, qd):
    """Stochastic over the RSI rows r (valid from row n0), as `stochastic_rsi_block`.

    k goes to tmp[1], its SMA to tmp[2], the SMA of that to tmp[3] (tmp[4:6]: work);
    writes (k, d) or, smoothed, (slow k, slow d) into planes qk, qd of o.
    """
    nk = n0 + p_k - 1  # first row with a full window of RSI
    out = stack_row(W)
    sliding_extreme(r, n0, nv, p_k, tmp[4], True)
    sliding_extreme(r, n0, nv, p_k, tmp[5], False)
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
    nan_rows(o, qk, 0, min(nv, first))
    nan_rows(o, qd, 0, min(nv, first))
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
    nan_rows(o, q, 0, min(nv, seed))
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


@lane_jit
def macd_lanes(x, nv, P, o, q_line, q_signal, q_hist, tmp):
    """MACD as `macd_block`: fast EMA seeded where the slow one's first value lands."""
    p_fast, p_slow, p_signal = P[L.P_MACD_FAST], P[L.P_MACD_SLOW], P[L.P_MACD_SIGNAL]
    ema_lanes(x, nv, p_slow, 0, tmp, 1)
    ema_lanes(x, nv, p_fast, p_slow - p_fast, tmp, 2)
    n_line = p_slow - 1
    line = stack_row(W)
    for n in range(n_line, nv):
        for lane in range(W):
            line[lane] = tmp[2, n, lane] - tmp[1, n, lane]
        store(tmp, 3, n, line)
    # the signal EMA over the line, seeded with the mean of its first p_signal values
    ema_lanes(tmp[3], nv, p_signal, n_line, o, q_signal)
    first = n_line + p_signal - 1
    nan_rows(o, q_line, 0, min(nv, first))
    nan_rows(o, q_hist, 0, min(nv, first))
    hist = stack_row(W)
    for n in range(first, nv):
        for lane in range(W):
            line[lane] = tmp[3, n, lane]
            hist[lane] = tmp[3, n, lane] - o[q_signal, n, lane]
        store(o, q_line, n, line)
        store(o, q_hist, n, hist)


@lane_jit
def bbands_lanes(x, nv, P, F, slot, sink, o):
    """Bollinger Bands, %B and bandwidth as `bbands_block`."""
    p = P[L.P_BB]
    inv = 1.0 / p
    up, down = F[L.F_BB_UP], F[L.F_BB_DN]
    qu = plane(slot, L.O_BB_UPPER, sink)
    qm = plane(slot, L.O_BB_MIDDLE, sink)
    ql = plane(slot, L.O_BB_LOWER, sink)
    qb = plane(slot, L.O_BB_PCTB, sink)
    qw = plane(slot, L.O_BB_WIDTH, sink)
    for q in (qu, qm, ql, qb, qw):
        nan_rows(o, q, 0, min(nv, p - 1))
    total = stack_row(W)
    middle = stack_row(W)
    s0 = stack_row(W)
    s1 = stack_row(W)
    s2 = stack_row(W)
    s3 = stack_row(W)
    upper = stack_row(W)
    lower = stack_row(W)
    percent_b = stack_row(W)
    width = stack_row(W)
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
            c = x[n, lane]
            mid = middle[lane]
            squares = (s0[lane] + s1[lane]) + (s2[lane] + s3[lane])
            deviation = math.sqrt(squares * inv)
            high = mid + deviation * up
            low = mid - deviation * down
            upper[lane] = high
            lower[lane] = low
            wide = high - low > 1e-9 * math.fabs(mid)
            percent_b[lane] = (c - low) / (high - low) if wide else 0.5
            width[lane] = (high - low) / mid if mid != 0.0 else 0.0
        store(o, qu, n, upper)
        store(o, qm, n, middle)
        store(o, ql, n, lower)
        store(o, qb, n, percent_b)
        store(o, qw, n, width)
