"""Fault injection: answer some API requests with errors instead of data.

Configured at start (`SimulatorConfig.faults`) or at run time (POST /admin/faults). Each
API request whose path matches draws one fault kind with the configured probabilities
(seeded, so a run is repeatable); `count` caps how many faults are injected in all.
"""

from __future__ import annotations

import logging
import random

from tradeplane.sim.config import FaultConfig, FaultKind

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/sapi/", "/fapi/", "/dapi/", "/eapi/", "/papi/")


class FaultInjector:
    """Decides per request whether and which fault to inject."""

    def __init__(self, config: FaultConfig, *, seed: int) -> None:
        self._random = random.Random(seed)
        self.injected: dict[FaultKind, int] = dict.fromkeys(FaultKind, 0)
        self.configure(config)

    def configure(self, config: FaultConfig) -> None:
        self.config = config
        self._left = config.count
        logger.info(
            "fault injection set",
            extra={"rates": {k.value: v for k, v in config.rates.items()}, "count": config.count},
        )

    def clear(self) -> None:
        self.configure(FaultConfig())

    def _applies(self, path: str) -> bool:
        if not path.startswith(API_PREFIXES):
            return False
        return not self.config.paths or path.startswith(self.config.paths)

    def draw(self, path: str) -> FaultKind | None:
        if not self.config.rates or self._left == 0 or not self._applies(path):
            return None
        roll = self._random.random()
        edge = 0.0
        for kind, rate in self.config.rates.items():
            edge += rate
            if roll < edge:
                if self._left is not None:
                    self._left -= 1
                self.injected[kind] += 1
                return kind
        return None
