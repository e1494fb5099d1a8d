"""`tradeplane operator [--namespace NS]`: run the Kubernetes operator (kopf underneath).

Credentials: in-cluster service account, then `$KUBECONFIG` (or ~/.kube/config). The
NATS URL comes from `nats.url` of the config file or `TRADEPLANE_NATS__URL`; the
operator's own settings (images, timings) from `TRADEPLANE_OPERATOR__*` or the
`--operator-config` file's `operator:` mapping.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "operator",
        help="reconcile SymbolUniverse and TradingStrategy resources (Kubernetes operator)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--namespace", "-n", metavar="NS", help="watch only this namespace (default: all)"
    )
    parser.add_argument(
        "--operator-config",
        metavar="FILE",
        type=Path,
        help="YAML file with an `operator:` mapping (images, timings, peering)",
    )
    parser.add_argument(
        "--kubeconfig", metavar="FILE", type=Path, help="kubeconfig to use instead of the default"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from tradeplane.config import load_settings
    from tradeplane.logs import configure_logging
    from tradeplane.operator.config import load_operator_config
    from tradeplane.operator.runner import run_operator

    settings = load_settings(args.config)
    configure_logging(level=settings.logging.level, json_format=settings.logging.json_format)
    overrides = {"kubeconfig": args.kubeconfig} if args.kubeconfig else {}
    config = load_operator_config(args.operator_config, **overrides)
    asyncio.run(run_operator(config, nats_url=settings.nats.url, namespace=args.namespace))
    return 0
