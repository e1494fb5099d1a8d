"""One block of W symbols through the lane blocks: gather, compute, scatter.

A block takes the lane path when its W symbols have the same valid bars (the common case:
complete histories, or listings and outages shared by all W). Then the valid bars are
gathered, transposed and packed into rows, the lane blocks (`kernels.cpu.lanes`,
`kernels.cpu.lanes_hlc`) run on the rows, and the results are scattered back with NaN on
the invalid bars. Otherwise (`gather` returns -1) the caller runs the per-symbol body.
"""

from __future__ import annotations

import math

from numba.extending import register_jitable

from .. import layout as L
from ..steps import NAN
from .lanes import (
    W,
    bbands_lanes,
    ema_lanes,
    macd_lanes,
    mean_lanes,
    rsi_lanes,
    stack_row,
    stoch_lanes,
)
from .lanes_hlc import CLOSE, atr_lanes, cci_lanes, channel_lanes, volume_lanes
from .transpose import transpose8

# blocks the lane path computes; the others run per symbol after it
LANE_BLOCKS = (
    L.B_RSI,
    L.B_MACD,
    L.B_BB,
    L.B_ATR,
    L.B_SRSI,
    L.B_SK,
    L.B_WILLR,
    L.B_DON,
    L.B_CCI,
    L.B_SMA,
    L.B_EMA,
    L.B_VOL,
)


@register_jitable
def gather(high, low, close, volume, s0, x, rows):
    """Pack the valid bars of symbols s0 .. s0 + W - 1 into x[:, n, lane].

    Writes the bar index of row n to rows[n]; returns the number of rows, or -1 when the
    symbols are not valid on the same bars.
    """
    bars = close.shape[1]
    full = bars - bars % 8
    for f in range(4):
        field = high if f == 0 else low if f == 1 else close if f == 2 else volume
        for t0 in range(0, full, 8):  # 8 x 8 tiles: whole cache lines in and out
            transpose8(field, s0 * bars + t0, bars, x, (f * bars + t0) * W, W)
        for t in range(full, bars):
            for lane in range(W):
                x[f, t, lane] = field[s0 + lane, t]
    if all_finite(x, bars):
        return bars  # the common case: every bar valid, rows are the bars themselves
    nv = 0
    for t in range(bars):
        total = x[0, t, 0] + x[1, t, 0] + x[2, t, 0] + x[3, t, 0]
        first = -math.inf < total < math.inf
        for lane in range(1, W):
            total = x[0, t, lane] + x[1, t, lane] + x[2, t, lane] + x[3, t, lane]
            if (-math.inf < total < math.inf) != first:
                return -1
        if first:
            if nv != t:
                for f in range(4):
                    for lane in range(W):
                        x[f, nv, lane] = x[f, t, lane]
            rows[nv] = t
            nv += 1
    return nv


@register_jitable(inline="always")
def all_finite(x, bars):
    """Whether every field of every lane is finite on every bar (vector ops, no branch).

    A NaN or an infinity anywhere turns its lane's running sum of `value * 0` into NaN.
    """
    acc = stack_row(W)
    for lane in range(W):
        acc[lane] = 0.0
    for t in range(bars):
        for lane in range(W):
            total = (x[0, t, lane] + x[1, t, lane]) + (x[2, t, lane] + x[3, t, lane])
            acc[lane] += total * 0.0
    finite = True
    for lane in range(W):
        finite = finite and acc[lane] == 0.0
    return finite


@register_jitable
def lane_pass(x, nv, P, F, need, slot, o, tmp):
    """Run every needed lane block on the nv rows of x; outputs land in planes of o.

    o has two planes beyond the outputs: sinks for outputs the suite does not request
    (the last one is only written; the one before it holds values that are read back).
    """
    sink = o.shape[0] - 1
    q_rsi = slot[L.O_RSI]
    if need[L.B_RSI]:
        rsi_lanes(x[CLOSE], nv, P[L.P_RSI], o, q_rsi)
    for smoothed in (False, True):
        if smoothed and need[L.B_SK]:
            p_rsi, p_k, p_d, p_d2 = P[L.P_SK], P[L.P_SK_FASTK], P[L.P_SK_SLOWK], P[L.P_SK_SLOWD]
            qk, qd = slot[L.O_SK_K], slot[L.O_SK_D]
        elif not smoothed and need[L.B_SRSI]:
            p_rsi, p_k, p_d, p_d2 = P[L.P_SRSI], P[L.P_SRSI_FASTK], P[L.P_SRSI_FASTD], 1
            qk, qd = slot[L.O_SRSI_K], slot[L.O_SRSI_D]
        else:
            continue
        if q_rsi >= 0 and P[L.P_RSI] == p_rsi:
            rsi = o[q_rsi]
        else:
            rsi_lanes(x[CLOSE], nv, p_rsi, tmp, 0)
            rsi = tmp[0]
        qk = qk if qk >= 0 else sink
        qd = qd if qd >= 0 else sink
        stoch_lanes(rsi, p_rsi, nv, p_k, p_d, p_d2, smoothed, tmp, o, qk, qd)
    if need[L.B_MACD]:
        q_line, q_signal, q_hist = slot[L.O_MACD], slot[L.O_MACDSIGNAL], slot[L.O_MACDHIST]
        q_line = q_line if q_line >= 0 else sink
        q_signal = q_signal if q_signal >= 0 else sink - 1  # the signal is read back
        q_hist = q_hist if q_hist >= 0 else sink
        macd_lanes(x[CLOSE], nv, P, o, q_line, q_signal, q_hist, tmp)
    if need[L.B_BB]:
        bbands_lanes(x[CLOSE], nv, P, F, slot, sink, o, tmp)
    if need[L.B_ATR]:
        q_atr = slot[L.O_ATR]
        q_atr = q_atr if q_atr >= 0 else sink
        atr_lanes(x, nv, P[L.P_ATR], o, q_atr, slot[L.O_NATR])
    if need[L.B_WILLR]:
        channel_lanes(x, nv, P, slot, sink, o, tmp, False)
    if need[L.B_DON]:
        channel_lanes(x, nv, P, slot, sink, o, tmp, True)
    if need[L.B_CCI]:
        cci_lanes(x, nv, P[L.P_CCI], o, slot[L.O_CCI], tmp)
    if need[L.B_SMA]:
        ema_or_sma(x, nv, P, slot, o, False)
    if need[L.B_EMA]:
        ema_or_sma(x, nv, P, slot, o, True)
    if need[L.B_VOL]:
        q_sma = slot[L.O_VOL_SMA]
        q_sma = q_sma if q_sma >= 0 else sink - 1  # the average is read back
        volume_lanes(x, nv, P[L.P_VOL], o, q_sma, slot[L.O_VOL_SURGE])


@register_jitable(inline="always")
def ema_or_sma(x, nv, P, slot, o, ema):
    """EMA or SMA of close."""
    if ema:
        ema_lanes(x[CLOSE], nv, P[L.P_EMA], 0, o, slot[L.O_EMA])
    else:
        mean_lanes(x[CLOSE], 0, nv, P[L.P_SMA], o, slot[L.O_SMA])


@register_jitable
def scatter(o, nv, rows, lane_plane, s0, out):
    """Copy the lane planes of o to out[:, s0 .. s0 + W - 1], NaN on the invalid bars."""
    symbols, bars = out.shape[1], out.shape[2]
    full = nv - nv % 8
    for q in range(out.shape[0]):
        if not lane_plane[q]:
            continue
        if nv == bars:
            for n0 in range(0, full, 8):  # 8 x 8 tiles: whole cache lines in and out
                transpose8(o, (q * bars + n0) * W, W, out, (q * symbols + s0) * bars + n0, bars)
            for n in range(full, nv):
                for lane in range(W):
                    out[q, s0 + lane, n] = o[q, n, lane]
        else:
            for lane in range(W):
                row = out[q, s0 + lane]
                for t in range(bars):
                    row[t] = NAN
                for n in range(nv):
                    row[rows[n]] = o[q, n, lane]
