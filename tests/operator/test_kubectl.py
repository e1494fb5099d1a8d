"""The real kubectl (from `make tools`) against the emulated API server: the CRDs and
the examples apply as a user would apply them; invalid resources are refused with the
CEL rule's message; kubectl explain shows the field descriptions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.operator.conftest import CRD_DIRECTORY, EXAMPLES, REPOSITORY, Cluster
from tradeplane.operator import naming

KUBECTL = REPOSITORY / ".venv" / "bin" / "kubectl"
pytestmark = pytest.mark.skipif(not KUBECTL.exists(), reason="run `make tools` for kubectl")


async def kubectl(cluster: Cluster, *args: str) -> tuple[int, str]:
    cache = cluster.kubeconfig.parent / "kubectl-cache"
    process = await asyncio.create_subprocess_exec(
        str(KUBECTL),
        "--kubeconfig",
        str(cluster.kubeconfig),
        "--cache-dir",
        str(cache),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, output.decode()


async def test_kubectl_applies_the_crds_then_the_examples(bare_cluster: Cluster) -> None:
    code, output = await kubectl(bare_cluster, "apply", "-f", str(CRD_DIRECTORY))
    assert code == 0, output
    assert (
        "customresourcedefinition.apiextensions.k8s.io/symboluniverses.tradeplane.io created"
        in output
    )
    assert "tradingstrategies.tradeplane.io created" in output

    code, output = await kubectl(bare_cluster, "apply", "-f", str(EXAMPLES))
    assert code == 0, output
    assert "symboluniverse.tradeplane.io/binance-usdt created" in output
    assert "tradingstrategy.tradeplane.io/momentum-paper created" in output
    universe = bare_cluster.universe("binance-usdt")
    assert universe["spec"]["indicators"]["gpuCount"] == 1  # defaulted by the API server
    assert universe["spec"]["stages"]["scoring"]["selection"]["topN"] == 5

    code, output = await kubectl(bare_cluster, "apply", "-f", str(EXAMPLES))
    assert code == 0 and output.count("unchanged") == 2, output
    code, output = await kubectl(bare_cluster, "apply", "--server-side", "-f", str(EXAMPLES))
    assert code == 0 and output.count("serverside-applied") == 2, output

    code, output = await kubectl(bare_cluster, "get", "tradeplane")  # the category
    assert code == 0 and "binance-usdt" in output and "momentum-paper" in output, output
    code, output = await kubectl(bare_cluster, "get", "su", "binance-usdt", "-o", "name")
    assert (code, output.strip()) == (0, "symboluniverse.tradeplane.io/binance-usdt")


async def test_kubectl_reports_the_broken_rule(cluster: Cluster) -> None:
    invalid = Path(__file__).parent / "invalid" / "live-without-credentials.yaml"
    code, output = await kubectl(cluster, "apply", "-f", str(invalid))
    assert code != 0
    assert "live mode needs credentialsSecretRef" in output, output
    assert cluster.strategy("live-no-secret") is None


async def test_kubectl_refuses_unknown_fields(cluster: Cluster, tmp_path: Path) -> None:
    typo = tmp_path / "typo.yaml"
    typo.write_text(
        f"apiVersion: {naming.API_VERSION}\nkind: SymbolUniverse\nmetadata: {{name: typo}}\n"
        "spec: {exchnage: kraken}\n"
    )
    code, output = await kubectl(cluster, "apply", "-f", str(typo))
    assert code != 0 and 'unknown field "spec.exchnage"' in output, output


async def test_kubectl_explain_teaches_the_fields(cluster: Cluster) -> None:
    code, output = await kubectl(cluster, "explain", "symboluniverse.spec.indicators.gpu")
    assert code == 0, output
    assert "nvidia.com/gpu" in output and "required" in output
