"""Blocks over the bar's range: ATR, Williams %R, CCI, Donchian, ADX/DI, volatility, OBV."""

from __future__ import annotations

import math

from .. import layout as L
from ..steps import (
    NAN,
    atr_step,
    dmi_step,
    is_zero,
    is_zero_scaled,
    slide,
    window_abs_deviation,
    window_max,
    window_min,
    window_square_deviation,
    window_sum,
)
from .common import block, emit, valid


@block
def atr_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    p = P[L.P_ATR]
    inv = 1.0 / p
    q_atr = slot[L.O_ATR]
    q_natr = slot[L.O_NATR]
    j = ks[L.K_COUNT]
    prev, atr = fs[L.S_ATR], fs[L.S_ATR + 1]
    for t in range(t0, t1):
        to = tout + t - t0
        value = NAN
        natr = NAN
        if valid(high, low, close, volume, s, t):
            c = close[s, t]
            value, prev, atr = atr_step(prev, atr, p, inv, j, high[s, t], low[s, t], c)
            if q_natr >= 0 and not math.isnan(value):
                natr = 0.0
                if not is_zero(c):
                    natr = (value / c) * 100.0
            j += 1
        emit(out, q_atr, s, to, value)
        emit(out, q_natr, s, to, natr)
    fs[L.S_ATR], fs[L.S_ATR + 1] = prev, atr
    return j


@block
def channel_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out, donchian):
    """Highest high / lowest low of a window: Williams %R, or Donchian and breakout."""
    if donchian:
        p, ro, ko = P[L.P_DON], P[L.R_DON], L.K_DON
    else:
        p, ro, ko = P[L.P_WILLR], P[L.R_WILLR], L.K_WILLR
    size = p + L.SLIDE  # highs at ro, lows at ro + size, one position for both
    q_willr = slot[L.O_WILLR]
    q_upper = slot[L.O_DON_UPPER]
    q_lower = slot[L.O_DON_LOWER]
    q_to_high = slot[L.O_BRK_HIGH]
    q_to_low = slot[L.O_BRK_LOW]
    j = ks[L.K_COUNT]
    k_at = ks[ko]
    for t in range(t0, t1):
        to = tout + t - t0
        highest = NAN
        lowest = NAN
        if valid(high, low, close, volume, s, t):
            h = high[s, t]
            lo = low[s, t]
            slide(rg, ro + size, k_at, p, size)
            k_at = slide(rg, ro, k_at, p, size)
            if j >= p - 1:
                highs = rg[ro + k_at - (p - 1) : ro + k_at]
                lows = rg[ro + size + k_at - (p - 1) : ro + size + k_at]
                highest = window_max(highs, p - 1, h)
                lowest = window_min(lows, p - 1, lo)
            rg[ro + k_at] = h
            rg[ro + size + k_at] = lo
            k_at += 1
            j += 1
        c = close[s, t]
        if donchian:
            to_high = NAN
            to_low = NAN
            if not math.isnan(highest):
                to_high = 0.0
                to_low = 0.0
                if c != 0.0:
                    to_high = (highest - c) / c
                    to_low = (c - lowest) / c
            emit(out, q_upper, s, to, highest)
            emit(out, q_lower, s, to, lowest)
            emit(out, q_to_high, s, to, to_high)
            emit(out, q_to_low, s, to, to_low)
        else:
            value = NAN
            if not math.isnan(highest):
                value = 0.0
                if not is_zero_scaled(highest - lowest, math.fabs(highest) + math.fabs(lowest)):
                    value = (highest - c) * -100.0 / (highest - lowest)
            emit(out, q_willr, s, to, value)
    ks[ko] = k_at
    return j


@block
def cci_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    """CCI as TA_CCI; a window flat within TA_EPSILON of its price level gives 0."""
    p = P[L.P_CCI]
    ro = P[L.R_CCI]
    inv = 1.0 / p
    q = slot[L.O_CCI]
    size = p + L.SLIDE
    j = ks[L.K_COUNT]
    k_at = ks[L.K_CCI]
    for t in range(t0, t1):
        to = tout + t - t0
        value = NAN
        if valid(high, low, close, volume, s, t):
            typical = (high[s, t] + low[s, t] + close[s, t]) * (1.0 / 3.0)
            k_at = slide(rg, ro, k_at, p, size)
            if j >= p - 1:
                window = rg[ro + k_at - (p - 1) : ro + k_at]  # the p - 1 before this bar
                average = window_sum(window, p - 1, typical) * inv
                deviation = window_abs_deviation(window, p - 1, average, typical) * inv
                diff = typical - average
                scale = math.fabs(average)
                value = 0.0
                if not (is_zero_scaled(diff, scale) or is_zero_scaled(deviation, scale)):
                    value = diff / (0.015 * deviation)
            rg[ro + k_at] = typical
            k_at += 1
            j += 1
        emit(out, q, s, to, value)
    ks[L.K_CCI] = k_at
    return j


@block
def adx_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    p = P[L.P_ADX]
    inv = 1.0 / p
    q_adx = slot[L.O_ADX]
    q_plus = slot[L.O_PLUS_DI]
    q_minus = slot[L.O_MINUS_DI]
    a = L.S_ADX
    j = ks[L.K_COUNT]
    prev_high, prev_low, prev_close = fs[a], fs[a + 1], fs[a + 2]
    plus_dm, minus_dm, tr_sum, adx = fs[a + 3], fs[a + 4], fs[a + 5], fs[a + 6]
    for t in range(t0, t1):
        to = tout + t - t0
        plus_di = NAN
        minus_di = NAN
        adx_out = NAN
        if valid(high, low, close, volume, s, t):
            (
                plus_di, minus_di, adx_out,
                prev_high, prev_low, prev_close, plus_dm, minus_dm, tr_sum, adx,
            ) = dmi_step(
                prev_high, prev_low, prev_close, plus_dm, minus_dm, tr_sum, adx,
                p, inv, j, high[s, t], low[s, t], close[s, t],
            )  # fmt: skip
            j += 1
        emit(out, q_plus, s, to, plus_di)
        emit(out, q_minus, s, to, minus_di)
        emit(out, q_adx, s, to, adx_out)
    fs[a], fs[a + 1], fs[a + 2] = prev_high, prev_low, prev_close
    fs[a + 3], fs[a + 4], fs[a + 5], fs[a + 6] = plus_dm, minus_dm, tr_sum, adx
    return j


@block
def volatility_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    """Sample standard deviation (ddof=1) of the last p log returns of close."""
    p = P[L.P_VOLATILITY]
    ro = P[L.R_VOLATILITY]
    q = slot[L.O_VOLATILITY]
    size = p + L.SLIDE
    j = ks[L.K_COUNT]
    prev, k_at = fs[L.S_VOLATILITY], ks[L.K_VOLATILITY]
    for t in range(t0, t1):
        to = tout + t - t0
        value = NAN
        if valid(high, low, close, volume, s, t):
            c = close[s, t]
            if j > 0:
                ret = math.log(c / prev)
                k_at = slide(rg, ro, k_at, p, size)
                if j >= p:  # p returns: this one and the p - 1 in the buffer
                    window = rg[ro + k_at - (p - 1) : ro + k_at]
                    mean = window_sum(window, p - 1, ret) * (1.0 / p)
                    squares = window_square_deviation(window, p - 1, mean, ret)
                    value = math.sqrt(squares / (p - 1))
                rg[ro + k_at] = ret
                k_at += 1
            prev = c
            j += 1
        emit(out, q, s, to, value)
    fs[L.S_VOLATILITY], ks[L.K_VOLATILITY] = prev, k_at
    return j


@block
def obv_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    """On-balance volume as TA_OBV: starts at the first bar's volume."""
    q = slot[L.O_OBV]
    j = ks[L.K_COUNT]
    obv, prev = fs[L.S_OBV], fs[L.S_OBV + 1]
    for t in range(t0, t1):
        to = tout + t - t0
        if not valid(high, low, close, volume, s, t):
            emit(out, q, s, to, NAN)
            continue
        c = close[s, t]
        v = volume[s, t]
        if j == 0:
            obv = v
        elif c > prev:
            obv += v
        elif c < prev:
            obv -= v
        prev = c
        emit(out, q, s, to, obv)
        j += 1
    fs[L.S_OBV], fs[L.S_OBV + 1] = obv, prev
    return j
