"""Streams and buckets come from configuration, idempotently; drift is corrected or named."""

from __future__ import annotations

import pytest

from tradeplane.bus import subjects
from tradeplane.bus.config import BusConfig, KeyValueSettings, StreamSettings
from tradeplane.bus.connection import BusConnection
from tradeplane.bus.errors import BusError
from tradeplane.bus.provisioning import ensure_key_value, ensure_streams, stream_config
from tradeplane.infra.nats import NatsServer


def test_stream_config_follows_the_settings() -> None:
    settings = StreamSettings(max_age_seconds=60, storage="memory", replicas=3, max_bytes=1024)
    config = stream_config(subjects.SIGNALS, settings)
    assert config.name == "SIGNALS"
    assert config.subjects == ["sig.>"]
    assert (config.max_age, config.num_replicas, config.max_bytes) == (60, 3, 1024)
    assert config.storage.value == "memory"
    assert config.retention.value == "limits"


async def test_streams_are_created_once_then_left_alone_then_updated_on_drift(
    private_nats: NatsServer,
) -> None:
    connection = await BusConnection.connect(private_nats.start().url)
    try:
        config = BusConfig()
        assert set((await ensure_streams(connection.jetstream, config)).values()) == {"created"}
        assert set((await ensure_streams(connection.jetstream, config)).values()) == {"unchanged"}

        longer = config.model_copy(
            update={
                "streams": config.streams.model_copy(
                    update={"signals": StreamSettings(max_age_seconds=3600, max_bytes=10_000_000)}
                )
            }
        )
        outcome = await ensure_streams(connection.jetstream, longer)
        assert outcome["SIGNALS"] == "updated"
        assert {name for name, done in outcome.items() if done != "unchanged"} == {"SIGNALS"}
        info = await connection.jetstream.stream_info("SIGNALS")
        assert (info.config.max_age, info.config.max_bytes) == (3600, 10_000_000)

        in_memory = config.model_copy(
            update={
                "streams": config.streams.model_copy(
                    update={"exec": StreamSettings(storage="memory")}
                )
            }
        )
        with pytest.raises(BusError, match="cannot change storage or retention in place"):
            await ensure_streams(connection.jetstream, in_memory, [subjects.EXEC])
    finally:
        await connection.close()


async def test_key_value_buckets_are_created_and_their_limits_kept(
    private_nats: NatsServer,
) -> None:
    connection = await BusConnection.connect(private_nats.start().url)
    try:
        jetstream = connection.jetstream
        bucket = await ensure_key_value(jetstream, "STATE", KeyValueSettings(history=64))
        await bucket.put("universe.majors", b"1")
        again = await ensure_key_value(jetstream, "STATE", KeyValueSettings(history=64))
        assert (await again.get("universe.majors")).value == b"1"  # not recreated
        await ensure_key_value(jetstream, "STATE", KeyValueSettings(history=10, ttl_seconds=60))
        info = await jetstream.stream_info("KV_STATE")
        assert (info.config.max_msgs_per_subject, info.config.max_age) == (10, 60)
    finally:
        await connection.close()
