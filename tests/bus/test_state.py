"""Versioned state in the STATE bucket: history, rollback as a new version, conflicts."""

from __future__ import annotations

import pytest

from tests.bus.helpers import unique_token
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.errors import StateConflict, StateNotFound
from tradeplane.bus.state import StateStore


async def test_versions_history_and_rollback(bus: BusConnection) -> None:
    state = await StateStore.open(bus)
    name = unique_token("u")
    first = await state.put("universe", name, {"top_n": 5}, reason="created")
    second = await state.put("universe", name, {"top_n": 8}, reason="wider")
    third = await state.put("universe", name, {"top_n": 3, "min_volume": 5e7}, reason="tighter")

    assert first.revision < second.revision < third.revision
    assert (await state.get("universe", name)).document == {"top_n": 3, "min_volume": 5e7}
    assert (await state.get("universe", name, second.revision)).document == {"top_n": 8}
    history = await state.history("universe", name)
    assert [(v.revision, v.reason) for v in history] == [
        (first.revision, "created"),
        (second.revision, "wider"),
        (third.revision, "tighter"),
    ]

    restored = await state.rollback("universe", name, first.revision)
    assert restored.revision > third.revision
    assert restored.document == {"top_n": 5}
    assert restored.restored_revision == first.revision
    assert restored.reason == f"rollback to revision {first.revision}"
    assert (await state.get("universe", name)).document == {"top_n": 5}
    assert len(await state.history("universe", name)) == 4  # history kept whole


async def test_a_stale_expected_revision_is_a_conflict(bus: BusConnection) -> None:
    state = await StateStore.open(bus)
    name = unique_token("s")
    first = await state.put("strategy", name, {"weights": {"rsi": 1}})
    await state.put("strategy", name, {"weights": {"rsi": 2}}, expected_revision=first.revision)
    with pytest.raises(StateConflict, match=f"changed since revision {first.revision}"):
        await state.put("strategy", name, {"weights": {"rsi": 3}}, expected_revision=first.revision)


async def test_missing_state_and_revisions_of_other_keys_are_not_found(bus: BusConnection) -> None:
    state = await StateStore.open(bus)
    name, other = unique_token("u"), unique_token("u")
    with pytest.raises(StateNotFound, match=f"no state for universe '{name}'"):
        await state.get("universe", name)
    with pytest.raises(StateNotFound):
        await state.history("universe", name)
    theirs = await state.put("universe", other, {"a": 1})
    await state.put("universe", name, {"b": 2})
    with pytest.raises(StateNotFound, match=f"at revision {theirs.revision}"):
        await state.rollback("universe", name, theirs.revision)
    with pytest.raises(ValueError, match="must be a JSON object"):
        await state.put("universe", name, [1, 2])  # type: ignore[arg-type]
