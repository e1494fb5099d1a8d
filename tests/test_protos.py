"""The committed stubs are exactly what `make protos` generates from the .proto files."""

import shutil
from pathlib import Path

from tradeplane.protogen import generate

PROTO_ROOT = Path(__file__).resolve().parents[1] / "protos"


def test_committed_stubs_match_a_fresh_generation(tmp_path: Path) -> None:
    source = tmp_path / "protos"
    shutil.copytree(PROTO_ROOT, source, ignore=shutil.ignore_patterns("*_pb2*", "__pycache__"))
    generated = generate(source, source)
    assert generated, "no stubs were generated"
    stale = []
    for fresh in generated:
        committed = PROTO_ROOT / fresh.relative_to(source)
        if not committed.exists() or committed.read_bytes() != fresh.read_bytes():
            stale.append(str(committed.relative_to(PROTO_ROOT.parent)))
    committed_stubs = {p.relative_to(PROTO_ROOT) for p in PROTO_ROOT.rglob("*_pb2*.py*")}
    orphans = committed_stubs - {p.relative_to(source) for p in generated}
    assert not stale, f"stubs out of date, run `make protos`: {stale}"
    assert not orphans, f"stubs without a .proto, delete them: {sorted(map(str, orphans))}"
