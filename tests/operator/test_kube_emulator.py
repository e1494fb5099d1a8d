"""The emulated API server behaves like a real one where the operator and kubectl rely
on it (checked over HTTP, as they use it)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import kmock
import pytest

from tests.operator.conftest import Cluster
from tests.operator.kube_emulator import KubeEmulator
from tests.operator.kube_store import Store

UNIVERSES = "/apis/tradeplane.io/v1alpha1/namespaces/default/symboluniverses"
CONFIG_MAPS = "/api/v1/namespaces/default/configmaps"
MERGE = {"Content-Type": "application/merge-patch+json"}


def universe(name: str = "u1", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "tradeplane.io/v1alpha1",
        "kind": "SymbolUniverse",
        "metadata": {"name": name},
        "spec": spec,
    }


@pytest.fixture
async def http(cluster: Cluster) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=cluster.url) as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    async with http.request(
        method,
        path,
        data=None if body is None else json.dumps(body),
        headers=headers or {"Content-Type": "application/json"},
    ) as response:
        return response.status, await response.json()


async def test_create_get_conflict_and_not_found(http: aiohttp.ClientSession) -> None:
    status, created = await call(http, "POST", UNIVERSES, universe())
    assert status == 201
    metadata = created["metadata"]
    assert metadata["uid"] and metadata["generation"] == 1 and int(metadata["resourceVersion"]) > 0
    assert created["spec"]["exchange"] == "binance"  # defaulted from the CRD schema
    assert (await call(http, "GET", f"{UNIVERSES}/u1"))[1] == created
    status, duplicate = await call(http, "POST", UNIVERSES, universe())
    assert (status, duplicate["reason"], duplicate["kind"]) == (409, "AlreadyExists", "Status")
    status, missing = await call(http, "GET", f"{UNIVERSES}/nope")
    assert (status, missing["reason"]) == (404, "NotFound")


async def test_invalid_objects_are_422_with_the_rule_message(http: aiohttp.ClientSession) -> None:
    status, answer = await call(http, "POST", UNIVERSES, universe(timeframes=["7m"]))
    assert (status, answer["reason"]) == (422, "Invalid")
    messages = [cause["message"] for cause in answer["details"]["causes"]]
    assert any("timeframes must be among" in message for message in messages)
    status, answer = await call(http, "POST", UNIVERSES, universe(quote="usdt"))
    assert status == 422 and answer["details"]["causes"][0]["field"] == "spec.quote"


async def test_generation_counts_spec_changes_and_status_is_a_subresource(
    http: aiohttp.ClientSession,
) -> None:
    await call(http, "POST", UNIVERSES, universe())
    _, patched = await call(
        http,
        "PATCH",
        f"{UNIVERSES}/u1",
        {"spec": {"quote": "USDC"}, "status": {"selectedCount": 3}},
        MERGE,
    )
    assert patched["metadata"]["generation"] == 2 and "status" not in patched
    _, labelled = await call(
        http, "PATCH", f"{UNIVERSES}/u1", {"metadata": {"labels": {"a": "b"}}}, MERGE
    )
    assert labelled["metadata"]["generation"] == 2
    assert int(labelled["metadata"]["resourceVersion"]) > int(
        patched["metadata"]["resourceVersion"]
    )
    _, with_status = await call(
        http,
        "PATCH",
        f"{UNIVERSES}/u1/status",
        {"status": {"selectedCount": 3}, "spec": {"quote": "BTC"}},
        MERGE,
    )
    assert with_status["status"]["selectedCount"] == 3 and with_status["spec"]["quote"] == "USDC"
    assert with_status["metadata"]["generation"] == 2
    status, _ = await call(
        http, "PATCH", f"{UNIVERSES}/u1/status", {"status": {"selectedCount": -1}}, MERGE
    )
    assert status == 422  # status is validated too


async def test_stale_resource_versions_conflict(http: aiohttp.ClientSession) -> None:
    _, created = await call(
        http,
        "POST",
        CONFIG_MAPS,
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}},
    )
    fresh = {**created, "data": {"k": "v"}}
    status, replaced = await call(http, "PUT", f"{CONFIG_MAPS}/c", fresh)
    assert status == 200 and replaced["data"] == {"k": "v"}
    status, answer = await call(http, "PUT", f"{CONFIG_MAPS}/c", {**created, "data": {"k": "w"}})
    assert (status, answer["reason"]) == (409, "Conflict")
    test_old = [
        {
            "op": "test",
            "path": "/metadata/resourceVersion",
            "value": created["metadata"]["resourceVersion"],
        },
        {"op": "add", "path": "/data/x", "value": "y"},
    ]
    status, _ = await call(
        http, "PATCH", f"{CONFIG_MAPS}/c", test_old, {"Content-Type": "application/json-patch+json"}
    )
    assert status == 422


async def test_watch_resumes_from_a_resource_version(http: aiohttp.ClientSession) -> None:
    _, first = await call(http, "POST", UNIVERSES, universe("w1"))
    since = first["metadata"]["resourceVersion"]
    await call(http, "POST", UNIVERSES, universe("w2"))
    await call(http, "PATCH", f"{UNIVERSES}/w1", {"spec": {"quote": "EUR"}}, MERGE)
    events = []
    async with http.get(
        UNIVERSES, params={"watch": "true", "resourceVersion": since, "timeoutSeconds": "1"}
    ) as response:
        async for line in response.content:
            events.append(json.loads(line))
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "w2"),
        ("MODIFIED", "w1"),
    ]


async def test_a_watch_from_a_forgotten_version_is_gone() -> None:
    async with (
        KubeEmulator(store=Store(history=2)) as emulator,
        kmock.Server(emulator) as server,
        aiohttp.ClientSession(base_url=f"http://{server.host}:{server.port}") as http,
    ):
        for name in ("a", "b", "c", "d"):
            await call(http, "POST", CONFIG_MAPS, {"metadata": {"name": name}})
        status, answer = await call(http, "GET", CONFIG_MAPS + "?watch=true&resourceVersion=3")
        assert (status, answer["reason"]) == (410, "Expired")


async def test_live_watch_and_finalizers_and_garbage_collection(
    http: aiohttp.ClientSession,
) -> None:
    _, owner = await call(
        http,
        "POST",
        UNIVERSES,
        {**universe("owner"), "metadata": {"name": "owner", "finalizers": ["test/hold"]}},
    )
    reference = {
        "apiVersion": "tradeplane.io/v1alpha1",
        "kind": "SymbolUniverse",
        "name": "owner",
        "uid": owner["metadata"]["uid"],
        "controller": True,
    }
    await call(
        http, "POST", CONFIG_MAPS, {"metadata": {"name": "child", "ownerReferences": [reference]}}
    )
    received: list[dict[str, Any]] = []

    async def watch() -> None:
        async with http.get(UNIVERSES, params={"watch": "true", "timeoutSeconds": "3"}) as response:
            async for line in response.content:
                received.append(json.loads(line))
                if received[-1]["type"] == "DELETED":
                    return

    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0.2)
    status, deleting = await call(http, "DELETE", f"{UNIVERSES}/owner")
    assert status == 200 and deleting["metadata"]["deletionTimestamp"]
    assert (await call(http, "GET", f"{CONFIG_MAPS}/child"))[0] == 200  # held by the finalizer
    await call(http, "PATCH", f"{UNIVERSES}/owner", {"metadata": {"finalizers": None}}, MERGE)
    await asyncio.wait_for(watcher, 5)
    assert [e["type"] for e in received] == ["ADDED", "MODIFIED", "DELETED"]
    assert (await call(http, "GET", f"{UNIVERSES}/owner"))[0] == 404
    assert (await call(http, "GET", f"{CONFIG_MAPS}/child"))[0] == 404  # garbage-collected


async def test_server_side_apply_creates_then_removes_fields_it_no_longer_applies(
    http: aiohttp.ClientSession,
) -> None:
    apply = {"Content-Type": "application/apply-patch+yaml"}
    path = f"{CONFIG_MAPS}/applied?fieldManager=me&force=true"
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "applied"},
        "data": {"a": "1", "b": "2"},
    }
    status, created = await call(http, "PATCH", path, config, apply)
    assert status == 201 and created["data"] == {"a": "1", "b": "2"}
    await call(http, "PATCH", f"{CONFIG_MAPS}/applied", {"data": {"other": "x"}}, MERGE)
    status, updated = await call(http, "PATCH", path, {**config, "data": {"a": "3"}}, apply)
    assert status == 200 and updated["data"] == {"a": "3", "other": "x"}
    again = await call(http, "PATCH", path, {**config, "data": {"a": "3"}}, apply)
    assert again[1]["metadata"]["resourceVersion"] == updated["metadata"]["resourceVersion"]


async def test_deployments_become_ready_and_selectors_are_immutable(
    cluster: Cluster, http: aiohttp.ClientSession
) -> None:
    path = "/apis/apps/v1/namespaces/default/deployments"
    labels = {"app": "x"}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {}},
        },
    }
    assert (await call(http, "POST", path, deployment))[0] == 201
    await asyncio.sleep(0.05)
    _, ready = await call(http, "GET", f"{path}/d")
    assert ready["status"]["readyReplicas"] == 2 and ready["status"]["observedGeneration"] == 1
    moved = {
        "selector": {"matchLabels": {"app": "y"}},
        "template": {"metadata": {"labels": {"app": "y"}}},
    }
    status, answer = await call(http, "PATCH", f"{path}/d", {"spec": moved}, MERGE)
    assert (
        status == 422 and "spec.selector" in answer["message"] and "immutable" in answer["message"]
    )


async def test_namespaces_must_exist_and_discovery_lists_the_crds(
    http: aiohttp.ClientSession,
) -> None:
    status, answer = await call(
        http, "POST", "/api/v1/namespaces/nowhere/configmaps", {"metadata": {"name": "c"}}
    )
    assert (status, answer["reason"]) == (404, "NotFound")
    _, resources = await call(http, "GET", "/apis/tradeplane.io/v1alpha1")
    by_name = {r["name"]: r for r in resources["resources"]}
    assert by_name["symboluniverses"]["shortNames"] == ["su", "universe"]
    assert by_name["symboluniverses"]["categories"] == ["tradeplane"]
    assert "symboluniverses/status" in by_name and by_name["tradingstrategies"]["namespaced"]
