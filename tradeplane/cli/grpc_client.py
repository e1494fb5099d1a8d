"""What the CLI's gRPC commands share: the `--target` option and readable RPC errors."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

import grpc

from tradeplane.errors import TradeplaneError

DEFAULT_TARGET = "127.0.0.1:50051"


def add_target_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        default=DEFAULT_TARGET,
        metavar="HOST:PORT",
        help=f"gRPC address of the host serving the service (default {DEFAULT_TARGET})",
    )


@contextmanager
def channel(target: str) -> Iterator[grpc.Channel]:
    """A channel to `target`; RPC failures leave as TradeplaneError with what to do."""
    with grpc.insecure_channel(target) as opened:
        try:
            yield opened
        except grpc.RpcError as error:
            code, details = error.code(), error.details()  # type: ignore[attr-defined]
            if code is grpc.StatusCode.UNAVAILABLE:
                raise TradeplaneError(
                    f"{target} is unavailable ({details}); is the event store running there? "
                    "(`tradeplane serve eventstore`, or pass --target HOST:PORT)"
                ) from None
            raise TradeplaneError(f"{code.name.lower()}: {details}") from None
