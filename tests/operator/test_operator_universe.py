"""The real operator against the emulated API server and a real nats-server: a
SymbolUniverse becomes its children, JetStream resources and status; spec changes reach
the children; drift is repaired; deletion removes the streams; NATS trouble is Degraded."""

from __future__ import annotations

import copy
from typing import Any

import nats as nats_client
from nats.js.errors import NotFoundError

from tests.operator.conftest import Cluster, FakeMetrics, eventually
from tradeplane.operator import naming

UNIVERSE = "binance-usdt"
DEPLOYMENTS = {f"{UNIVERSE}-marketdata", f"{UNIVERSE}-indicators", f"{UNIVERSE}-screener"}
HISTORY = "UNIVERSE_DEFAULT_BINANCE-USDT_HISTORY"
SELECTION = "UNIVERSE_DEFAULT_BINANCE-USDT_SELECTION"


def condition(body: dict[str, Any] | None, kind: str) -> dict[str, Any]:
    for item in (body or {}).get("status", {}).get("conditions", []):
        if item["type"] == kind:
            return dict(item)
    return {}


def ready(cluster: Cluster, name: str = UNIVERSE) -> dict[str, Any] | None:
    body = cluster.universe(name)
    current = (
        body and body.get("status", {}).get("observedGeneration") == body["metadata"]["generation"]
    )
    return body if current and condition(body, "Ready").get("status") == "True" else None


async def jetstream_names(url: str) -> set[str]:
    client = await nats_client.connect(url)
    try:
        jetstream = client.jetstream()
        found = set()
        for name in (HISTORY, "KV_" + SELECTION):
            try:
                await jetstream.stream_info(name)
                found.add(name)
            except NotFoundError:
                pass
        return found
    finally:
        await client.close()


async def test_create_gives_children_streams_status_and_events(
    cluster: Cluster, operator: Any, examples: dict[str, Any], nats: Any, metrics: FakeMetrics
) -> None:
    metrics.texts[("default", f"{UNIVERSE}-screener")] = (
        "tradeplane_screener_symbols_screened 214\n"
        'tradeplane_screener_selection_rank{symbol="ETH/USDT"} 2\n'
        'tradeplane_screener_selection_rank{symbol="SOL/USDT"} 1\n'
    )
    async with operator():
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        universe = await eventually(lambda: ready(cluster), what="universe Ready")
        await eventually(lambda: cluster.events("Ready"), what="a Ready event")

    deployments = {d["metadata"]["name"]: d for d in cluster.list("apps", "deployments")}
    assert set(deployments) == DEPLOYMENTS
    services = {s["metadata"]["name"] for s in cluster.list("", "services")}
    assert services == DEPLOYMENTS
    config_map = cluster.get("", "configmaps", f"{UNIVERSE}-universe")
    assert "universe.yaml" in config_map["data"] and "config.yaml" in config_map["data"]
    for child in [*deployments.values(), config_map]:
        (reference,) = child["metadata"]["ownerReferences"]
        assert reference["uid"] == universe["metadata"]["uid"] and reference["controller"]
    indicators = deployments[f"{UNIVERSE}-indicators"]["spec"]["template"]["spec"]
    assert indicators["containers"][0]["image"] == "registry.test/tradeplane:1.2.3"  # gpu: auto

    status = universe["status"]
    assert status["observedGeneration"] == 1
    assert status["streams"] == [HISTORY, SELECTION]
    assert status["symbolsScreened"] == 214
    assert status["selection"] == ["SOL/USDT", "ETH/USDT"] and status["selectedCount"] == 2
    assert {c["name"] for c in status["components"] if c["ready"]} == DEPLOYMENTS
    assert condition(universe, "Degraded")["status"] == "False"
    assert condition(universe, "Progressing")["reason"] == "Complete"
    assert await jetstream_names(nats.url) == {HISTORY, "KV_" + SELECTION}


async def test_spec_change_reaches_children_and_deleted_child_comes_back(
    cluster: Cluster, operator: Any, examples: dict[str, Any]
) -> None:
    async with operator():
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        await eventually(lambda: ready(cluster), what="universe Ready")

        cluster.patch(
            naming.GROUP,
            naming.UNIVERSE_PLURAL,
            UNIVERSE,
            {"spec": {"indicators": {"gpu": "required", "gpuCount": 2}}},
        )
        universe = await eventually(lambda: ready(cluster), what="generation 2 observed")
        assert universe["metadata"]["generation"] == 2
        assert universe["status"]["gpuScheduled"] is True
        pod = cluster.get("apps", "deployments", f"{UNIVERSE}-indicators")["spec"]["template"]
        container = pod["spec"]["containers"][0]
        assert container["image"] == "registry.test/tradeplane:1.2.3-cuda12"
        assert container["resources"]["limits"]["nvidia.com/gpu"] == "2"
        assert pod["spec"]["nodeSelector"] == {"nvidia.com/gpu.present": "true"}

        cluster.patch(
            "apps",
            "deployments",
            f"{UNIVERSE}-marketdata",
            {
                "spec": {
                    "template": {
                        "spec": {"containers": [{"name": "marketdata", "image": "evil:latest"}]}
                    }
                }
            },
        )
        await eventually(
            lambda: (
                cluster.get("apps", "deployments", f"{UNIVERSE}-marketdata")["spec"]["template"][
                    "spec"
                ]["containers"][0]["image"]
                == "registry.test/tradeplane:1.2.3"
            ),
            what="an edited Deployment put back at the next resync",
        )

        original_uid = cluster.get("apps", "deployments", f"{UNIVERSE}-screener")["metadata"]["uid"]
        cluster.delete("apps", "deployments", f"{UNIVERSE}-screener")
        cluster.delete("", "configmaps", f"{UNIVERSE}-universe")
        recreated = await eventually(
            lambda: cluster.get("apps", "deployments", f"{UNIVERSE}-screener"),
            what="the deleted Deployment recreated",
        )
        assert recreated["metadata"]["uid"] != original_uid
        await eventually(
            lambda: cluster.get("", "configmaps", f"{UNIVERSE}-universe"),
            what="the deleted ConfigMap recreated",
        )


async def test_delete_removes_streams_through_the_finalizer(
    cluster: Cluster, operator: Any, examples: dict[str, Any], nats: Any
) -> None:
    async with operator():
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        universe = await eventually(lambda: ready(cluster), what="universe Ready")
        assert f"{naming.GROUP}/finalizer" in universe["metadata"]["finalizers"]
        assert await jetstream_names(nats.url) == {HISTORY, "KV_" + SELECTION}

        cluster.delete(naming.GROUP, naming.UNIVERSE_PLURAL, UNIVERSE)
        await eventually(lambda: cluster.universe(UNIVERSE) is None, what="universe gone")

    assert await jetstream_names(nats.url) == set()
    assert cluster.list("apps", "deployments") == []  # stopped first, then garbage-collected
    assert cluster.list("", "configmaps") == []


async def test_unreachable_nats_is_degraded_then_recovers(
    cluster: Cluster, operator: Any, examples: dict[str, Any], nats: Any
) -> None:
    async with operator(nats_url="nats://127.0.0.1:9"):  # nothing listens on the discard port
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        degraded = await eventually(
            lambda: (
                condition(cluster.universe(UNIVERSE), "Degraded").get("reason") == "NatsUnavailable"
                and cluster.universe(UNIVERSE)
            ),
            what="Degraded NatsUnavailable",
        )
        assert condition(degraded, "Ready")["status"] == "False"
        assert "127.0.0.1:9" in condition(degraded, "Degraded")["message"]
        # The Kubernetes side is in place already; only the streams wait for NATS.
        assert len(cluster.list("apps", "deployments")) == 3
        await eventually(lambda: cluster.events("NatsUnavailable"), what="a Warning event")

    async with operator():  # NATS back (a restarted operator reaches it): recovered
        universe = await eventually(lambda: ready(cluster), what="universe Ready again")
        assert condition(universe, "Degraded")["status"] == "False"
    assert await jetstream_names(nats.url) >= {HISTORY}
