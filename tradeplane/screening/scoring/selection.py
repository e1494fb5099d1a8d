"""Greedy top-N selection under a correlation limit and a per-base limit."""

from __future__ import annotations

import numpy as np

from ..base import Parameter, Stage


class TopSelection(Stage):
    """Walks the candidates from the best score down (ties: symbol name ascending) and
    takes each one unless `topN` are already taken, its base asset already has
    `maxPerBase` symbols taken, or its correlation with a taken symbol exceeds
    `maxCorrelation` (inclusive: exactly `maxCorrelation` is allowed).
    """

    key = "selection"
    stage = 3
    top_n = Parameter(
        5, minimum=1, maximum=1000, unit="symbols", description="How many symbols to select."
    )
    max_correlation = Parameter(
        0.8,
        minimum=-1.0,
        maximum=1.0,
        description="Highest return correlation allowed between two selected symbols.",
    )
    max_per_base = Parameter(
        1,
        minimum=1,
        maximum=1000,
        unit="symbols",
        description="Most selected symbols sharing one base asset (BTC/USDT and BTC/USDC).",
    )

    def select(
        self, symbols: list[str], bases: list[str], correlation: np.ndarray
    ) -> tuple[list[int], dict[int, str]]:
        """Positions selected (in rank order) and why each other position was passed over.

        `symbols`, `bases` and the rows of `correlation` are in score order, best first.
        """
        chosen: list[int] = []
        per_base: dict[str, list[int]] = {}
        reasons: dict[int, str] = {}
        for position, base in enumerate(bases):
            if len(chosen) >= self.top_n:
                reasons[position] = f"ranked {position + 1}; the top {self.top_n} were filled"
                continue
            same_base = per_base.get(base, [])
            if len(same_base) >= self.max_per_base:
                taken = ", ".join(symbols[other] for other in same_base)
                reasons[position] = f"base {base} already selected ({taken})"
                continue
            if chosen:
                related = correlation[position, chosen]
                worst = int(np.nanargmax(related)) if np.isfinite(related).any() else -1
                if worst >= 0 and related[worst] > self.max_correlation:
                    reasons[position] = (
                        f"correlation {related[worst]:.3f} with {symbols[chosen[worst]]} "
                        f"> {self.max_correlation}"
                    )
                    continue
            chosen.append(position)
            per_base.setdefault(base, []).append(position)
        return chosen, reasons
