"""Errors raised by the kernels, sorted by what the caller must do about them.

`InvalidInput` and `InvalidParameter` mean: fix the call (shape, dtype, a parameter's
value); retrying the same call cannot succeed. `BackendUnavailable` means: pick another
backend (`backend="cpu"`) or run where the requested one exists. All derive from
`KernelError`, and the first two also from `ValueError` so generic handlers still work.
"""

from __future__ import annotations


class KernelError(Exception):
    """Base of every error raised by tradeplane.kernels."""


class InvalidInput(KernelError, ValueError):
    """An input array has the wrong shape, dtype or does not match the other inputs."""


class InvalidParameter(KernelError, ValueError):
    """A parameter is out of range or of the wrong type; `parameter` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


class BackendUnavailable(KernelError, RuntimeError):
    """The requested backend cannot run here (no GPU, no CUDA driver, missing package)."""
