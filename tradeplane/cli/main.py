"""Entry point: parses arguments, configures logging, maps errors to exit codes."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from tradeplane import __version__
from tradeplane.cli import events, infra, operator, serve, sim, state, up
from tradeplane.errors import ConfigError, TradeplaneError

logger = logging.getLogger(__name__)

# Each module adds its subcommands; a command sets `handler(args) -> int` on its parser.
COMMAND_GROUPS = (up, serve, infra, sim, events, state, operator)

EXIT_CONFIG = 2
EXIT_FAILURE = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradeplane",
        description="Kubernetes-native crypto trading platform (see README.md).",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="YAML config file (default: $TRADEPLANE_CONFIG); TRADEPLANE_* env vars override it",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    version = subparsers.add_parser("version", help="print the version")
    version.set_defaults(handler=lambda _args: print(__version__) or 0)
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as error:
        print(f"tradeplane: configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except TradeplaneError as error:
        print(f"tradeplane: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
