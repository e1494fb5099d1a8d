"""Envelopes: fresh ULID ids, payload types, causation, and strict decoding."""

from datetime import UTC, datetime

import pytest
from ulid import ULID

from tradeplane.bus import subjects
from tradeplane.bus.envelope import (
    decode_envelope,
    decode_payload,
    event_time,
    headers_for,
    new_event,
)
from tradeplane.bus.errors import UndecodableEvent
from tradeplane.v1 import envelope_pb2, orders_pb2, signals_pb2


def test_new_event_wraps_the_payload_with_a_ulid_and_its_type() -> None:
    submit = orders_pb2.SubmitOrder(client_order_id="c1", symbol="BTC/USDT", quantity=0.5)
    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    event = new_event(
        submit, subject=subjects.order_command("s1", "submit"), source="signals/s1", time=moment
    )
    assert ULID.from_str(event.id)
    assert event.type == "tradeplane.v1.SubmitOrder"
    assert event.subject == "exec.s1.cmd.submit"
    assert event.source == "signals/s1"
    assert event.schema_version == 1
    assert event_time(event) == moment
    assert event.correlation_id == event.id  # a root event starts its own flow
    assert event.causation_id == ""
    assert decode_payload(event) == submit
    assert headers_for(event) == {"Nats-Msg-Id": event.id}


def test_an_event_caused_by_another_carries_its_flow() -> None:
    signal = new_event(
        signals_pb2.SignalsGenerated(strategy="s1"), subject="sig.s1.signals", source="signals/s1"
    )
    order = new_event(
        orders_pb2.SubmitOrder(), subject="exec.s1.cmd.submit", source="x", cause=signal
    )
    filled = new_event(
        orders_pb2.OrderFilled(), subject="exec.s1.evt.filled", source="y", cause=order
    )
    assert order.causation_id == signal.id
    assert filled.causation_id == order.id
    assert {order.correlation_id, filled.correlation_id} == {signal.id}
    assert len({signal.id, order.id, filled.id}) == 3


def test_decode_envelope_round_trips() -> None:
    event = new_event(
        orders_pb2.CancelOrder(client_order_id="c9"), subject="exec.s.cmd.cancel", source="t"
    )
    assert decode_envelope(event.SerializeToString()) == event


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xff\xff garbage", "not a tradeplane.v1.Event envelope"),
        (envelope_pb2.Event(id="123", type="x").SerializeToString(), "is not a ULID"),
        (envelope_pb2.Event(id=str(ULID())).SerializeToString(), "has no payload type"),
    ],
)
def test_decode_envelope_refuses_what_is_not_an_event(data: bytes, message: str) -> None:
    with pytest.raises(UndecodableEvent, match=message):
        decode_envelope(data)


def test_decode_payload_refuses_unknown_types_and_corrupt_payloads() -> None:
    unknown = envelope_pb2.Event(id=str(ULID()), type="tradeplane.v9.Nope", payload=b"")
    with pytest.raises(UndecodableEvent, match=r"unknown payload type 'tradeplane\.v9\.Nope'"):
        decode_payload(unknown)
    corrupt = envelope_pb2.Event(
        id=str(ULID()), type="tradeplane.v1.OrderFilled", payload=b"\xff\xff\xff"
    )
    with pytest.raises(UndecodableEvent, match=r"does not decode as tradeplane\.v1\.OrderFilled"):
        decode_payload(corrupt)
