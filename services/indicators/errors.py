"""Errors of the indicators service, sorted by what the caller must do about them.

- `MalformedFrame`: the candle frame can never be used (dead-letter it; fix the producer).
- `InvalidRequest`: a Compute request is wrong; `field` names what to fix (INVALID_ARGUMENT).
"""

from __future__ import annotations


class IndicatorsError(Exception):
    """Base of the indicators service's errors."""


class MalformedFrame(IndicatorsError):
    """A candle frame that no retry can make usable; the message says what is wrong."""


class InvalidRequest(IndicatorsError, ValueError):
    """A Compute request with a bad field; `field` names it (e.g. "close", "parameters")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
