"""`compute`: a whole `Suite` of indicators over all symbols in one fused pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .engine import run
from .params import Suite


def compute(
    candles: Mapping[str, Any],
    suite: Suite | None = None,
    *,
    backend: str = "auto",
    out: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every output of `suite` (default: the screener's 13 series) for every symbol.

    `candles` maps "high", "low", "close", "volume" (and optionally "open", unused) to
    (symbols, bars) arrays; only the fields the suite reads are required. A bar is valid
    when all fields the suite reads are finite; invalid bars are skipped by every
    indicator (see `kernels.body`). Pass a preallocated `out` of shape
    (len(suite.outputs), symbols, bars) to reuse memory between calls; the returned arrays
    are then views into it.
    """
    return run(candles, suite if suite is not None else Suite(), backend=backend, out=out)


def warmup(backend: str = "auto") -> None:
    """Compile every kernel the backend will run, on tiny arrays (call at service start).

    The CPU kernels always (the incremental path and resampling run there); the GPU
    kernel too when `backend` resolves to "gpu".
    """
    from .cpu import warmup as warmup_cpu
    from .engine import resolve_backend
    from .layout import OUTPUTS

    warmup_cpu()
    if resolve_backend(backend) == "gpu":
        data = np.linspace(1.0, 2.0, 6).reshape(2, 3)
        fields = {"high": data, "low": data, "close": data, "volume": data}
        run(fields, Suite(outputs=OUTPUTS), backend="gpu")
