"""Helpers for tests that talk to a real nats-server."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable

from nats.aio.msg import Msg
from nats.js import api

from tradeplane.bus.connection import BusConnection


def unique_token(prefix: str = "t") -> str:
    """A subject token / consumer name no other test uses."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


async def read_stream(connection: BusConnection, stream: str, subject: str) -> list[Msg]:
    """Every message of `stream` on `subject` (wildcards allowed), oldest first."""
    jetstream = connection.jetstream
    name = unique_token("reader")
    await jetstream.add_consumer(
        stream,
        api.ConsumerConfig(
            name=name,
            filter_subject=subject,
            ack_policy=api.AckPolicy.NONE,
            inactive_threshold=30,
        ),
    )
    info = await jetstream.consumer_info(stream, name)
    subscription = await jetstream.pull_subscribe_bind(consumer=name, stream=stream)
    messages: list[Msg] = []
    while len(messages) < info.num_pending:
        messages.extend(await subscription.fetch(info.num_pending - len(messages), timeout=5))
    await subscription.unsubscribe()
    await jetstream.delete_consumer(stream, name)
    return messages


async def eventually(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool],
    *,
    timeout: float = 10.0,
    interval: float = 0.05,
    what: str = "condition",
) -> None:
    """Wait until `check()` is true; fail the test naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(interval)
