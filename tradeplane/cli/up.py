"""`tradeplane up`: the whole local system in one process, on the embedded infrastructure.

Embedded NATS and PostgreSQL, the exchange simulator in a child process (or a real ccxt
exchange), then the event store, marketdata, indicators and screener services, and a
live view of the screener's selection. Ctrl-C stops everything; a restart keeps the data.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tradeplane.cli.infra import add_infra_options, settings_with_infra_options
from tradeplane.cli.live import watch_selection
from tradeplane.config import Settings
from tradeplane.infra import EmbeddedInfra, InfraEndpoints
from tradeplane.logs import configure_logging
from tradeplane.runtime import Host, run_host
from tradeplane.runtime.registry import available_services
from tradeplane.sim import SimulatorConfig, SimulatorProcess, client_overrides

logger = logging.getLogger(__name__)

SIMULATOR = "sim"
LOCAL_UNIVERSE = "local"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "up",
        help="the whole local system: infrastructure, exchange, services, live top-5",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_infra_options(parser)
    parser.add_argument("--grpc-port", type=int, help="gRPC port (grpc.port; 0 = free port)")
    parser.add_argument("--metrics-port", type=int, help="/metrics port (0 = free port)")
    parser.add_argument(
        "--exchange",
        default=SIMULATOR,
        help="'sim' (default): the local simulator; or a ccxt exchange id such as 'binance' "
        "to read real public market data (needs network access)",
    )
    parser.add_argument(
        "--symbols", type=int, default=300, help="simulator: synthetic symbols to list"
    )
    parser.add_argument(
        "--replay",
        type=Path,
        metavar="DIR",
        help="simulator: replay real candles from DIR/BASE-QUOTE.csv files instead",
    )
    parser.add_argument("--seed", type=int, default=7, help="simulator: market seed")
    parser.add_argument("--no-view", action="store_true", help="no live view of the selection")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_with_infra_options(args)
    configure_logging(level=settings.logging.level, json_format=False)
    infra = EmbeddedInfra(settings.infra)
    already_running = all(component.running for component in infra.status())
    endpoints = infra.start()
    try:
        asyncio.run(_run_system(args, settings, endpoints))
    finally:
        if not already_running:  # leave infrastructure that `infra up` started to `infra down`
            infra.stop()
    return 0


@dataclass(frozen=True)
class ExchangeChoice:
    """Where market data comes from: the gateway's exchange section and its quote assets."""

    exchange: dict[str, Any]
    quote_assets: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(self.exchange.get("name") or self.exchange["exchange_id"])


def local_sections(choice: ExchangeChoice, *, replay: bool) -> dict[str, dict[str, Any]]:
    """The service sections of the local system (pure; the user's sections override them).

    The local screener ranks on volume surge instead of requiring 200 %: a quiet market
    (the simulator's, most hours) would otherwise leave stage 2 empty and nothing to show.
    """
    stages: dict[str, Any] = {"volatilityMomentum": {"volumeSurge": {"required": False}}}
    if replay:
        # Replayed files are a handful of real pairs, often quoted in BTC with no USD pair
        # to convert through, and listed when the replay starts: screen them on price
        # action alone (no USD volume or price bounds, no minimum listing age).
        stages["universe"] = {
            "quoteVolume": {"minUsd": None},
            "price": {"minUsd": None},
            "listingAge": {"minDays": 0},
        }
    return {
        "marketdata": {
            "exchanges": [{"exchange": choice.exchange, "quote_assets": list(choice.quote_assets)}]
        },
        "indicators": {"universe": LOCAL_UNIVERSE, "exchange": choice.label},
        "screener": {"universe": LOCAL_UNIVERSE, "exchange": choice.label, "stages": stages},
    }


def merged(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`defaults` deep-merged with `overrides` (mappings merge; anything else replaces)."""
    result = dict(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


async def _run_system(args: argparse.Namespace, settings: Settings, infra: InfraEndpoints) -> None:
    simulator: SimulatorProcess | None = None
    if args.exchange == SIMULATOR:
        simulator_config = SimulatorConfig(
            symbols=args.symbols,
            seed=args.seed,
            replay_dir=args.replay,
            replay_align_to_now=args.replay is not None,
        )
        simulator = SimulatorProcess(simulator_config)  # beside the platform, as an exchange
        await simulator.start()
        choice = ExchangeChoice(
            exchange={
                "exchange_id": "binance",
                "name": SIMULATOR,
                "client_options": client_overrides(simulator, credentials=False),
            },
            quote_assets=tuple(simulator_config.quote_assets),
        )
    else:
        choice = ExchangeChoice(exchange={"exchange_id": args.exchange}, quote_assets=("USDT",))
    try:
        sections = local_sections(choice, replay=args.replay is not None)
        updates: dict[str, Any] = {
            "nats": settings.nats.model_copy(update={"url": infra.nats_url}),
            "postgres": settings.postgres.model_copy(update={"dsn": infra.postgres_dsn}),
            **{
                name: merged(section, getattr(settings, name)) for name, section in sections.items()
            },
        }
        if args.grpc_port is not None:
            updates["grpc"] = settings.grpc.model_copy(update={"port": args.grpc_port})
        if args.metrics_port is not None:
            updates["metrics"] = settings.metrics.model_copy(update={"port": args.metrics_port})
        settings = settings.model_copy(update=updates)
        names = settings.services or sorted(available_services())
        host = Host.from_names(settings, names)
        await _serve(host, settings, infra, simulator, show_view=not args.no_view)
    finally:
        if simulator is not None:
            await simulator.stop()


async def _serve(
    host: Host,
    settings: Settings,
    infra: InfraEndpoints,
    simulator: SimulatorProcess | None,
    *,
    show_view: bool,
) -> None:
    console = Console()

    async def announce() -> None:
        await host.wait_started()
        table = Table("endpoint", "address", title="tradeplane is up (Ctrl-C stops)")
        table.add_row("gRPC", f"{settings.grpc.host}:{host.grpc_port}")
        table.add_row("metrics", f"http://{settings.metrics.host}:{host.metrics_port}/metrics")
        table.add_row("nats", infra.nats_url)
        table.add_row("postgres", infra.postgres_dsn)
        if simulator is not None:
            table.add_row("exchange", f"simulator {simulator.rest_url}")
        table.add_row("services", ", ".join(s.name for s in host.services))
        console.print(table)
        if show_view and any(s.name == "screener" for s in host.services):
            await watch_selection(
                f"127.0.0.1:{host.grpc_port}",
                endpoints=table,
                stopped=host.stop_requested,
                console=console,
            )

    announcer = asyncio.create_task(announce())
    try:
        await run_host(host)
    finally:
        announcer.cancel()
