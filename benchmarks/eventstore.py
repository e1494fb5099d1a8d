"""Event store throughput against its raw references, in one run on this machine.

    .venv/bin/python benchmarks/eventstore.py [--events 200000] [--live-rate 20000]

Starts a private nats-server and PostgreSQL in a temporary directory and measures:

1. raw nats-py: pipelined JetStream publish (`publish_async`, with Nats-Msg-Id) of N
   envelopes, then a durable pull consumer fetching them in batches of 1000 with an
   explicit ack each: the publish-then-fetch rate;
2. raw asyncpg: `copy_records_to_table` of N rows in batches of 1000 into a table shaped
   like `events` (same columns and indexes), without the dedupe step;
3. the event store (in its own process, as deployed): sustained ingest NATS -> PostgreSQL
   of a backlog of N events (rate between its first and last stored row), then a live run
   at a fixed offered rate with the lag (JetStream store time -> PostgreSQL store time)
   at P50/P99 over every event.

Prints each figure and the event store's ratio to the slower raw reference.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import grpc
import nats
from grpc_health.v1 import health_pb2, health_pb2_grpc
from nats.js import api

from tradeplane.bus import subjects
from tradeplane.bus.envelope import headers_for, new_event
from tradeplane.infra.nats import NatsServer
from tradeplane.infra.postgres import PostgresServer
from tradeplane.infra.process import free_port
from tradeplane.store.database import Database
from tradeplane.v1 import marketdata_pb2

SUBJECTS = [subjects.tickers(f"exchange{index}") for index in range(8)]
BATCH = 1000


def envelope(index: int) -> tuple[str, bytes, dict[str, str]]:
    subject = SUBJECTS[index % len(SUBJECTS)]
    frame = marketdata_pb2.TickerFrame(
        exchange="binance", symbols=["BTC/USDT"], last=[50_000.0 + index], bid=[1.0], ask=[2.0]
    )
    event = new_event(frame, subject=subject, source="benchmark")
    return subject, event.SerializeToString(), headers_for(event)


async def publish_all(js, messages, *, rate: float = 0.0) -> float:  # type: ignore[no-untyped-def]
    """Pipelined publish of every message (paced at `rate`/s when given); returns seconds."""
    started = time.perf_counter()
    futures = []
    for index, (subject, data, headers) in enumerate(messages):
        if rate and index % 100 == 0:
            ahead = started + index / rate - time.perf_counter()
            if ahead > 0:
                await asyncio.sleep(ahead)
        futures.append(await js.publish_async(subject, data, headers=headers))
    await asyncio.gather(*futures)
    return time.perf_counter() - started


async def raw_nats(url: str, count: int) -> tuple[float, float]:
    client = await nats.connect(url)
    js = client.jetstream()
    messages = [envelope(index) for index in range(count)]
    publish_seconds = await publish_all(js, messages)
    await js.add_consumer(
        subjects.MARKET.name,
        api.ConsumerConfig(name="rawbench", durable_name="rawbench", ack_wait=60),
    )
    subscription = await js.pull_subscribe_bind(consumer="rawbench", stream="MARKET")
    started, received = time.perf_counter(), 0
    while received < count:
        batch = await subscription.fetch(BATCH, timeout=5)
        for message in batch:
            await message.ack()
        received += len(batch)
    await client.flush()
    fetch_seconds = time.perf_counter() - started
    await js.delete_consumer("MARKET", "rawbench")
    await js.purge_stream("MARKET")
    await client.close()
    return publish_seconds, fetch_seconds


async def raw_copy(database: Database, count: int) -> float:
    await database.execute("DROP TABLE IF EXISTS copy_reference")
    await database.execute("CREATE TABLE copy_reference (LIKE events INCLUDING ALL)")
    columns = (
        "id",
        "type",
        "source",
        "subject",
        "time",
        "correlation_id",
        "causation_id",
        "schema_version",
        "payload",
        "stream",
        "stream_sequence",
        "published_at",
    )
    now = datetime.now(UTC)
    rows = []
    for index in range(count):
        subject, data, headers = envelope(index)
        rows.append(
            (
                headers["Nats-Msg-Id"],
                "tradeplane.v1.TickerFrame",
                "benchmark",
                subject,
                now,
                "",
                "",
                1,
                data,
                "MARKET",
                index + 1,
                now,
            )
        )
    started = time.perf_counter()
    async with database.pool.acquire() as connection:
        for offset in range(0, count, BATCH):
            await connection.copy_records_to_table(
                "copy_reference", records=rows[offset : offset + BATCH], columns=columns
            )
    seconds = time.perf_counter() - started
    await database.execute("DROP TABLE copy_reference")
    return seconds


def start_eventstore(nats_url: str, dsn: str, log: Path) -> subprocess.Popen[str]:
    """`tradeplane serve eventstore` in its own process, as deployed; returns once healthy."""
    grpc_port = free_port()
    environment = {
        **os.environ,
        "TRADEPLANE_NATS__URL": nats_url,
        "TRADEPLANE_POSTGRES__DSN": dsn,
        "TRADEPLANE_GRPC__PORT": str(grpc_port),
        "TRADEPLANE_METRICS__PORT": "0",
        "TRADEPLANE_LOGGING__LEVEL": "WARNING",
    }
    tradeplane = str(Path(sys.executable).parent / "tradeplane")
    process = subprocess.Popen(
        [tradeplane, "serve", "eventstore"], env=environment, stdout=log.open("w"),
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while process.poll() is None and time.monotonic() < deadline:
            try:
                answer = health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                if answer.status == health_pb2.HealthCheckResponse.SERVING:
                    return process
            except grpc.RpcError:
                time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"event store did not start; see {log}")


async def wait_stored(database: Database, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    # max(sequence) reads one index entry; count(*) would compete for the CPU measured.
    while await database.fetchval("SELECT coalesce(max(sequence), 0) FROM events") < count:
        if time.monotonic() > deadline:
            raise RuntimeError("event store did not store every event in time")
        await asyncio.sleep(0.25)
    stored = await database.fetchval("SELECT count(*) FROM events")
    if stored != count:
        raise RuntimeError(f"expected {count} stored events, found {stored}")


async def measure(
    nats_url: str, dsn: str, workdir: Path, count: int, rate: float, seconds: float
) -> None:
    database = Database(dsn)
    await database.connect()
    # The event store's first start creates the streams and the schema; stop it again.
    store = start_eventstore(nats_url, dsn, workdir / "eventstore.log")
    store.terminate()
    store.wait(timeout=30)

    publish_seconds, fetch_seconds = await raw_nats(nats_url, count)
    copy_seconds = await raw_copy(database, count)

    client = await nats.connect(nats_url)
    js = client.jetstream()
    await publish_all(js, [envelope(index) for index in range(count)])
    store = start_eventstore(nats_url, dsn, workdir / "eventstore.log")
    try:
        await wait_stored(database, count)
        span = await database.fetchval(
            "SELECT extract(epoch FROM max(stored_at) - min(stored_at)) FROM events"
        )
        backlog_rate = count / float(span)

        live_count = int(rate * seconds)
        live = [envelope(index) for index in range(live_count)]
        live_started = time.perf_counter()
        await publish_all(js, live, rate=rate)
        offered = live_count / (time.perf_counter() - live_started)
        await wait_stored(database, count + live_count)
        lag = await database.fetch(
            "SELECT percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP "
            "(ORDER BY extract(epoch FROM stored_at - published_at)) AS lag, "
            "extract(epoch FROM max(stored_at) - min(published_at)) AS span "
            "FROM events WHERE sequence > $1",
            count,
        )
        p50, p99 = lag[0]["lag"]
        live_rate = live_count / float(lag[0]["span"])
    finally:
        store.terminate()
        store.wait(timeout=30)
        await client.close()
        await database.close()

    raw_pipeline = count / (publish_seconds + fetch_seconds)
    copy_rate = count / copy_seconds
    slower = min(raw_pipeline, copy_rate)
    print(f"events: {count} backlog, {live_count} live at {rate:.0f}/s offered")
    print(f"raw nats-py publish (pipelined)      {count / publish_seconds:>10,.0f} events/s")
    print(f"raw nats-py fetch + ack              {count / fetch_seconds:>10,.0f} events/s")
    print(f"raw nats-py publish-then-fetch       {raw_pipeline:>10,.0f} events/s")
    print(f"raw asyncpg COPY (events' indexes)   {copy_rate:>10,.0f} events/s")
    print(
        f"event store, backlog ingest          {backlog_rate:>10,.0f} events/s "
        f"({backlog_rate / slower:.2f}x the slower raw reference)"
    )
    print(
        f"event store, live ({offered:,.0f}/s offered) {live_rate:>8,.0f} events/s, "
        f"lag P50 {p50 * 1000:.0f} ms, P99 {p99 * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200_000, help="backlog and raw runs")
    parser.add_argument("--live-rate", type=float, default=20_000, help="offered events/s")
    parser.add_argument("--live-seconds", type=float, default=10, help="live run length")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tradeplane-bench-") as directory:
        workdir = Path(directory)
        nats_server = NatsServer(workdir / "nats")
        postgres_server = PostgresServer(workdir / "postgres")
        try:
            nats_url = nats_server.start().url
            dsn = postgres_server.start().dsn
            asyncio.run(
                measure(nats_url, dsn, workdir, args.events, args.live_rate, args.live_seconds)
            )
        finally:
            postgres_server.stop()
            nats_server.stop()


if __name__ == "__main__":
    main()
