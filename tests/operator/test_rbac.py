"""The operator's RBAC: current, valid, and enough for everything the operator does (every
request it made during a whole lifecycle is allowed), cluster-wide and per namespace."""

from __future__ import annotations

import base64
import copy
from typing import Any

import kubernetes_validate
import yaml

from tests.operator.conftest import Cluster, eventually
from tests.operator.test_operator_strategy import settled
from tests.operator.test_operator_universe import ready
from tradeplane.operator import naming, rbac

CHILDREN = ("deployments", "services", "configmaps")
MANAGED = f"{naming.LABEL_MANAGED_BY}={naming.MANAGED_BY}"


def verb(request: Any) -> str:
    method = str(request.method.value).upper()
    if method == "GET":
        return (
            "watch"
            if request.params.get("watch") in ("true", "1")
            else ("get" if request.name else "list")
        )
    return {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}[method]


def operator_requests(cluster: Cluster) -> list[tuple[str, str, str, str | None]]:
    """(group, resource, verb, namespace) of every API request the operator made."""
    seen = []
    for request in cluster.emulator:
        agent = request.headers.get("User-Agent", "")
        if request.resource is None or not request.resource.plural:
            continue  # discovery needs no RBAC
        if agent.startswith(("kopf/", "tradeplane-operator")):
            resource = request.resource.plural
            if request.subresource:
                resource += f"/{request.subresource}"
            seen.append((request.resource.group or "", resource, verb(request), request.namespace))
    return seen


def test_the_committed_rbac_is_current_and_valid() -> None:
    assert rbac.main(["--check"]) == 0, "run `python -m tradeplane.operator.rbac`"
    for document in yaml.safe_load_all(rbac.RBAC_FILE.read_text()):
        kubernetes_validate.validate(document, "1.34.0", strict=True)
    for document in rbac.manifests(watch_namespace="team-a"):
        kubernetes_validate.validate(document, "1.34.0", strict=True)


def test_secrets_are_only_read() -> None:
    for rule in rbac.rules():
        if "secrets" in rule["resources"]:
            assert rule["verbs"] == ["get"]


async def test_every_request_of_a_lifecycle_is_allowed(
    cluster: Cluster, operator: Any, examples: dict[str, Any]
) -> None:
    live = copy.deepcopy(examples["tradingstrategy-paper"])
    live["spec"].update(
        mode="live", credentialsSecretRef={"name": "keys"}, rollout={"strategy": "Immediate"}
    )
    secret = {key: base64.b64encode(b"x").decode() for key in ("apiKey", "apiSecret")}
    async with operator():
        cluster.create(
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "keys"}, "data": secret}
        )
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        cluster.create(live)
        await eventually(lambda: settled(cluster), what="strategy Ready")
        cluster.patch(
            naming.GROUP, naming.STRATEGY_PLURAL, "momentum-paper", {"spec": {"capital": 500}}
        )
        await eventually(lambda: settled(cluster), what="generation 2 Ready")
        cluster.delete("apps", "deployments", "momentum-paper-signals")
        await eventually(
            lambda: cluster.get("apps", "deployments", "momentum-paper-signals"),
            what="drift repaired",
        )
        cluster.delete(naming.GROUP, naming.UNIVERSE_PLURAL, "binance-usdt")
        await eventually(lambda: cluster.universe("binance-usdt") is None, what="finalized")

    requests = operator_requests(cluster)
    for request in cluster.emulator:  # children are watched filtered by the API server
        plural = request.resource.plural if request.resource else None
        if request.headers.get("User-Agent", "").startswith("kopf/") and plural in CHILDREN:
            assert request.params["labelSelector"] == MANAGED, request.url

    assert {request[2] for request in requests} >= {
        "get",
        "list",
        "watch",
        "patch",
        "create",
        "delete",
    }
    refused = {
        r[:3]
        for r in requests
        if not rbac.allows(rbac.rules(), group=r[0], resource=r[1], verb=r[2])
    }
    assert refused == set()


async def test_a_namespaced_operator_acts_in_its_namespace_with_a_role(
    cluster: Cluster, operator: Any, examples: dict[str, Any]
) -> None:
    cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}, None)
    async with operator(namespace="team-a"):
        cluster.create(copy.deepcopy(examples["symboluniverse"]), "team-a")
        cluster.create(copy.deepcopy(examples["symboluniverse"]), "default")
        await eventually(
            lambda: (
                (
                    body := cluster.get(
                        naming.GROUP, naming.UNIVERSE_PLURAL, "binance-usdt", "team-a"
                    )
                )
                and body.get("status", {}).get("conditions")
            ),
            what="team-a universe reconciled",
        )
        assert cluster.get("kopf.dev", "kopfpeerings", "tradeplane", "team-a") is not None
    assert len(cluster.list("apps", "deployments", "team-a")) == 3
    assert cluster.list("apps", "deployments", "default") == []
    assert not ready(cluster)  # the default-namespace universe was left alone

    granted = [*rbac.rules(cluster_wide=False), *rbac.cluster_reads(cluster_wide=False)]
    for group, resource, action, namespace in operator_requests(cluster):
        assert rbac.allows(granted, group=group, resource=resource, verb=action), resource
        if resource not in ("customresourcedefinitions", "namespaces"):
            assert namespace == "team-a", (resource, action)
