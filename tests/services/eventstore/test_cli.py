"""`tradeplane events ...` and `tradeplane state ...` against a running event store."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest

from tests.bus.helpers import eventually
from tradeplane.bus import subjects
from tradeplane.bus.publisher import Publisher
from tradeplane.cli import events, state
from tradeplane.errors import TradeplaneError
from tradeplane.infra.process import free_port
from tradeplane.v1 import orders_pb2


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tradeplane")
    commands = parser.add_subparsers(dest="command", required=True)
    events.register(commands)
    state.register(commands)
    arguments = parser.parse_args(argv)
    return int(arguments.handler(arguments))


async def run(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """Run a command in a thread (it blocks on gRPC); its output lines."""
    assert await asyncio.to_thread(cli, *argv) == 0
    return capsys.readouterr().out.splitlines()


async def test_events_replay_tail_and_stats(eventstore, bus, capsys) -> None:  # type: ignore[no-untyped-def]
    publisher = Publisher(bus, source="test")
    subject = subjects.order_event("momentum", "filled")
    filled = [
        await publisher.publish_payload(
            orders_pb2.OrderFilled(client_order_id=f"c{i}", cumulative_quantity=i), subject=subject
        )
        for i in range(4)
    ]
    async with eventstore() as host:
        target = f"127.0.0.1:{host.grpc_port}"

        async def all_stored() -> bool:
            lines = await run(capsys, "events", "stats", "--target", target, "--json")
            return json.loads("\n".join(lines)).get("total_events") == "4"

        await eventually(all_stored, what="four stored events")

        lines = await run(
            capsys,
            "events",
            "replay",
            "--target",
            target,
            "--json",
            "--subject",
            "exec.*.evt.>",
            "--from-sequence",
            "1",
        )
        replayed = [json.loads(line) for line in lines]
        assert [entry["id"] for entry in replayed] == [event.id for event in filled[1:]]
        assert replayed[0]["payload"] == {"client_order_id": "c1", "cumulative_quantity": 1.0}
        assert replayed[0]["type"] == "tradeplane.v1.OrderFilled"

        plain = await run(capsys, "events", "replay", "--target", target, "--limit", "2")
        assert [line.split()[-1] for line in plain] == [filled[0].id, filled[1].id]
        assert all(subject in line for line in plain)

        tail = asyncio.create_task(
            run(capsys, "events", "tail", "--target", target, "--count", "2", "--json")
        )
        await asyncio.sleep(1.0)  # tail starts at the end: only newer events come
        newer = [
            await publisher.publish_payload(orders_pb2.OrderFilled(), subject=subject)
            for _ in range(2)
        ]
        tailed = [json.loads(line)["id"] for line in await asyncio.wait_for(tail, 20)]
        assert tailed == [event.id for event in newer]

        summary = await run(capsys, "events", "stats", "--target", target)
        assert "events stored      6" in summary
        assert any(line.strip() == "6  tradeplane.v1.OrderFilled" for line in summary)


async def test_state_show_history_rollback_and_put(eventstore, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with eventstore() as host:
        target = ("--target", f"127.0.0.1:{host.grpc_port}")
        document = tmp_path / "majors.json"
        for top_n in (5, 8):
            document.write_text(json.dumps({"top_n": top_n}))
            await run(
                capsys,
                "state",
                "put",
                *target,
                "universe",
                "majors",
                str(document),
                "--reason",
                f"top {top_n}",
            )

        history = await run(capsys, "state", "history", *target, "universe", "majors")
        revisions = [int(line.split()[1]) for line in history]
        assert len(revisions) == 2 and [line.split()[-1] for line in history] == ["5", "8"]

        shown = await run(capsys, "state", "show", *target, "universe", "majors")
        assert json.loads("\n".join(shown[1:])) == {"top_n": 8}
        earlier = await run(
            capsys, "state", "show", *target, "universe", "majors", "--revision", str(revisions[0])
        )
        assert json.loads("\n".join(earlier[1:])) == {"top_n": 5}

        rolled = await run(
            capsys,
            "state",
            "rollback",
            *target,
            "universe",
            "majors",
            str(revisions[0]),
            "--reason",
            "too wide",
        )
        assert rolled[0].endswith(f"too wide (restores {revisions[0]})")
        assert json.loads("\n".join(rolled[1:])) == {"top_n": 5}

        with pytest.raises(TradeplaneError, match="not_found: no state for strategy 'absent'"):
            await asyncio.to_thread(cli, "state", "show", *target, "strategy", "absent")


def test_an_unreachable_target_says_what_to_check() -> None:
    target = f"127.0.0.1:{free_port()}"
    with pytest.raises(TradeplaneError, match=r"is unavailable .* is the event store running"):
        cli("events", "stats", "--target", target)
