"""`tradeplane operator` as a process: standard kubeconfig resolution ($KUBECONFIG), the
NATS URL and operator settings from the environment, `--namespace`, clean SIGTERM."""

from __future__ import annotations

import asyncio
import copy
import os
import signal
import sys
from typing import Any

from tests.operator.conftest import Cluster, FakeMetrics, eventually
from tests.operator.test_operator_universe import ready

# Parses like `tradeplane` does once `operator` is in COMMAND_GROUPS (tradeplane/cli/main.py).
LAUNCHER = """
import argparse, sys
from tradeplane.cli import operator
parser = argparse.ArgumentParser(prog="tradeplane")
parser.add_argument("--config")
operator.register(parser.add_subparsers(dest="command", required=True))
arguments = parser.parse_args(sys.argv[1:])
sys.exit(arguments.handler(arguments))
"""


async def test_the_command_runs_the_operator_until_sigterm(
    cluster: Cluster, examples: dict[str, Any], nats: Any, metrics: FakeMetrics
) -> None:
    environment = {
        **os.environ,
        "KUBECONFIG": str(cluster.kubeconfig),
        "TRADEPLANE_NATS__URL": nats.url,
        "TRADEPLANE_LOGGING__JSON_FORMAT": "false",
        "TRADEPLANE_OPERATOR__IMAGE__TAG": "7.7.7",
        "TRADEPLANE_OPERATOR__TIMINGS__RESYNC_SECONDS": "1",
        "TRADEPLANE_OPERATOR__METRICS__URL_TEMPLATE": metrics.url_template,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        LAUNCHER,
        "operator",
        "--namespace",
        "default",
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        await eventually(lambda: ready(cluster), timeout=30, what="universe Ready")
        deployment = cluster.get("apps", "deployments", "binance-usdt-screener")
        image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        assert image.endswith(":7.7.7")
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, output.decode()[-3000:]
    assert cluster.get("kopf.dev", "kopfpeerings", "tradeplane") is not None
