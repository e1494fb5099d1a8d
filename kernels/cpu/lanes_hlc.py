"""Lane blocks over the bar's range and volume: ATR, Williams %R, Donchian, CCI, volume SMA.

Same conventions as `kernels.cpu.lanes`: `x` is the (fields, bars, W) gathered input with
fields high, low, close, volume; rows are valid bars; outputs go to planes of `o`.
"""

from __future__ import annotations

import math

from numba.extending import register_jitable

from .. import layout as L
from ..steps import TA_EPSILON
from .lanes import (
    W,
    lane_jit,
    nan_rows,
    plane,
    running_mean,
    sliding_extreme,
    stack_row,
    store,
    window_jit,
)

HIGH, LOW, CLOSE, VOLUME = 0, 1, 2, 3


@register_jitable(inline="always")
def true_range(high, low, prev_close):
    """TA-Lib's TRUE_RANGE, as `steps.true_range`, written with selects."""
    span = high - low
    up = math.fabs(prev_close - high)
    down = math.fabs(prev_close - low)
    span = up if up > span else span
    return down if down > span else span


@lane_jit
def atr_lanes(x, nv, p, o, q_atr, q_natr):
    """Wilder ATR and NATR as `atr_block`; no NATR when q_natr < 0."""
    inv = 1.0 / p
    want_natr = q_natr >= 0
    nan_rows(o[q_atr], 0, min(nv, p))
    if want_natr:
        nan_rows(o[q_natr], 0, min(nv, p))
    atr = stack_row(W)
    natr = stack_row(W)
    for lane in range(W):
        atr[lane] = 0.0
    for n in range(1, min(nv, p)):
        for lane in range(W):
            atr[lane] += true_range(x[HIGH, n, lane], x[LOW, n, lane], x[CLOSE, n - 1, lane])
    for n in range(p, nv):
        keep = 1.0 if n == p else p - 1.0
        for lane in range(W):
            tr = true_range(x[HIGH, n, lane], x[LOW, n, lane], x[CLOSE, n - 1, lane])
            value = (atr[lane] * keep + tr) * inv
            atr[lane] = value
        store(o, q_atr, n, atr)
        if want_natr:  # its division costs more than the rest of the loop
            for lane in range(W):
                c = x[CLOSE, n, lane]
                natr[lane] = 0.0 if math.fabs(c) < TA_EPSILON else (atr[lane] / c) * 100.0
            store(o, q_natr, n, natr)


@lane_jit
def channel_lanes(x, nv, P, slot, sink, o, tmp, donchian):
    """Highest high and lowest low of a window: Williams %R, or Donchian and breakout.

    tmp[4:6] and tmp[1]: work rows for the sliding extremes.
    """
    if donchian:
        p = P[L.P_DON]
        q_a = plane(slot, L.O_DON_UPPER, sink)
        q_b = plane(slot, L.O_DON_LOWER, sink)
        q_c = plane(slot, L.O_BRK_HIGH, sink)
        q_d = plane(slot, L.O_BRK_LOW, sink)
    else:
        p = P[L.P_WILLR]
        q_a = plane(slot, L.O_WILLR, sink)
        q_b = q_c = q_d = sink
    for q in (q_a, q_b, q_c, q_d):
        nan_rows(o[q], 0, min(nv, p - 1))
    hi = stack_row(W)
    lo = stack_row(W)
    out_a = stack_row(W)
    out_c = stack_row(W)
    out_d = stack_row(W)
    sliding_extreme(x[HIGH], 0, nv, p, tmp[4], tmp[1], True)
    sliding_extreme(x[LOW], 0, nv, p, tmp[5], tmp[1], False)
    for n in range(p - 1, nv):
        for lane in range(W):
            hi[lane] = tmp[4, n, lane]
            lo[lane] = tmp[5, n, lane]
        if donchian:
            for lane in range(W):
                c = x[CLOSE, n, lane]
                out_c[lane] = (hi[lane] - c) / c if c != 0.0 else 0.0
                out_d[lane] = (c - lo[lane]) / c if c != 0.0 else 0.0
            store(o, q_a, n, hi)
            store(o, q_b, n, lo)
            store(o, q_c, n, out_c)
            store(o, q_d, n, out_d)
        else:
            for lane in range(W):
                c = x[CLOSE, n, lane]
                highest = hi[lane]
                lowest = lo[lane]
                span = highest - lowest
                flat = math.fabs(span) <= TA_EPSILON * (math.fabs(highest) + math.fabs(lowest))
                out_a[lane] = 0.0 if flat else (highest - c) * -100.0 / span
            store(o, q_a, n, out_a)


@window_jit
def cci_lanes(x, nv, p, o, q, tmp):
    """CCI as `cci_block` (typical prices in tmp[0]); 0 on a window flat to TA_EPSILON.

    Window sums run in four partial sums (a quarter of the dependency chain each).
    """
    inv = 1.0 / p
    third = 1.0 / 3.0
    s0 = stack_row(W)
    for n in range(nv):
        for lane in range(W):
            s0[lane] = (x[HIGH, n, lane] + x[LOW, n, lane] + x[CLOSE, n, lane]) * third
        store(tmp, 0, n, s0)
    nan_rows(o[q], 0, min(nv, p - 1))
    s1 = stack_row(W)
    s2 = stack_row(W)
    s3 = stack_row(W)
    average = stack_row(W)
    out = stack_row(W)
    quads = (p - 1) // 4
    for n in range(p - 1, nv):
        window = tmp[0, n - p + 1 : n]  # the p - 1 rows before row n (indices from 0)
        for lane in range(W):
            s0[lane] = tmp[0, n, lane]
            s1[lane] = 0.0
            s2[lane] = 0.0
            s3[lane] = 0.0
        for i in range(quads):
            for lane in range(W):
                s0[lane] += window[4 * i, lane]
                s1[lane] += window[4 * i + 1, lane]
                s2[lane] += window[4 * i + 2, lane]
                s3[lane] += window[4 * i + 3, lane]
        for m in range(4 * quads, p - 1):
            for lane in range(W):
                s0[lane] += window[m, lane]
        for lane in range(W):
            average[lane] = ((s0[lane] + s1[lane]) + (s2[lane] + s3[lane])) * inv
            s0[lane] = math.fabs(tmp[0, n, lane] - average[lane])
            s1[lane] = 0.0
            s2[lane] = 0.0
            s3[lane] = 0.0
        for i in range(quads):
            for lane in range(W):
                s0[lane] += math.fabs(window[4 * i, lane] - average[lane])
                s1[lane] += math.fabs(window[4 * i + 1, lane] - average[lane])
                s2[lane] += math.fabs(window[4 * i + 2, lane] - average[lane])
                s3[lane] += math.fabs(window[4 * i + 3, lane] - average[lane])
        for m in range(4 * quads, p - 1):
            for lane in range(W):
                s0[lane] += math.fabs(window[m, lane] - average[lane])
        for lane in range(W):
            mean = average[lane]
            spread = ((s0[lane] + s1[lane]) + (s2[lane] + s3[lane])) * inv
            diff = tmp[0, n, lane] - mean
            scale = math.fabs(mean)
            flat = math.fabs(diff) <= TA_EPSILON * scale or spread <= TA_EPSILON * scale
            out[lane] = 0.0 if flat else diff / (0.015 * spread)
        store(o, q, n, out)


@lane_jit
def volume_lanes(x, nv, p, o, q_sma, q_surge):
    """Volume SMA and surge ratio as `sma_block(on_volume=True)`; no surge when q_surge < 0.

    The ratio is divided on every lane and then selected with one test, so that the
    division runs as one vector instruction (LLVM keeps a division under a nested
    select in branches, one lane at a time).
    """
    running_mean(x[VOLUME], 0, nv, p, o, q_sma)
    if q_surge < 0:
        return
    surge = stack_row(W)
    for n in range(nv):
        for lane in range(W):
            average = o[q_sma, n, lane]
            # NaN on a NaN average comes from the division itself
            ratio = x[VOLUME, n, lane] / average
            surge[lane] = 0.0 if average <= 0.0 else ratio
        store(o, q_surge, n, surge)
