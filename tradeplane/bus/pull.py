"""Fetching batches from a JetStream pull consumer through one callback subscription.

nats-py's `PullSubscription.fetch` waits for each message of a batch with its own timer
task; at tens of thousands of messages a second that bookkeeping costs more than the
messages. This fetcher speaks the same pull protocol (`CONSUMER.MSG.NEXT`) but collects
the batch in a subscription callback, and can request the next batch while the caller
still works on the current one.

Protocol: a `no_wait` request returns what is available now (ended by a 404/408 status
when fewer than asked); when nothing is, a one-message request with `expires` waits for
the next message, after which a `no_wait` request collects the rest. Every request gets
its own reply subject, so a status that ends an old request never ends a newer one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

_STATUS = "Status"
_DESCRIPTION = "Description"
_ENDS_QUIETLY = ("404", "408")  # no messages / request expired


class FetchFailed(Exception):
    """JetStream ended a pull request with an error status (e.g. 409 consumer deleted)."""


class Fetcher:
    """Batches of messages from consumer `consumer` of `stream`, via `fetch()`."""

    def __init__(
        self, client: Client, *, stream: str, consumer: str, api_prefix: str = "$JS.API"
    ) -> None:
        self._client = client
        self._next_subject = f"{api_prefix}.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._inbox = client.new_inbox()
        self._subscription: Subscription | None = None
        self._buffer: list[Msg] = []
        self._request = 0
        self._wanted = 0
        self._request_done = asyncio.Event()
        self._failure: str | None = None

    async def start(self) -> None:
        self._subscription = await self._client.subscribe(f"{self._inbox}.*", cb=self._receive)

    async def stop(self) -> list[Msg]:
        """Unsubscribe; returns messages delivered but never handed out (to nak them)."""
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()
            self._subscription = None
        leftovers, self._buffer = self._buffer, []
        return leftovers

    async def fetch(self, batch: int, timeout: float) -> list[Msg]:
        """Up to `batch` messages: those available now, else the first to arrive within
        `timeout` and what came with it. An empty list means none arrived in time."""
        if len(self._buffer) < batch:
            await self._pull(batch - len(self._buffer), no_wait=True, timeout=timeout)
        if not self._buffer:
            await self._pull(1, expires=timeout, timeout=timeout + 1.0)
            if self._failure is not None and not self._buffer:
                raise FetchFailed(self._failure)
            if self._buffer and len(self._buffer) < batch:
                await self._pull(batch - len(self._buffer), no_wait=True, timeout=timeout)
        taken, self._buffer = self._buffer[:batch], self._buffer[batch:]
        return taken

    async def _pull(
        self, count: int, *, timeout: float, no_wait: bool = False, expires: float = 0.0
    ) -> None:
        self._request += 1
        self._wanted = len(self._buffer) + count
        self._request_done.clear()
        self._failure = None
        request: dict[str, object] = {"batch": count}
        if no_wait:
            request["no_wait"] = True
        if expires:
            request["expires"] = int(expires * 1e9) - 100_000
        await self._client.publish(
            self._next_subject,
            json.dumps(request).encode(),
            reply=f"{self._inbox}.{self._request}",
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._request_done.wait(), timeout)

    async def _receive(self, message: Msg) -> None:
        headers = message.headers
        if headers and _STATUS in headers and not message.data:
            # 404 no messages, 408 request expired, 409 limits/consumer gone: request over.
            # 100 (idle heartbeat) is not sent: requests here carry no heartbeat.
            if message.subject.rsplit(".", 1)[1] == str(self._request):
                code = headers[_STATUS]
                if code not in _ENDS_QUIETLY:
                    self._failure = f"{code} {headers.get(_DESCRIPTION, '')}".strip()
                self._request_done.set()
            return
        self._buffer.append(message)
        if len(self._buffer) >= self._wanted:
            self._request_done.set()
