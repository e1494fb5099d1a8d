"""Run the real `tradeplane` command in a subprocess and talk to it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tradeplane.config import InfraConfig
from tradeplane.infra import EmbeddedInfra

TRADEPLANE = str(Path(sys.executable).parent / "tradeplane")
REPO = Path(__file__).resolve().parents[2]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Free ports and a private data dir, so tests never collide with a real install."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRADEPLANE_")}
    env.update(
        TRADEPLANE_GRPC__PORT="0",
        TRADEPLANE_METRICS__PORT="0",
        TRADEPLANE_INFRA__DATA_DIR=str(tmp_path / "data"),
        PYTHONUNBUFFERED="1",
        COLUMNS="200",  # rich wraps narrower tables
        **extra,
    )
    return env


def wait_for_line(process: subprocess.Popen, pattern: str, timeout: float = 60) -> re.Match:
    """Read the process's merged output until a line matches; fail with what it printed."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"no line matched {pattern!r}; output was:\n{''.join(seen)}")


def health_status(port: int) -> int:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        answer = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
        return answer.status


SERVING = health_pb2.HealthCheckResponse.SERVING
# The whole system's first start on a fresh checkout compiles the indicator kernels
# (about a minute on 2 cores; numba caches them on disk for every later start).
SYSTEM_START_SECONDS = 300
ENDPOINTS_LINE = r"gRPC\s+│\s+127\.0\.0\.1:(\d+)"


def server_pids(data_dir: Path) -> list[int]:
    """The embedded nats-server and postmaster pids recorded under `data_dir`."""
    nats_pid = json.loads((data_dir / "nats" / "server.json").read_text())["pid"]
    postmaster = (data_dir / "postgres" / "pgdata" / "postmaster.pid").read_text()
    return [nats_pid, int(postmaster.split("\n", 1)[0])]


def kill_and_clean_up(process: subprocess.Popen, data_dir: Path) -> None:
    """After a failed test: kill the command, then stop the servers it had started.

    SIGKILL gives `tradeplane up` no chance to stop its nats-server and PostgreSQL,
    which run in their own sessions and would outlive the test.
    """
    if process.poll() is None:
        process.kill()
        process.wait()
    EmbeddedInfra(InfraConfig(data_dir=data_dir)).stop()
