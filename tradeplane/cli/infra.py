"""`tradeplane infra up|down|status`: embedded NATS and PostgreSQL, kept between commands."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console
from rich.table import Table

from tradeplane.config import Settings, load_settings
from tradeplane.infra import EmbeddedInfra

EXIT_NOT_RUNNING = 3  # as `systemctl status` does for an inactive unit


def add_infra_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="where NATS and PostgreSQL keep data (infra.data_dir)")
    parser.add_argument("--nats-port", type=int, help="NATS client port; 0 picks a free one")
    parser.add_argument("--postgres-port", type=int, help="PostgreSQL port; 0 picks a free one")


def settings_with_infra_options(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for option, field in (
        ("data_dir", "infra.data_dir"),
        ("nats_port", "infra.nats_port"),
        ("postgres_port", "infra.postgres_port"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            overrides[field] = value
    return load_settings(args.config, **overrides)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("infra", help="embedded NATS (JetStream) and PostgreSQL")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, handler, help_text in (
        ("up", infra_up, "start both (or find them running) and print their endpoints"),
        ("down", infra_down, "stop both cleanly"),
        ("status", infra_status, "show whether each is running, and where"),
    ):
        action = actions.add_parser(name, help=help_text)
        add_infra_options(action)
        action.set_defaults(handler=handler)


def infra_up(args: argparse.Namespace) -> int:
    infra = EmbeddedInfra(settings_with_infra_options(args).infra)
    endpoints = infra.start()
    console = Console()
    console.print(f"nats      {endpoints.nats_url}")
    console.print(f"postgres  {endpoints.postgres_dsn}")
    console.print(f"data      {infra.config.data_dir}")
    return 0


def infra_down(args: argparse.Namespace) -> int:
    stopped = EmbeddedInfra(settings_with_infra_options(args).infra).stop()
    Console().print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def infra_status(args: argparse.Namespace) -> int:
    components = EmbeddedInfra(settings_with_infra_options(args).infra).status()
    table = Table("component", "state", "endpoint", "pid", "data")
    for component in components:
        table.add_row(
            component.name,
            "running" if component.running else "stopped",
            component.endpoint or "-",
            str(component.pid or "-"),
            str(component.data_dir),
        )
    Console().print(table)
    return 0 if all(c.running for c in components) else EXIT_NOT_RUNNING
