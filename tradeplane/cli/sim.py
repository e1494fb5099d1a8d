"""`tradeplane sim`: the local Binance-format exchange simulator, until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio

from tradeplane.sim.__main__ import DESCRIPTION, add_arguments, config_from_args, serve


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sim", help="run the exchange simulator", description=DESCRIPTION
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    asyncio.run(serve(config_from_args(args)))
    return 0
