"""`tradeplane serve NAME...`: run services in this process (one per pod in Kubernetes)."""

from __future__ import annotations

import argparse
import asyncio

from tradeplane.config import load_settings
from tradeplane.logs import configure_logging
from tradeplane.runtime import Host, run_host
from tradeplane.runtime.registry import available_services


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run one or more services until SIGTERM/SIGINT",
        description="Run services with gRPC (health, reflection) and /metrics. "
        f"Installed services: {', '.join(sorted(available_services()))}.",
    )
    parser.add_argument("services", nargs="+", metavar="SERVICE", help="service name(s)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    configure_logging(level=settings.logging.level, json_format=settings.logging.json_format)
    names = list(dict.fromkeys(["system", *args.services]))  # every host answers GetInfo
    host = Host.from_names(settings, names)
    asyncio.run(run_host(host))
    return 0
