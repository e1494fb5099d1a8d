"""Blocks of moving averages: SMA, EMA, Bollinger Bands, volume SMA and surge."""

from __future__ import annotations

import math

from .. import layout as L
from ..steps import NAN, ema_step, slide, sma_step, window_square_deviation
from .common import block, emit, valid


@block
def sma_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out, on_volume):
    """SMA of close (output `sma`), or of volume with the surge ratio (`volume_*`)."""
    if on_volume:
        p, ro, fo, ko = P[L.P_VOL], P[L.R_VOL], L.S_VOL, L.K_VOL
        q, q_surge, series = slot[L.O_VOL_SMA], slot[L.O_VOL_SURGE], volume
    else:
        p, ro, fo, ko = P[L.P_SMA], P[L.R_SMA], L.S_SMA, L.K_SMA
        q, q_surge, series = slot[L.O_SMA], -1, close
    inv = 1.0 / p
    j = ks[L.K_COUNT]
    total, pos = fs[fo], ks[ko]
    for t in range(t0, t1):
        to = tout + t - t0
        average = NAN
        if valid(high, low, close, volume, s, t):
            x = series[s, t]
            average, total, pos = sma_step(total, pos, rg, ro, p, inv, j, x)
            j += 1
        emit(out, q, s, to, average)
        if q_surge >= 0:
            surge = average
            if average > 0.0:
                surge = volume[s, t] / average
            elif average <= 0.0:
                surge = 0.0
            out[q_surge, s, to] = surge
    fs[fo], ks[ko] = total, pos
    return j


@block
def ema_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    p = P[L.P_EMA]
    k = 2.0 / (p + 1)
    inv = 1.0 / p
    q = slot[L.O_EMA]
    j = ks[L.K_COUNT]
    ema = fs[L.S_EMA]
    for t in range(t0, t1):
        to = tout + t - t0
        if not valid(high, low, close, volume, s, t):
            emit(out, q, s, to, NAN)
            continue
        value, ema = ema_step(ema, p, inv, k, j, close[s, t])
        emit(out, q, s, to, value)
        j += 1
    fs[L.S_EMA] = ema
    return j


@block
def bbands_block(s, high, low, close, volume, t0, t1, tout, P, F, slot, fs, ks, rg, out):
    """Bollinger Bands as TA_BBANDS with an SMA middle band, plus %B and bandwidth.

    %B is 0.5 when the bands are narrower than 1e-9 of the middle band (a flat window).
    """
    p = P[L.P_BB]
    ro = P[L.R_BB]
    inv = 1.0 / p
    up = F[L.F_BB_UP]
    down = F[L.F_BB_DN]
    q_upper = slot[L.O_BB_UPPER]
    q_middle = slot[L.O_BB_MIDDLE]
    q_lower = slot[L.O_BB_LOWER]
    q_pctb = slot[L.O_BB_PCTB]
    q_width = slot[L.O_BB_WIDTH]
    size = p + L.SLIDE
    j = ks[L.K_COUNT]
    total, k_at = fs[L.S_BB], ks[L.K_BB]
    for t in range(t0, t1):
        to = tout + t - t0
        upper = NAN
        middle = NAN
        lower = NAN
        percent_b = NAN
        width = NAN
        if valid(high, low, close, volume, s, t):
            c = close[s, t]
            k_at = slide(rg, ro, k_at, p, size)
            total += c
            if j >= p - 1:
                window = rg[ro + k_at - (p - 1) : ro + k_at]  # the p - 1 closes before c
                middle = total * inv
                total -= window[0]
                # population deviation around the middle band, over the window (a
                # running sum of squares would lose every digit on flat windows)
                squares = window_square_deviation(window, p - 1, middle, c)
                deviation = math.sqrt(squares * inv)
                upper = middle + deviation * up
                lower = middle - deviation * down
                if q_pctb >= 0:
                    percent_b = 0.5
                    if upper - lower > 1e-9 * math.fabs(middle):
                        percent_b = (c - lower) / (upper - lower)
                if q_width >= 0:
                    width = 0.0
                    if middle != 0.0:
                        width = (upper - lower) / middle
            rg[ro + k_at] = c
            k_at += 1
            j += 1
        emit(out, q_upper, s, to, upper)
        emit(out, q_middle, s, to, middle)
        emit(out, q_lower, s, to, lower)
        emit(out, q_pctb, s, to, percent_b)
        emit(out, q_width, s, to, width)
    fs[L.S_BB], ks[L.K_BB] = total, k_at
    return j
