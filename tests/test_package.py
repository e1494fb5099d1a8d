"""What importing the package sets up before anything else runs."""

from __future__ import annotations

import os
import subprocess
import sys


def _fork_support_after_import(environment: dict[str, str]) -> str:
    script = "import os, tradeplane; print(os.environ['GRPC_ENABLE_FORK_SUPPORT'])"
    result = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_grpc_fork_support_is_off_unless_the_environment_asks_for_it():
    environment = {k: v for k, v in os.environ.items() if k != "GRPC_ENABLE_FORK_SUPPORT"}
    environment["PYTHONSAFEPATH"] = "1"  # the repository's operator/ must not shadow the stdlib
    assert _fork_support_after_import(environment) == "false"
    assert _fork_support_after_import({**environment, "GRPC_ENABLE_FORK_SUPPORT": "1"}) == "1"
