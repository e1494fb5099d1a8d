"""The package stays a pure library: importing it pulls in no I/O client."""

import subprocess
import sys

FORBIDDEN = ("ccxt", "asyncpg", "nats", "grpc", "kubernetes", "kopf", "aiohttp")


def test_importing_the_package_loads_no_io_clients() -> None:
    probe = (
        "import sys, tradeplane.screening; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})))"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert output.stdout.strip() == "[]"
