"""Binance market streams over websockets: ticker, kline, trade, book ticker, depth diffs.

Endpoints as on Binance: `/ws/<stream>` (raw payloads), `/stream?streams=a/b` (payloads
wrapped as `{"stream", "data"}`), and on either the SUBSCRIBE / UNSUBSCRIBE /
LIST_SUBSCRIPTIONS methods that ccxt.pro sends. Streams push on every market tick.
Depth diffs (`<symbol>@depth[@100ms]`) carry contiguous update ids `U`..`u` that continue
the REST depth snapshot's `lastUpdateId`, so a client can keep a local book in sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tradeplane.sim import payloads
from tradeplane.sim.config import INTERVAL_MS
from tradeplane.sim.market import TickEvent, Trade, align
from tradeplane.sim.state import SimState

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 10_000
_STREAM = re.compile(
    r"^(?P<symbol>[a-z0-9]+)@(?P<kind>ticker|miniTicker|bookTicker|trade|aggTrade|"
    r"kline_(?P<interval>\w+)|depth(?P<levels>5|10|20)?(@(100|1000)ms)?)$"
)
ALL_MARKET = {"!ticker@arr": False, "!miniTicker@arr": True}  # stream -> mini


@dataclass(frozen=True)
class Stream:
    name: str
    kind: str  # ticker, miniTicker, bookTicker, trade, aggTrade, kline, depth, partial, all
    index: int = -1
    interval: str = ""
    levels: int = 0


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    combined: bool
    streams: set[str] = field(default_factory=set)
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    closing: asyncio.Future[bool] | None = None

    def send(self, stream: str, payload: str) -> None:
        text = f'{{"stream":"{stream}","data":{payload}}}' if self.combined else payload
        self.push(text)

    def push(self, text: str) -> None:
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            logger.warning("websocket client too slow; closing it")
            self.closing = asyncio.ensure_future(self.ws.close())


class StreamHub:
    """Subscriptions and fan-out of market events to websocket clients."""

    def __init__(self, state: SimState) -> None:
        self.state = state
        self.connections: set[Connection] = set()
        self.subscribers: dict[str, set[Connection]] = {}
        self.streams: dict[str, Stream] = {}
        self._depth: dict[int, tuple[dict[int, int], dict[int, int], int]] = {}
        state.book_listeners.append(self.publish_book)
        state.market.trade_listeners.append(self.publish_trade)

    # -- subscriptions --------------------------------------------------------------------
    def parse(self, name: str) -> Stream | None:
        if name in ALL_MARKET:
            return Stream(name, "all")
        match = _STREAM.match(name)
        if match is None:
            return None
        index = self.state.universe.index.get(match["symbol"].upper())
        if index is None:
            return None
        kind = match["kind"]
        if kind.startswith("kline_"):
            interval = match["interval"]
            size = INTERVAL_MS.get(interval)
            if size is None or size % self.state.market.bars.interval_ms:
                return None
            return Stream(name, "kline", index, interval)
        if kind.startswith("depth"):
            if match["levels"]:
                return Stream(name, "partial", index, levels=int(match["levels"]))
            return Stream(name, "depth", index)
        return Stream(name, kind, index)

    def subscribe(self, connection: Connection, names: list[str]) -> list[str]:
        """Subscribe to `names`; returns the names that are not valid streams."""
        invalid = []
        for name in names:
            stream = self.parse(name)
            if stream is None:
                invalid.append(name)
                continue
            if stream.kind == "depth" and stream.index not in self._depth:
                self._depth[stream.index] = self._snapshot(stream.index)
            self.streams[name] = stream
            self.subscribers.setdefault(name, set()).add(connection)
            connection.streams.add(name)
        return invalid

    def unsubscribe(self, connection: Connection, names: list[str]) -> None:
        for name in names:
            connection.streams.discard(name)
            subscribers = self.subscribers.get(name)
            if subscribers is not None:
                subscribers.discard(connection)
                if not subscribers:
                    del self.subscribers[name]
        watched = {
            s.index for n, s in self.streams.items() if s.kind == "depth" and n in self.subscribers
        }
        for index in list(self._depth):
            if index not in watched:
                del self._depth[index]

    # -- publishing -----------------------------------------------------------------------
    def _snapshot(self, index: int) -> tuple[dict[int, int], dict[int, int], int]:
        bids, asks = self.state.books.depth(index)
        return dict(bids), dict(asks), self.state.books.update_id(index)

    def _depth_diff(self, index: int) -> dict[str, Any] | None:
        previous = self._depth.get(index)
        if previous is None:
            return None
        bids, asks, update_id = self._snapshot(index)
        if update_id == previous[2]:
            return None
        self._depth[index] = (bids, asks, update_id)
        changed = []
        for old, new in ((previous[0], bids), (previous[1], asks)):
            prices = sorted(set(old) | set(new))
            changed.append([(p, new.get(p, 0)) for p in prices if old.get(p) != new.get(p)])
        if not changed[0] and not changed[1]:
            return None
        universe = self.state.universe
        return {
            "e": "depthUpdate",
            "E": self.state.market.now_ms,
            "s": universe.symbols[index],
            "U": previous[2] + 1,
            "u": update_id,
            "b": payloads.levels(universe, index, changed[0]),
            "a": payloads.levels(universe, index, changed[1]),
        }

    def _fan_out(self, name: str, payload: Any) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        for connection in self.subscribers.get(name, ()):
            connection.send(name, text)

    def publish_book(self, index: int) -> None:
        """A user order changed a book: push its depth diff now."""
        diff = self._depth_diff(index)
        if diff is None:
            return
        for name, stream in self.streams.items():
            if stream.kind == "depth" and stream.index == index and name in self.subscribers:
                self._fan_out(name, diff)

    def publish_trade(self, index: int, trade: Trade) -> None:
        """A user order traded: the symbol's trade streams show it like any trade."""
        universe = self.state.universe
        for name in list(self.subscribers):
            stream = self.streams[name]
            if stream.index == index and stream.kind in ("trade", "aggTrade"):
                payload = payloads.trade(
                    universe,
                    index,
                    trade,
                    event=True,
                    aggregate=stream.kind == "aggTrade",
                    event_time=trade.time_ms,
                )
                self._fan_out(name, payload)

    def publish_tick(self, event: TickEvent) -> None:
        state = self.state
        market, books = state.market, state.books
        diffs: dict[int, dict[str, Any] | None] = {}
        for name in list(self.subscribers):
            stream = self.streams[name]
            i = stream.index
            if stream.kind == "all":
                trading = [j for j in range(len(state.universe)) if state.universe.trading[j]]
                payload: Any = payloads.tickers_24h(
                    market, books, trading, event=True, mini=ALL_MARKET[name]
                )
            elif stream.kind in ("ticker", "miniTicker"):
                payload = payloads.tickers_24h(
                    market, books, [i], event=True, mini=stream.kind == "miniTicker"
                )[0]
            elif stream.kind == "bookTicker":
                payload = payloads.book_tickers(market, books, [i], event=True)[0]
            elif stream.kind in ("trade", "aggTrade"):
                if event.trade_qty[i] <= 0:
                    continue
                trade = Trade(
                    int(event.trade_id[i]),
                    event.time_ms,
                    float(event.trade_price[i]),
                    float(event.trade_qty[i]),
                    bool(event.buyer_maker[i]),
                )
                payload = payloads.trade(
                    state.universe,
                    i,
                    trade,
                    event=True,
                    aggregate=stream.kind == "aggTrade",
                    event_time=event.time_ms,
                )
            elif stream.kind == "kline":
                payload = self._kline(stream, event)
            elif stream.kind == "partial":
                bids, asks = books.depth(i, stream.levels)
                payload = {
                    "lastUpdateId": books.update_id(i),
                    "bids": payloads.levels(state.universe, i, bids),
                    "asks": payloads.levels(state.universe, i, asks),
                }
            else:
                if i not in diffs:
                    diffs[i] = self._depth_diff(i)
                payload = diffs[i]
            if payload is not None:
                self._fan_out(name, payload)

    def _kline(self, stream: Stream, event: TickEvent) -> dict[str, Any] | None:
        market = self.state.market
        size = INTERVAL_MS[stream.interval]
        group = int(align(event.bar_open_ms, size))
        rows = market.klines(stream.index, size, start=group, end=group, limit=1)
        if not rows:
            return None
        closed = event.closed and event.bar_open_ms + market.bars.interval_ms == group + size
        return payloads.kline_event(
            market, stream.index, rows[0], stream.interval, size, closed=closed
        )

    # -- connections ----------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        combined = request.path.startswith("/stream")
        connection = Connection(ws, combined)
        self.connections.add(connection)
        writer = asyncio.create_task(self._write(connection))
        initial = [s for s in request.query.get("streams", "").split("/") if s]
        if not combined:
            initial += [s for s in request.path.split("/")[2:] if s]
        self.subscribe(connection, [s for s in initial if self.parse(s) is not None])
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._command(connection, message.data)
        finally:
            self.unsubscribe(connection, list(connection.streams))
            self.connections.discard(connection)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        return ws

    def _command(self, connection: Connection, text: str) -> None:
        try:
            command = json.loads(text)
            method, request_id = command.get("method"), command.get("id")
        except (json.JSONDecodeError, AttributeError):
            connection.push(json.dumps({"error": {"code": 3, "msg": "Invalid JSON"}, "id": None}))
            return
        params = command.get("params") or []
        if method == "SUBSCRIBE":
            invalid = self.subscribe(connection, [str(p) for p in params])
            if invalid:
                reply: dict[str, Any] = {
                    "error": {"code": 2, "msg": f"Invalid request: unknown stream(s) {invalid}"},
                    "id": request_id,
                }
            else:
                reply = {"result": None, "id": request_id}
        elif method == "UNSUBSCRIBE":
            self.unsubscribe(connection, [str(p) for p in params])
            reply = {"result": None, "id": request_id}
        elif method == "LIST_SUBSCRIPTIONS":
            reply = {"result": sorted(connection.streams), "id": request_id}
        elif method in ("SET_PROPERTY", "GET_PROPERTY"):
            reply = {
                "result": None if method == "SET_PROPERTY" else connection.combined,
                "id": request_id,
            }
        else:
            reply = {
                "error": {"code": 2, "msg": f"Invalid request: unknown method {method}"},
                "id": request_id,
            }
        connection.push(json.dumps(reply, separators=(",", ":")))

    async def _write(self, connection: Connection) -> None:
        try:
            while True:
                text = await connection.queue.get()
                await connection.ws.send_str(text)
        except (ConnectionResetError, RuntimeError):
            logger.debug("websocket closed while writing")

    async def disconnect_all(self) -> int:
        """Close every client connection (reconnect tests, shutdown)."""
        connections = list(self.connections)
        for connection in connections:
            await connection.ws.close()
        return len(connections)
