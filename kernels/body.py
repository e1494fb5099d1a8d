"""The fused per-symbol pass: every requested indicator of one symbol.

`run_symbol` is the whole computation. The CPU driver calls it for each symbol in a
`prange`, the GPU driver from one CUDA thread per symbol, and the incremental path with a
one-bar window; so batch, GPU and incremental results come from the same arithmetic.
(`compute` on the CPU runs groups of symbols with the same valid bars through the lane
kernel, `kernels.cpu.lanes`, which repeats this arithmetic W symbols at a time.)
It runs the requested blocks (`kernels.blocks`) one after another over the symbol's bars,
which are hot in cache after the first.

Ragged histories: a bar is valid when every input of the call is finite. Invalid bars
(leading NaNs before a symbol's first bar, NaN gaps) are skipped: they get NaN in every
output and advance no state, so each symbol's values equal TA-Lib applied to that
symbol's valid bars alone, written back at the bars' positions. Nothing is shared between
symbols.
"""

from __future__ import annotations

from . import layout as L
from .blocks.averages import bbands_block, ema_block, sma_block
from .blocks.momentum import macd_block, roc_block, rsi_block, stochastic_rsi_block
from .blocks.ranges import (
    adx_block,
    atr_block,
    cci_block,
    channel_block,
    obv_block,
    volatility_block,
)
from .jitable import jitable


@jitable()
def run_symbol(s, high, low, close, volume, t0, t1, P, F, need, slot, fs, ks, rg, out, tout):
    """Advance symbol `s` over bars [t0, t1), writing outputs at tout + (t - t0)."""
    args = (s, high, low, close, volume, t0, t1, tout, P, slot, fs, ks, rg, out)
    j = ks[L.K_COUNT]
    # RSI first: the Stochastic RSIs read its plane when the periods agree
    if need[L.B_RSI]:
        j = rsi_block(*args)
    if need[L.B_SRSI]:
        j = stochastic_rsi_block(*args, False)
    if need[L.B_SK]:
        j = stochastic_rsi_block(*args, True)
    if need[L.B_MACD]:
        j = macd_block(*args)
    if need[L.B_BB]:
        j = bbands_block(s, high, low, close, volume, t0, t1, tout, P, F, slot, fs, ks, rg, out)
    if need[L.B_ATR]:
        j = atr_block(*args)
    if need[L.B_WILLR]:
        j = channel_block(*args, False)
    if need[L.B_DON]:
        j = channel_block(*args, True)
    if need[L.B_CCI]:
        j = cci_block(*args)
    if need[L.B_SMA]:
        j = sma_block(*args, False)
    if need[L.B_EMA]:
        j = ema_block(*args)
    if need[L.B_VOL]:
        j = sma_block(*args, True)
    if need[L.B_ROC]:
        j = roc_block(*args)
    if need[L.B_ADX]:
        j = adx_block(*args)
    if need[L.B_VOLATILITY]:
        j = volatility_block(*args)
    if need[L.B_OBV]:
        j = obv_block(*args)
    ks[L.K_COUNT] = j
