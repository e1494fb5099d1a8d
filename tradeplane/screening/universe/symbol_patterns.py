"""Include and exclude lists with glob patterns."""

from __future__ import annotations

import fnmatch
import re

import numpy as np

from ..base import Parameter
from ..checks import Check, LazyNotes
from .common import UniverseContext, UniverseFilter


def _matcher(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regular expression for all the glob patterns (None: matches nothing)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns))


def matching(symbols: np.ndarray, patterns: tuple[str, ...]) -> np.ndarray:
    """Which symbols match any of the glob patterns (case-sensitive)."""
    if "*" in patterns:
        return np.ones(len(symbols), dtype=bool)
    matcher = _matcher(patterns)
    if matcher is None:
        return np.zeros(len(symbols), dtype=bool)
    return np.fromiter(
        (matcher.match(symbol) is not None for symbol in symbols.tolist()), bool, len(symbols)
    )


class SymbolPatternFilter(UniverseFilter):
    """Keeps symbols that match an `include` pattern and no `exclude` pattern.

    Patterns are shell globs over the unified symbol `BASE/QUOTE`, case-sensitive:
    `*/USDT`, `BTC/*`, `*UP/*`, `[AB]*/USDC`. Exclusion wins over inclusion.
    """

    key = "symbols"
    measure = "symbol"
    include: Parameter[tuple[str, ...]] = Parameter(
        ("*",), description="Glob patterns a symbol must match one of, e.g. '*/USDT'."
    )
    exclude: Parameter[tuple[str, ...]] = Parameter(
        (), kind=str, description="Glob patterns that remove a symbol, e.g. '*UP/*'."
    )

    def check(self, context: UniverseContext) -> Check:
        symbols = context.snapshot.symbols
        included = matching(symbols, self.include)
        excluded = matching(symbols, self.exclude)

        def note(index: int) -> str:
            symbol = str(symbols[index])
            pattern = next(p for p in self.exclude if fnmatch.fnmatchcase(symbol, p))
            return f"excluded by pattern {pattern!r}"

        notes = LazyNotes(np.flatnonzero(excluded), note)
        wanted = f"include {list(self.include)} and not exclude {list(self.exclude)}"
        return self.make_check(
            symbols, included & ~excluded, comparison="matching", threshold=wanted, notes=notes
        )
