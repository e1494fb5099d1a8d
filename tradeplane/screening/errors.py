"""The screening library's errors, sorted by what the caller must do next.

- `InvalidScreeningConfig`: fix the stage parameters (the message names the field, as
  written in a SymbolUniverse's `stages` section); retrying will not help.
- `InvalidMarketData`: the inputs handed to the pipeline are malformed (shapes that
  disagree, a missing timeframe, non-numeric prices); fix the code or feed that built them.
- `UnknownSymbol`: `explain` was asked about a symbol the run never saw; ask about one of
  `result.symbols` (a gRPC servicer answers NOT_FOUND).
"""

from __future__ import annotations

from tradeplane.errors import ConfigError, TradeplaneError


class ScreeningError(TradeplaneError):
    """Base of every error raised by `tradeplane.screening`."""


class InvalidScreeningConfig(ScreeningError, ConfigError):
    """Stage parameters failed validation; `field` is the dotted path of the first bad one."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class InvalidMarketData(ScreeningError):
    """A snapshot or candle set is malformed; the message says which array and why."""


class UnknownSymbol(ScreeningError, KeyError):
    """The symbol is not part of the screened universe."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""
