"""kopf peering: of two operator replicas only the highest-priority one acts; when it
stops, the other takes over."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from tests.operator.conftest import Cluster, eventually
from tests.operator.test_operator_universe import ready


def managers(cluster: Cluster) -> set[str]:
    return {r.params["fieldManager"] for r in cluster.emulator if r.params.get("fieldManager")}


def peers(cluster: Cluster) -> list[dict[str, Any]]:
    peering = cluster.get("kopf.dev", "clusterkopfpeerings", "tradeplane", "") or {}
    return list((peering.get("status") or {}).values())


def screener_image(cluster: Cluster) -> str:
    deployment = cluster.get("apps", "deployments", "binance-usdt-screener") or {}
    containers = deployment.get("spec", {}).get("template", {}).get("spec", {}).get("containers")
    return str(containers[0]["image"]) if containers else ""


async def test_only_the_highest_priority_replica_acts_until_it_stops(
    cluster: Cluster, operator: Any, examples: dict[str, Any]
) -> None:
    async with operator(
        peering={"priority": 10}, field_manager="replica-low", image={"tag": "low"}
    ):
        async with operator(
            peering={"priority": 100}, field_manager="replica-high", image={"tag": "high"}
        ):
            await eventually(
                lambda: sorted(peer["priority"] for peer in peers(cluster)) == [10, 100],
                what="both replicas in the peering object",
            )
            await asyncio.sleep(0.5)  # the low one has seen the high one and paused
            cluster.create(copy.deepcopy(examples["symboluniverse"]))
            await eventually(lambda: ready(cluster), what="universe Ready")
            await asyncio.sleep(1.5)  # a few resyncs of both replicas
            assert managers(cluster) == {"replica-high"}
            assert screener_image(cluster).endswith(":high")
        # The high-priority replica is gone (a rolling update, a crash): the other resumes.
        await eventually(
            lambda: screener_image(cluster).endswith(":low"), what="the remaining replica acting"
        )
    assert "replica-low" in managers(cluster)
