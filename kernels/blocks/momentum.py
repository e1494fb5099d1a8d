"""Blocks over close: RSI, MACD, both Stochastic RSIs, rate of change."""

from __future__ import annotations

import math

from .. import layout as L
from ..steps import NAN, ema_step, push, rsi_step, slide, sma_step, stoch_k, window_max, window_min
from .common import block, emit, valid


@block
def rsi_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    p = P[L.P_RSI]
    inv = 1.0 / p
    q = slot[L.O_RSI]
    j = ks[L.K_COUNT]
    prev, gain, loss = fs[L.S_RSI], fs[L.S_RSI + 1], fs[L.S_RSI + 2]
    for t in range(t0, t1):
        to = tout + t - t0
        if not valid(high, low, close, volume, s, t):
            emit(out, q, s, to, NAN)
            continue
        value, prev, gain, loss = rsi_step(prev, gain, loss, p, inv, j, close[s, t])
        emit(out, q, s, to, value)
        j += 1
    fs[L.S_RSI], fs[L.S_RSI + 1], fs[L.S_RSI + 2] = prev, gain, loss
    return j


@block
def macd_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    p_fast = P[L.P_MACD_FAST]
    p_slow = P[L.P_MACD_SLOW]
    p_signal = P[L.P_MACD_SIGNAL]
    k_fast = 2.0 / (p_fast + 1)
    k_slow = 2.0 / (p_slow + 1)
    k_signal = 2.0 / (p_signal + 1)
    inv_fast = 1.0 / p_fast
    inv_slow = 1.0 / p_slow
    inv_signal = 1.0 / p_signal
    q_line = slot[L.O_MACD]
    q_signal = slot[L.O_MACDSIGNAL]
    q_hist = slot[L.O_MACDHIST]
    j = ks[L.K_COUNT]
    slow, fast, signal = fs[L.S_MACD], fs[L.S_MACD + 1], fs[L.S_MACD + 2]
    for t in range(t0, t1):
        to = tout + t - t0
        line_out = NAN
        signal_out = NAN
        if valid(high, low, close, volume, s, t):
            c = close[s, t]
            slow_out, slow = ema_step(slow, p_slow, inv_slow, k_slow, j, c)
            # the fast EMA is seeded so that its first value lands on the slow one's
            fast_out, fast = ema_step(fast, p_fast, inv_fast, k_fast, j - (p_slow - p_fast), c)
            if j >= p_slow - 1:
                line = fast_out - slow_out
                js = j - (p_slow - 1)
                signal_out, signal = ema_step(signal, p_signal, inv_signal, k_signal, js, line)
                if not math.isnan(signal_out):
                    line_out = line
            j += 1
        emit(out, q_line, s, to, line_out)
        emit(out, q_signal, s, to, signal_out)
        emit(out, q_hist, s, to, line_out - signal_out)
    fs[L.S_MACD], fs[L.S_MACD + 1], fs[L.S_MACD + 2] = slow, fast, signal
    return j


@block
def stochastic_rsi_block(
    s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out, smoothed
):
    """TA-Lib's STOCHRSI (smoothed=False) or STOCH over RSI, the K-smoothed form (True)."""
    if smoothed:
        p_rsi, p_k, p_d, p_d2 = P[L.P_SK], P[L.P_SK_FASTK], P[L.P_SK_SLOWK], P[L.P_SK_SLOWD]
        r_rsi, r_d, r_d2 = P[L.R_SK_RSI], P[L.R_SK_K], P[L.R_SK_D]
        q_k, q_d = slot[L.O_SK_K], slot[L.O_SK_D]
        fo, ko = L.S_SK, L.K_SK
    else:
        p_rsi, p_k, p_d, p_d2 = P[L.P_SRSI], P[L.P_SRSI_FASTK], P[L.P_SRSI_FASTD], 1
        r_rsi, r_d, r_d2 = P[L.R_SRSI_RSI], P[L.R_SRSI_D], 0
        q_k, q_d = slot[L.O_SRSI_K], slot[L.O_SRSI_D]
        fo, ko = L.S_SRSI, L.K_SRSI
    # reuse the RSI plane when this pass already wrote RSI of the same period
    q_rsi = slot[L.O_RSI]
    shared = q_rsi >= 0 and P[L.P_RSI] == p_rsi
    inv_rsi = 1.0 / p_rsi
    inv_d = 1.0 / p_d
    inv_d2 = 1.0 / p_d2
    size = p_k + L.SLIDE
    j = ks[L.K_COUNT]
    prev, gain, loss, d_sum, d2_sum = fs[fo], fs[fo + 1], fs[fo + 2], fs[fo + 3], fs[fo + 4]
    k_at, d_pos, d2_pos = ks[ko], ks[ko + 1], ks[ko + 2]
    for t in range(t0, t1):
        to = tout + t - t0
        k_out = NAN
        d_out = NAN
        if valid(high, low, close, volume, s, t):
            if shared:
                rsi = out[q_rsi, s, to]
            else:
                rsi, prev, gain, loss = rsi_step(prev, gain, loss, p_rsi, inv_rsi, j, close[s, t])
            jr = j - p_rsi
            if jr >= 0:
                k_at = slide(rg, r_rsi, k_at, p_k, size)
                if jr >= p_k - 1:
                    window = rg[r_rsi + k_at - (p_k - 1) : r_rsi + k_at]
                    highest = window_max(window, p_k - 1, rsi)
                    lowest = window_min(window, p_k - 1, rsi)
                    k = stoch_k(rsi, highest, lowest)
                    jk = jr - (p_k - 1)
                    d, d_sum, d_pos = sma_step(d_sum, d_pos, rg, r_d, p_d, inv_d, jk, k)
                    if not smoothed:
                        if not math.isnan(d):
                            k_out = k
                            d_out = d
                    elif not math.isnan(d):
                        jd = jk - (p_d - 1)
                        d2, d2_sum, d2_pos = sma_step(d2_sum, d2_pos, rg, r_d2, p_d2, inv_d2, jd, d)
                        if not math.isnan(d2):
                            k_out = d
                            d_out = d2
                rg[r_rsi + k_at] = rsi
                k_at += 1
            j += 1
        emit(out, q_k, s, to, k_out)
        emit(out, q_d, s, to, d_out)
    fs[fo], fs[fo + 1], fs[fo + 2], fs[fo + 3], fs[fo + 4] = prev, gain, loss, d_sum, d2_sum
    ks[ko], ks[ko + 1], ks[ko + 2] = k_at, d_pos, d2_pos
    return j


@block
def roc_block(s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out):
    p = P[L.P_ROC]
    ro = P[L.R_ROC]
    q_roc = slot[L.O_ROC]
    q_rocp = slot[L.O_ROCP]
    j = ks[L.K_COUNT]
    pos = ks[L.K_ROC]
    for t in range(t0, t1):
        to = tout + t - t0
        roc = NAN
        rocp = NAN
        if valid(high, low, close, volume, s, t):
            c = close[s, t]
            if j >= p:
                previous = rg[ro + pos]  # the close p valid bars ago
                roc = 0.0
                rocp = 0.0
                if previous != 0.0:
                    roc = ((c / previous) - 1.0) * 100.0
                    rocp = (c - previous) / previous
            pos = push(rg, ro, pos, p, c)
            j += 1
        emit(out, q_roc, s, to, roc)
        emit(out, q_rocp, s, to, rocp)
    ks[L.K_ROC] = pos
    return j
