"""CPU backend: the fused kernel compiled with numba, parallel over symbols."""

from .driver import run_batch, run_batch_lanes, warmup

__all__ = ["run_batch", "run_batch_lanes", "warmup"]
