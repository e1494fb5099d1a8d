"""`tradeplane up`: the whole local system in one process, on the embedded infrastructure."""

from __future__ import annotations

import argparse
import asyncio
import logging

from rich.console import Console
from rich.table import Table

from tradeplane.cli.infra import add_infra_options, settings_with_infra_options
from tradeplane.config import Settings
from tradeplane.infra import EmbeddedInfra
from tradeplane.logs import configure_logging
from tradeplane.runtime import Host, run_host
from tradeplane.runtime.registry import available_services

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "up",
        help="start embedded NATS + PostgreSQL and every service; Ctrl-C stops",
        description="Start the embedded infrastructure (reusing it if `tradeplane infra up` "
        "already runs it) and every installed service in this process.",
    )
    add_infra_options(parser)
    parser.add_argument("--grpc-port", type=int, help="gRPC port (grpc.port; 0 = free port)")
    parser.add_argument("--metrics-port", type=int, help="/metrics port (0 = free port)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_with_infra_options(args)
    configure_logging(level=settings.logging.level, json_format=False)
    infra = EmbeddedInfra(settings.infra)
    already_running = all(component.running for component in infra.status())
    endpoints = infra.start()
    try:
        updates: dict[str, dict[str, object]] = {
            "nats": {"url": endpoints.nats_url},
            "postgres": {"dsn": endpoints.postgres_dsn},
        }
        if args.grpc_port is not None:
            updates["grpc"] = {"port": args.grpc_port}
        if args.metrics_port is not None:
            updates["metrics"] = {"port": args.metrics_port}
        settings = _with_sections(settings, updates)
        names = settings.services or sorted(available_services())
        host = Host.from_names(settings, names)
        asyncio.run(_serve(host, settings, endpoints.nats_url, endpoints.postgres_dsn))
    finally:
        if not already_running:  # leave infrastructure that `infra up` started to `infra down`
            infra.stop()
    return 0


async def _serve(host: Host, settings: Settings, nats_url: str, postgres_dsn: str) -> None:
    async def announce() -> None:
        await host.wait_started()
        table = Table("endpoint", "address", title="tradeplane is up (Ctrl-C stops)")
        table.add_row("gRPC", f"{settings.grpc.host}:{host.grpc_port}")
        table.add_row("metrics", f"http://{settings.metrics.host}:{host.metrics_port}/metrics")
        table.add_row("nats", nats_url)
        table.add_row("postgres", postgres_dsn)
        table.add_row("services", ", ".join(s.name for s in host.services))
        Console().print(table)

    announcer = asyncio.create_task(announce())
    try:
        await run_host(host)
    finally:
        announcer.cancel()


def _with_sections(settings: Settings, updates: dict[str, dict[str, object]]) -> Settings:
    changed = {
        section: getattr(settings, section).model_copy(update=values)
        for section, values in updates.items()
    }
    return settings.model_copy(update=changed)
