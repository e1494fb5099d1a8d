"""The live terminal view of `tradeplane up`: the screener's selection, read over gRPC.

The view is a client of the running system like any other: it calls
`ScreenerService.GetSelection` once a second. `render_selection` is pure, so the picture
is tested without a terminal; on a non-terminal stdout each change is printed as one line.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

import grpc
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from tradeplane.v1 import screener_service_pb2, screener_service_pb2_grpc

logger = logging.getLogger(__name__)

COMPONENTS = ("volatility", "momentum", "volume", "trend_strength", "rsi_agreement")
STAGE_TIMINGS = ("stage1", "stage2", "stage3", "total")
SHOWN_DROPS = 3  # checks that dropped the most symbols, each with an example


def drop_lines(run: screener_service_pb2.ScreeningRun) -> Text:
    """Why symbols fell out, stages 1 and 2 first: "stage 1 quoteVolume dropped 8, e.g. ..."."""
    lines = [
        f"stage {drop.stage} {drop.check} dropped {drop.symbols}, e.g. {drop.example}"
        for drop in run.dropped_by[:SHOWN_DROPS]
    ]
    hidden = len(run.dropped_by) - SHOWN_DROPS
    if hidden > 0:
        lines.append(f"(and {hidden} more; ScreenerService.ExplainSymbol explains any symbol)")
    return Text("\n".join(lines), style="dim")


def render_selection(
    response: screener_service_pb2.GetSelectionResponse, *, endpoints: Table | None = None
) -> Group:
    """The regime, the top-N with score breakdowns, survivors per stage and latencies."""
    run = response.run
    if not run.number:
        waiting = Text("waiting for the first screening run (backfill and first bar)…")
        return Group(waiting, *([endpoints] if endpoints is not None else []))
    timings = ", ".join(
        f"{name} {run.timings_ms[name]:.1f} ms" for name in STAGE_TIMINGS if name in run.timings_ms
    )
    summary = Text.assemble(
        ("regime ", "bold"),
        (run.regime or "-", "bold magenta"),
        f"   run #{run.number}   universe {run.universe_size} → stage 1 {run.stage1}"
        f" → stage 2 {run.stage2} → selected {run.selected}   ({timings})",
    )
    table = Table("rank", "symbol", "score", *COMPONENTS, title="top selection")
    breakdowns = {b.symbol: b for b in response.breakdowns}
    for member in response.selection.selected:
        breakdown = breakdowns.get(member.symbol)
        components = [
            f"{breakdown.components[name]:.2f}"
            if breakdown is not None and name in breakdown.components
            else "-"
            for name in COMPONENTS
        ]
        table.add_row(str(member.rank), member.symbol, f"{member.score:.3f}", *components)
    parts: list[RenderableType] = [summary]
    if run.dropped_by:
        parts.append(drop_lines(run))
    parts.append(table)
    if endpoints is not None:
        parts.append(endpoints)
    return Group(*parts)


def selection_line(response: screener_service_pb2.GetSelectionResponse) -> str:
    """One line per announced selection, for logs and non-terminal output."""
    members = " ".join(f"{m.rank}:{m.symbol}" for m in response.selection.selected)
    return f"selection regime={response.selection.regime} {members}"


async def watch_selection(
    target: str,
    *,
    endpoints: Table,
    stopped: Callable[[], bool],
    console: Console | None = None,
    interval_seconds: float = 1.0,
) -> None:
    """Poll GetSelection until `stopped()`; a live table on a terminal, lines otherwise."""
    console = console or Console()
    interactive = console.is_terminal and sys.stdout.isatty()
    last_event = ""
    async with grpc.aio.insecure_channel(target) as channel:
        stub = screener_service_pb2_grpc.ScreenerServiceStub(channel)
        live = Live(render_selection(screener_service_pb2.GetSelectionResponse(),
                                     endpoints=endpoints),
                    console=console, refresh_per_second=2) if interactive else None  # fmt: skip
        if live is not None:
            live.start()
        try:
            while not stopped():
                try:
                    response = await stub.GetSelection(
                        screener_service_pb2.GetSelectionRequest(), timeout=5
                    )
                except grpc.aio.AioRpcError as error:
                    if error.code() not in (
                        grpc.StatusCode.UNAVAILABLE,
                        grpc.StatusCode.DEADLINE_EXCEEDED,
                    ):
                        logger.warning("GetSelection failed: %s", error.details())
                else:
                    if live is not None:
                        live.update(render_selection(response, endpoints=endpoints))
                    elif response.event_id and response.event_id != last_event:
                        console.print(selection_line(response), soft_wrap=True)
                    last_event = response.event_id or last_event
                await asyncio.sleep(interval_seconds)
        finally:
            if live is not None:
                live.stop()
