"""Checks and how they read."""

import numpy as np

from tradeplane.screening import Check
from tradeplane.screening.checks import LazyNotes, format_number


def test_check_describes_passes_failures_and_unevaluated_symbols() -> None:
    check = Check(
        stage=1,
        name="volume",
        measure="volume",
        comparison=">=",
        threshold=50_000.0,
        unit="USD",
        values=np.array([60_000.0, 10.0, np.nan]),
        passed=np.array([True, False, False]),
        evaluated=np.array([True, True, False]),
        notes={1: "thin market"},
    )
    assert check.describe(0) == "volume: volume is 60,000 USD (>= 50,000 USD)"
    assert check.describe(1) == "volume: volume is 10 USD, needs >= 50,000 USD; thin market"
    assert check.describe(2) == "volume: not evaluated"
    assert not check.values.flags.writeable


def test_number_formatting() -> None:
    assert format_number(1234567.8, "USD") == "1,234,568 USD"
    assert format_number(0.000123456) == "0.0001235"
    assert format_number(float("nan")) == "unknown"
    assert format_number(["a", "b"]) == "['a', 'b']"


def test_lazy_notes_are_written_only_when_read() -> None:
    calls = []

    def note(index: int) -> str:
        calls.append(index)
        return f"note {index}"

    notes = LazyNotes(np.array([7, 3, 3]), note)
    assert (len(notes), list(notes), 3 in notes, 4 in notes) == (2, [3, 7], True, False)
    assert calls == []
    assert notes[7] == "note 7" and calls == [7]
