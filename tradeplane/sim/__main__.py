"""`tradeplane sim` / `python -m tradeplane.sim`: run the exchange simulator until stopped.

Prints the REST and websocket URLs and the API key and secret it accepts (on stdout, for
the person who started it; they are never logged).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from tradeplane.sim.config import SimulatorConfig
from tradeplane.sim.server import Simulator

DESCRIPTION = "Local Binance-format exchange simulator (REST and websocket) for ccxt."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tradeplane sim", description=DESCRIPTION)
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The simulator's options, shared by `python -m tradeplane.sim` and `tradeplane sim`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=8765, help="port (0: a free one)")
    parser.add_argument("--symbols", type=int, default=300, help="synthetic symbols to list")
    parser.add_argument("--seed", type=int, default=7, help="same seed, same markets")
    parser.add_argument(
        "--replay",
        type=Path,
        default=None,
        help="folder of BASE-QUOTE.csv candles to replay instead",
    )
    parser.add_argument("--speed", type=float, default=1.0, help="market time per wall-clock time")
    parser.add_argument(
        "--manual", action="store_true", help="market moves only on POST /admin/step"
    )
    parser.add_argument("--api-key", default=None, help="accepted API key (default: random)")
    parser.add_argument("--api-secret", default=None, help="its secret (default: random)")


def config_from_args(args: argparse.Namespace) -> SimulatorConfig:
    return SimulatorConfig(
        host=args.host,
        port=args.port,
        symbols=args.symbols,
        seed=args.seed,
        replay_dir=args.replay,
        replay_align_to_now=args.replay is not None,
        speed=args.speed,
        clock="manual" if args.manual else "realtime",
        api_key=args.api_key,
        api_secret=args.api_secret,
    )


async def serve(config: SimulatorConfig, *, out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with Simulator(config) as simulator:
        print(f"REST       {simulator.rest_url}/api/v3", file=out)
        print(f"WebSocket  {simulator.ws_url}", file=out)
        print(f"API key    {simulator.api_key}", file=out)
        print(f"API secret {simulator.api_secret}", file=out)
        print(
            f"Symbols    {len(simulator.state.universe)} (started in "
            f"{simulator.startup_seconds:.2f} s); Ctrl-C stops",
            file=out,
            flush=True,
        )
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(config_from_args(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
