"""The screener's errors, sorted by what the caller must do next.

- `InvalidFrame`: a frame on the bus is malformed (columns of different lengths); it is
  dead-lettered with the reason, retrying cannot help.
- `InputsIncomplete`: not enough data held yet to run the pipeline (no closed candles of
  a timeframe, no symbols); wait for more frames.
"""

from __future__ import annotations

from tradeplane.errors import TradeplaneError


class ScreenerError(TradeplaneError):
    """Base of the screener service's errors."""


class InvalidFrame(ScreenerError):
    """A ticker, candle or indicator frame whose columns disagree."""


class InputsIncomplete(ScreenerError):
    """The held data cannot be screened yet; the message says what is missing."""
