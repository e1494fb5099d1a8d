"""Turn a `Suite` into the flat arrays the fused kernel reads, and allocate its state."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import layout as L
from .params import Suite

# which block feeds each output
BLOCK_OF_OUTPUT: dict[int, int] = {
    L.O_RSI: L.B_RSI,
    L.O_MACD: L.B_MACD,
    L.O_MACDSIGNAL: L.B_MACD,
    L.O_MACDHIST: L.B_MACD,
    L.O_BB_UPPER: L.B_BB,
    L.O_BB_MIDDLE: L.B_BB,
    L.O_BB_LOWER: L.B_BB,
    L.O_BB_PCTB: L.B_BB,
    L.O_BB_WIDTH: L.B_BB,
    L.O_ATR: L.B_ATR,
    L.O_NATR: L.B_ATR,
    L.O_SRSI_K: L.B_SRSI,
    L.O_SRSI_D: L.B_SRSI,
    L.O_SK_K: L.B_SK,
    L.O_SK_D: L.B_SK,
    L.O_WILLR: L.B_WILLR,
    L.O_CCI: L.B_CCI,
    L.O_SMA: L.B_SMA,
    L.O_EMA: L.B_EMA,
    L.O_VOL_SMA: L.B_VOL,
    L.O_VOL_SURGE: L.B_VOL,
    L.O_ROC: L.B_ROC,
    L.O_ROCP: L.B_ROC,
    L.O_DON_UPPER: L.B_DON,
    L.O_DON_LOWER: L.B_DON,
    L.O_BRK_HIGH: L.B_DON,
    L.O_BRK_LOW: L.B_DON,
    L.O_ADX: L.B_ADX,
    L.O_PLUS_DI: L.B_ADX,
    L.O_MINUS_DI: L.B_ADX,
    L.O_VOLATILITY: L.B_VOLATILITY,
    L.O_OBV: L.B_OBV,
}

# the candle fields each block reads (a bar is valid when all fields read are finite)
FIELDS_OF_BLOCK: dict[int, tuple[str, ...]] = {
    L.B_RSI: ("close",),
    L.B_MACD: ("close",),
    L.B_BB: ("close",),
    L.B_ATR: ("high", "low", "close"),
    L.B_SRSI: ("close",),
    L.B_SK: ("close",),
    L.B_WILLR: ("high", "low", "close"),
    L.B_CCI: ("high", "low", "close"),
    L.B_SMA: ("close",),
    L.B_EMA: ("close",),
    L.B_VOL: ("volume",),
    L.B_ROC: ("close",),
    L.B_DON: ("high", "low", "close"),
    L.B_ADX: ("high", "low", "close"),
    L.B_VOLATILITY: ("close",),
    L.B_OBV: ("close", "volume"),
}


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything the fused kernel needs besides the data: parameters, flags, sizes."""

    suite: Suite
    int_params: np.ndarray  # int64 (N_INT_PARAMS,)
    float_params: np.ndarray  # float64 (N_FLOAT_PARAMS,)
    need: np.ndarray  # int64 (N_BLOCKS,), 1 where a block runs
    slot: np.ndarray  # int64 (N_OUTPUTS,), plane of each output or -1
    ring_size: int
    fields: tuple[str, ...]  # candle fields the plan reads

    def new_state(self, symbols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fresh running state for `symbols` symbols: (floats, ints, rings)."""
        floats = np.zeros((symbols, L.N_FLOAT_STATE))
        ints = np.zeros((symbols, L.N_INT_STATE), dtype=np.int64)
        rings = np.empty((symbols, max(self.ring_size, 1)))  # every slot is written before read
        return floats, ints, rings


def ring_layout(suite: Suite) -> tuple[tuple[int, int, int], ...]:
    """(block, offset parameter, slots) of every ring and sliding buffer, in layout order."""
    s = suite
    slide = L.SLIDE  # sliding buffers (windows read whole); plain rings for running sums
    return (
        (L.B_BB, L.R_BB, s.bb_period + slide),
        (L.B_SRSI, L.R_SRSI_RSI, s.stochrsi_fastk + slide),
        (L.B_SRSI, L.R_SRSI_D, s.stochrsi_fastd),
        (L.B_SK, L.R_SK_RSI, s.stochk_fastk + slide),
        (L.B_SK, L.R_SK_K, s.stochk_slowk),
        (L.B_SK, L.R_SK_D, s.stochk_slowd),
        (L.B_WILLR, L.R_WILLR, 2 * (s.willr_period + slide)),
        (L.B_CCI, L.R_CCI, s.cci_period + slide),
        (L.B_SMA, L.R_SMA, s.sma_period),
        (L.B_VOL, L.R_VOL, s.volume_period),
        (L.B_ROC, L.R_ROC, s.roc_period),
        (L.B_DON, L.R_DON, 2 * (s.donchian_period + slide)),
        (L.B_VOLATILITY, L.R_VOLATILITY, s.volatility_period + slide),
    )


def make_plan(suite: Suite) -> Plan:
    """Lay out the parameters, ring buffers and output planes of `suite`."""
    s = suite
    macd_fast, macd_slow = sorted((s.macd_fast, s.macd_slow))  # TA-Lib swaps them too
    P = np.zeros(L.N_INT_PARAMS, dtype=np.int64)
    P[L.P_RSI] = s.rsi_period
    P[L.P_MACD_FAST] = macd_fast
    P[L.P_MACD_SLOW] = macd_slow
    P[L.P_MACD_SIGNAL] = s.macd_signal
    P[L.P_BB] = s.bb_period
    P[L.P_ATR] = s.atr_period
    P[L.P_SRSI] = s.stochrsi_period
    P[L.P_SRSI_FASTK] = s.stochrsi_fastk
    P[L.P_SRSI_FASTD] = s.stochrsi_fastd
    P[L.P_SK] = s.stochk_rsi_period
    P[L.P_SK_FASTK] = s.stochk_fastk
    P[L.P_SK_SLOWK] = s.stochk_slowk
    P[L.P_SK_SLOWD] = s.stochk_slowd
    P[L.P_WILLR] = s.willr_period
    P[L.P_CCI] = s.cci_period
    P[L.P_SMA] = s.sma_period
    P[L.P_EMA] = s.ema_period
    P[L.P_VOL] = s.volume_period
    P[L.P_ROC] = s.roc_period
    P[L.P_DON] = s.donchian_period
    P[L.P_ADX] = s.adx_period
    P[L.P_VOLATILITY] = s.volatility_period

    slot = np.full(L.N_OUTPUTS, -1, dtype=np.int64)
    need = np.zeros(L.N_BLOCKS, dtype=np.int64)
    for plane, name in enumerate(s.outputs):
        index = L.OUTPUTS.index(name)
        slot[index] = plane
        need[BLOCK_OF_OUTPUT[index]] = 1

    offset = 0
    for block, index, size in ring_layout(s):
        if need[block]:
            P[index] = offset
            offset += size

    F = np.array([s.bb_nbdevup, s.bb_nbdevdn], dtype=np.float64)
    fields = sorted(
        {f for block in range(L.N_BLOCKS) if need[block] for f in FIELDS_OF_BLOCK[block]}
    )
    return Plan(
        suite=suite,
        int_params=P,
        float_params=F,
        need=need,
        slot=slot,
        ring_size=offset,
        fields=tuple(fields),
    )
