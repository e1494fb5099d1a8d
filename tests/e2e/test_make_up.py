"""The README's main job, `make up`, on this checkout: starts, serves, exits 0 on SIGINT."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tradeplane.infra.process import pid_alive

from ..cli.helpers import (
    ENDPOINTS_LINE,
    REPO,
    SERVING,
    SYSTEM_START_SECONDS,
    environment,
    health_status,
    kill_and_clean_up,
    server_pids,
    wait_for_line,
)


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
@pytest.mark.timeout(600)  # the first start compiles the kernels
def test_make_up(private_tmp_path: Path) -> None:
    # start_new_session gives make its own process group, so the group can be signalled
    # the way a terminal's Ctrl-C would be.
    process = subprocess.Popen(
        ["make", "--no-print-directory", "up"],
        cwd=REPO,
        env=environment(private_tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        grpc_port = int(wait_for_line(process, ENDPOINTS_LINE, SYSTEM_START_SECONDS).group(1))
        assert health_status(grpc_port) == SERVING
        pids = server_pids(private_tmp_path / "data")
        job = _child_pid(process.pid, "tradeplane")
        os.kill(job, signal.SIGINT)  # the main job gets SIGINT; make reports its status
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while any(pid_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(pid_alive(pid) for pid in pids), "servers left behind"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        kill_and_clean_up(process, private_tmp_path / "data")


def _child_pid(parent: int, name: str) -> int:
    """The descendant of `parent` whose command line mentions `name`."""
    for _ in range(50):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            parent_pid = int(stat.rsplit(")", 1)[1].split()[1])
            if parent_pid == parent and name in cmdline and "make" not in cmdline.split()[0]:
                return int(entry.name)
        time.sleep(0.1)
    raise AssertionError(f"no child of {parent} running {name}")
