"""`Check`: one test of one stage over the whole universe, and how it reads to a human."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from .base import readonly


def format_number(value: Any, unit: str = "") -> str:
    """A value for a human: thousands separators for large numbers, 4 digits for small."""
    if isinstance(value, str | np.str_):
        text = repr(str(value))
    elif isinstance(value, tuple | list):
        text = "[" + ", ".join(format_number(item) for item in value) + "]"
    elif value is None:
        text = "none"
    elif isinstance(value, bool | np.bool_):
        text = str(bool(value)).lower()
    else:
        number = float(value)
        if np.isnan(number):
            return "unknown"
        text = f"{number:,.0f}" if abs(number) >= 10_000 else f"{number:.4g}"
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("%", "x") else f"{text} {unit}"


class LazyNotes(Mapping[int, str]):
    """Notes written only when asked for: `describe(index)` for each index in `indices`.

    A stage may drop thousands of symbols per run; their notes are read only when one of
    them is explained, so they are not formatted up front.
    """

    def __init__(self, indices: np.ndarray, describe: Callable[[int], str]) -> None:
        self._indices = np.unique(np.asarray(indices, dtype=np.int64))
        self._describe = describe

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int | np.integer):
            return False
        position = int(np.searchsorted(self._indices, index))
        return position < len(self._indices) and self._indices[position] == index

    def __getitem__(self, index: int) -> str:
        if index not in self:
            raise KeyError(index)
        return self._describe(int(index))

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices.tolist())

    def __len__(self) -> int:
        return len(self._indices)


@dataclass(frozen=True, eq=False)
class Check:
    """One test of one stage over the whole universe: values, threshold, pass/fail.

    Arrays have one entry per universe symbol (read-only); `evaluated` is False for
    symbols the stage never saw (dropped earlier). `notes` adds a reason where the value
    alone does not explain a failure (e.g. no USD conversion for the quote currency).
    """

    stage: int
    name: str
    measure: str
    comparison: str
    threshold: Any
    unit: str
    values: np.ndarray
    passed: np.ndarray
    evaluated: np.ndarray
    notes: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", readonly(np.asarray(self.values)))
        object.__setattr__(self, "passed", readonly(np.asarray(self.passed, dtype=bool)))
        object.__setattr__(self, "evaluated", readonly(np.asarray(self.evaluated, dtype=bool)))
        if not isinstance(self.notes, LazyNotes):
            object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))

    def threshold_text(self) -> str:
        """The threshold for a human: strings as written, ranges as "A and B"."""
        if isinstance(self.threshold, str):
            return self.threshold
        if self.comparison == "between":
            low, high = self.threshold
            return f"{format_number(low, self.unit)} and {format_number(high, self.unit)}"
        return format_number(self.threshold, self.unit)

    def describe(self, index: int) -> str:
        """`name: measure is VALUE (COMPARISON THRESHOLD)`, or `..., needs ...` on failure."""
        if not self.evaluated[index]:
            return f"{self.name}: not evaluated"
        value = self.values[index]
        shown = value.item() if isinstance(value, np.generic) else value
        text = f"{self.name}: {self.measure} is {format_number(shown, self.unit)}"
        wanted = f"{self.comparison} {self.threshold_text()}".strip()
        if wanted:
            text += f" ({wanted})" if self.passed[index] else f", needs {wanted}"
        note = self.notes.get(index)
        return f"{text}; {note}" if note else text


def scatter(size: int, rows: np.ndarray, values: np.ndarray, fill: Any = np.nan) -> np.ndarray:
    """A length-`size` array holding `values` at `rows` and `fill` elsewhere."""
    values = np.asarray(values)
    dtype = bool if values.dtype == bool else values.dtype if values.dtype.kind in "OU" else float
    full = np.full(size, fill, dtype=dtype)
    full[rows] = values
    return full


def row_check(
    size: int,
    rows: np.ndarray,
    *,
    values: np.ndarray,
    passed: np.ndarray,
    notes: Mapping[int, str] | None = None,
    **details: Any,
) -> Check:
    """A `Check` from values and pass flags of `rows` only (the rest: not evaluated)."""
    return Check(
        values=scatter(size, rows, values),
        passed=scatter(size, rows, np.asarray(passed, dtype=bool), False),
        evaluated=scatter(size, rows, np.ones(len(rows), dtype=bool), False),
        notes=notes if notes is not None else {},
        **details,
    )
