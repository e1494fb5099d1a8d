"""The `tradeplane` command: one module per command group, each with `register(subparsers)`."""

from tradeplane.cli.main import main

__all__ = ["main"]
