"""Generates the Python stubs of `protos/tradeplane/v1/*.proto` with grpc_tools.

Used by `make protos` and by the test that fails when the committed stubs are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path


def generate(proto_root: Path, out_dir: Path) -> list[Path]:
    """Compile every .proto under `proto_root` into `out_dir`; returns the files written."""
    import grpc_tools
    from grpc_tools import protoc

    well_known = Path(grpc_tools.__file__).parent / "_proto"
    sources = sorted(str(p.relative_to(proto_root)) for p in proto_root.rglob("*.proto"))
    out_dir.mkdir(parents=True, exist_ok=True)
    status = protoc.main(
        [
            "protoc",
            f"-I{proto_root}",
            f"-I{well_known}",
            f"--python_out={out_dir}",
            f"--pyi_out={out_dir}",
            f"--grpc_python_out={out_dir}",
            *sources,
        ]
    )
    if status != 0:
        raise RuntimeError(f"protoc failed with status {status} on {sources}")
    return sorted(p for p in out_dir.rglob("*_pb2*.py*"))


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "protos")
    for written in generate(root, root):
        print(written)
