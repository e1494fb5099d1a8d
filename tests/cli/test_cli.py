"""The `tradeplane` command: version, config errors, serve, infra, up."""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tradeplane import __version__
from tradeplane.cli import main
from tradeplane.infra.process import pid_alive

from .helpers import (
    ENDPOINTS_LINE,
    SERVING,
    SYSTEM_START_SECONDS,
    TRADEPLANE,
    environment,
    health_status,
    kill_and_clean_up,
    server_pids,
    wait_for_line,
)


def test_version(capsys) -> None:
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == __version__


def test_config_error_exits_2_and_names_the_field(tmp_path: Path, capsys) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("metrics:\n  port: -1\n")
    assert main(["--config", str(config), "serve", "system"]) == 2
    error = capsys.readouterr().err
    assert "metrics.port" in error
    assert "greater than or equal to 0" in error


def test_unknown_service_exits_2(capsys) -> None:
    assert main(["serve", "nonexistent"]) == 2
    assert "unknown service 'nonexistent'" in capsys.readouterr().err


def test_serve_answers_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [TRADEPLANE, "serve", "system"],
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = wait_for_line(process, r'"message": "host started"')
        record = json.loads(started.string)
        assert record["services"] == ["system"]
        assert health_status(record["grpc_port"]) == SERVING
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_infra_up_status_down(private_tmp_path: Path) -> None:
    env = environment(private_tmp_path)

    def tradeplane(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [TRADEPLANE, "infra", *args], env=env, capture_output=True, text=True, timeout=60
        )

    try:
        up = tradeplane("up")
        assert up.returncode == 0, up.stderr
        assert "nats://127.0.0.1:" in up.stdout
        assert "postgresql://tradeplane@127.0.0.1:" in up.stdout
        status = tradeplane("status")
        assert status.returncode == 0
        assert status.stdout.count("running") == 2
    finally:
        down = tradeplane("down")
    assert down.returncode == 0
    assert "postgres" in down.stdout and "nats" in down.stdout
    after = tradeplane("status")
    assert after.returncode == 3
    assert after.stdout.count("stopped") == 2


@pytest.mark.timeout(600)  # the first start compiles the kernels
def test_up_prints_endpoints_serves_and_exits_0_on_sigint(private_tmp_path: Path) -> None:
    process = subprocess.Popen(
        [TRADEPLANE, "up"],
        env=environment(private_tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        grpc_port = int(wait_for_line(process, ENDPOINTS_LINE, SYSTEM_START_SECONDS).group(1))
        assert health_status(grpc_port) == SERVING
        pids = server_pids(private_tmp_path / "data")
        assert len(pids) == 2 and all(pid_alive(pid) for pid in pids)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert not any(pid_alive(pid) for pid in pids), "servers left behind"
    finally:
        kill_and_clean_up(process, private_tmp_path / "data")


def test_sim_prints_urls_and_credentials_then_stops_on_sigint(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [TRADEPLANE, "sim", "--port", "0", "--symbols", "20"],
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        rest_url = wait_for_line(process, r"REST\s+(http://127\.0\.0\.1:\d+)").group(1)
        assert wait_for_line(process, r"API key\s+(\S+)").group(1)
        with urllib.request.urlopen(f"{rest_url}/api/v3/ping", timeout=5) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
