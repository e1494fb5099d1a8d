"""`tradeplane state show|history|rollback|put`: versioned universe and strategy state."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC
from pathlib import Path

from tradeplane.cli.grpc_client import add_target_option, channel
from tradeplane.errors import TradeplaneError
from tradeplane.v1 import eventstore_pb2, eventstore_pb2_grpc

SCOPES = {
    "universe": eventstore_pb2.STATE_SCOPE_UNIVERSE,
    "strategy": eventstore_pb2.STATE_SCOPE_STRATEGY,
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "state", help="versioned state of universes and strategies: show, history, rollback"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    show = actions.add_parser("show", help="print the latest (or a given) version")
    _add_key(show)
    show.add_argument("--revision", type=int, default=0, help="this revision, not the latest")
    show.set_defaults(handler=state_show)

    history = actions.add_parser("history", help="list the kept versions, oldest first")
    _add_key(history)
    history.set_defaults(handler=state_history)

    rollback = actions.add_parser(
        "rollback", help="make an earlier revision's document the latest again (new revision)"
    )
    _add_key(rollback)
    rollback.add_argument("revision", type=int, help="revision to restore")
    rollback.add_argument("--reason", default="", help="recorded with the new version")
    rollback.set_defaults(handler=state_rollback)

    put = actions.add_parser("put", help="store a new version from a JSON file ('-' = stdin)")
    _add_key(put)
    put.add_argument("file", help="JSON object file, or - for standard input")
    put.add_argument("--reason", default="", help="recorded with the new version")
    put.add_argument(
        "--expected-revision", type=int, default=0, help="fail if the latest is not this one"
    )
    put.set_defaults(handler=state_put)


def _add_key(parser: argparse.ArgumentParser) -> None:
    add_target_option(parser)
    parser.add_argument("scope", choices=sorted(SCOPES), help="universe or strategy")
    parser.add_argument("name", help="SymbolUniverse or TradingStrategy name")


def _stub(opened):  # type: ignore[no-untyped-def]
    return eventstore_pb2_grpc.StateServiceStub(opened)


def _print_version(version: eventstore_pb2.StateVersion, *, with_document: bool) -> None:
    updated = version.updated_at.ToDatetime(tzinfo=UTC).isoformat(timespec="seconds")
    restored = f" (restores {version.restored_revision})" if version.restored_revision else ""
    print(f"revision {version.revision}  {updated}  {version.reason or '-'}{restored}")
    if with_document:
        print(json.dumps(json.loads(version.document_json), indent=2, sort_keys=True))


def state_show(args: argparse.Namespace) -> int:
    request = eventstore_pb2.GetStateRequest(
        scope=SCOPES[args.scope], name=args.name, revision=args.revision
    )
    with channel(args.target) as opened:
        version = _stub(opened).GetState(request)
    _print_version(version, with_document=True)
    return 0


def state_history(args: argparse.Namespace) -> int:
    request = eventstore_pb2.ListStateHistoryRequest(scope=SCOPES[args.scope], name=args.name)
    with channel(args.target) as opened:
        response = _stub(opened).ListStateHistory(request)
    for version in response.versions:
        _print_version(version, with_document=False)
    return 0


def state_rollback(args: argparse.Namespace) -> int:
    request = eventstore_pb2.RollbackStateRequest(
        scope=SCOPES[args.scope], name=args.name, revision=args.revision, reason=args.reason
    )
    with channel(args.target) as opened:
        version = _stub(opened).RollbackState(request)
    _print_version(version, with_document=True)
    return 0


def state_put(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text()
        json.loads(text)
    except (OSError, json.JSONDecodeError) as error:
        raise TradeplaneError(f"cannot read a JSON document from {args.file}: {error}") from None
    request = eventstore_pb2.PutStateRequest(
        scope=SCOPES[args.scope],
        name=args.name,
        document_json=text,
        reason=args.reason,
        expected_revision=args.expected_revision,
    )
    with channel(args.target) as opened:
        version = _stub(opened).PutState(request)
    _print_version(version, with_document=False)
    return 0
