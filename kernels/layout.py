"""Index tables shared by the fused kernel body and the Python planner.

The fused kernel reads its parameters from an int array and a float array, writes each
requested output into one plane of a (planes, symbols, bars) array, and keeps the running
state of every indicator in three per-symbol rows: floats, ints and ring buffers. The
positions are fixed here as module constants (numba freezes them at compile time); ring
offsets depend on the periods and are computed by `kernels.plan`.
"""

from __future__ import annotations

# --- outputs (order is the plane order of a full run) -------------------------------------
OUTPUTS: tuple[str, ...] = (
    "rsi",
    "macd",
    "macdsignal",
    "macdhist",
    "upperband",
    "middleband",
    "lowerband",
    "percent_b",
    "bandwidth",
    "atr",
    "natr",
    "stochrsi_fastk",
    "stochrsi_fastd",
    "stochrsi_k",
    "stochrsi_d",
    "willr",
    "cci",
    "sma",
    "ema",
    "volume_sma",
    "volume_surge",
    "roc",
    "rocp",
    "donchian_upper",
    "donchian_lower",
    "breakout_high",
    "breakout_low",
    "adx",
    "plus_di",
    "minus_di",
    "volatility",
    "obv",
)
O_RSI, O_MACD, O_MACDSIGNAL, O_MACDHIST = 0, 1, 2, 3
O_BB_UPPER, O_BB_MIDDLE, O_BB_LOWER, O_BB_PCTB, O_BB_WIDTH = 4, 5, 6, 7, 8
O_ATR, O_NATR = 9, 10
O_SRSI_K, O_SRSI_D, O_SK_K, O_SK_D = 11, 12, 13, 14
O_WILLR, O_CCI, O_SMA, O_EMA = 15, 16, 17, 18
O_VOL_SMA, O_VOL_SURGE, O_ROC, O_ROCP = 19, 20, 21, 22
O_DON_UPPER, O_DON_LOWER, O_BRK_HIGH, O_BRK_LOW = 23, 24, 25, 26
O_ADX, O_PLUS_DI, O_MINUS_DI, O_VOLATILITY, O_OBV = 27, 28, 29, 30, 31
N_OUTPUTS = len(OUTPUTS)

# --- blocks: a block is one running computation that feeds one or more outputs ------------
B_RSI, B_MACD, B_BB, B_ATR, B_SRSI, B_SK, B_WILLR, B_CCI = 0, 1, 2, 3, 4, 5, 6, 7
B_SMA, B_EMA, B_VOL, B_ROC, B_DON, B_ADX, B_VOLATILITY, B_OBV = 8, 9, 10, 11, 12, 13, 14, 15
N_BLOCKS = 16

# --- integer parameters ---------------------------------------------------------------------
P_RSI = 0  # rsi timeperiod
P_MACD_FAST, P_MACD_SLOW, P_MACD_SIGNAL = 1, 2, 3
P_BB = 4
P_ATR = 5
P_SRSI, P_SRSI_FASTK, P_SRSI_FASTD = 6, 7, 8  # TA-Lib STOCHRSI
P_SK, P_SK_FASTK, P_SK_SLOWK, P_SK_SLOWD = 9, 10, 11, 12  # K-smoothed StochRSI
P_WILLR, P_CCI, P_SMA, P_EMA, P_VOL, P_ROC, P_DON, P_ADX, P_VOLATILITY = (
    13,
    14,
    15,
    16,
    17,
    18,
    19,
    20,
    21,
)
# ring-buffer offsets, filled by the planner
R_BB, R_SRSI_RSI, R_SRSI_D, R_SK_RSI, R_SK_K, R_SK_D = 22, 23, 24, 25, 26, 27
R_WILLR, R_CCI, R_SMA, R_VOL, R_ROC, R_DON, R_VOLATILITY = 28, 29, 30, 31, 32, 33, 34
N_INT_PARAMS = 35

# --- float parameters -----------------------------------------------------------------------
F_BB_UP, F_BB_DN = 0, 1
N_FLOAT_PARAMS = 2

# --- float state slots (per symbol) ---------------------------------------------------------
S_RSI = 0  # prev, gain, loss
S_MACD = 3  # slow ema, fast ema, signal ema
S_BB = 6  # running sum
S_ATR = 7  # prev close, atr
S_SRSI = 9  # own rsi (prev, gain, loss), running sum of fastk, (unused)
S_SK = 14  # own rsi (prev, gain, loss), running sum of k, running sum of slow k
S_SMA = 19  # running sum
S_EMA = 20  # ema
S_VOL = 21  # running sum
S_ADX = 22  # prev high, prev low, prev close, +dm, -dm, tr, adx (sum of dx while seeding)
S_VOLATILITY = 29  # prev close
S_OBV = 30  # obv, prev close
N_FLOAT_STATE = 32

# --- integer state slots (per symbol): the valid-bar count and buffer positions -----------
K_COUNT = 0
K_BB = 1
K_SRSI = 2  # rsi sliding buffer, fastd ring, (unused)
K_SK = 5  # rsi sliding buffer, slow k ring, slow d ring
K_WILLR = 8
K_CCI = 9
K_SMA = 10
K_VOL = 11
K_ROC = 12
K_DON = 13
K_VOLATILITY = 14
N_INT_STATE = 15

# spare room of each sliding buffer: a window of p values lives in p + SLIDE slots and is
# moved back to the front once every SLIDE + 1 bars
SLIDE = 32
