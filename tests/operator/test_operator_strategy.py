"""The real operator against the emulated API server: a TradingStrategy becomes its
signals and execution services; missing references are Degraded and retried; spec changes
roll out as a canary judged on its metrics, promoted or rolled back."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import yaml

from tests.operator.conftest import Cluster, FakeMetrics, eventually
from tests.operator.test_operator_universe import condition
from tradeplane.operator import naming

STRATEGY = "momentum-paper"
HEALTHY = (
    'tradeplane_execution_orders_total{outcome="filled"} 40\n'
    'grpc_server_handled_total{grpc_code="OK",grpc_method="Submit",grpc_service="s",'
    'grpc_type="unary"} 60\n'
    "tradeplane_strategy_drawdown_ratio 0.01\n"
)
FAILING = (
    'tradeplane_execution_orders_total{outcome="filled"} 10\n'
    'tradeplane_execution_orders_total{outcome="rejected"} 10\n'
    "tradeplane_strategy_drawdown_ratio 0.0\n"
)


def settled(cluster: Cluster, name: str = STRATEGY) -> dict[str, Any] | None:
    """The strategy once its current generation is observed and it is Ready."""
    body = cluster.strategy(name)
    if (
        not body
        or body.get("status", {}).get("observedGeneration") != body["metadata"]["generation"]
    ):
        return None
    return body if condition(body, "Ready").get("status") == "True" else None


def strategy_file(cluster: Cluster, config_map: str, name: str = "strategy.yaml") -> Any:
    return yaml.safe_load(cluster.get("", "configmaps", config_map)["data"][name])


def capital_fraction(cluster: Cluster, config_map: str) -> float:
    return float(strategy_file(cluster, config_map, "allocation.yaml")["capitalFraction"])


def deployments(cluster: Cluster) -> set[str]:
    return {
        d["metadata"]["name"]
        for d in cluster.list("apps", "deployments")
        if d["metadata"]["labels"].get(naming.LABEL_STRATEGY)
    }


async def test_paper_strategy_gets_services_and_status(
    cluster: Cluster, operator: Any, examples: dict[str, Any], metrics: FakeMetrics
) -> None:
    metrics.texts[("default", f"{STRATEGY}-execution")] = (
        "tradeplane_strategy_pnl_quote 123.5\ntradeplane_strategy_drawdown_ratio 0.02\n"
    )
    async with operator():
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        cluster.create(copy.deepcopy(examples["tradingstrategy-paper"]))
        strategy = await eventually(lambda: settled(cluster), what="strategy Ready")
        await eventually(lambda: cluster.events("Deployed"), what="a Deployed event")

    assert deployments(cluster) == {f"{STRATEGY}-signals", f"{STRATEGY}-execution"}
    execution = cluster.get("apps", "deployments", f"{STRATEGY}-execution")["spec"]
    assert execution["replicas"] == 1 and execution["strategy"] == {"type": "Recreate"}
    container = execution["template"]["spec"]["containers"][0]
    assert container["command"][-2:] == ["serve", "execution"]
    assert not any("secretKeyRef" in json.dumps(env) for env in container["env"])
    document = strategy_file(cluster, f"{STRATEGY}-strategy")
    assert capital_fraction(cluster, f"{STRATEGY}-strategy") == 1.0 and document["mode"] == "paper"
    assert document["universe"]["exchange"] == "binance"
    status = strategy["status"]
    assert status["phase"] == "Running"
    assert status["rollout"]["phase"] == "Stable" and len(status["rollout"]["stableRevision"]) == 10
    assert status["rollout"]["canaryRevision"] == "" and status["rollout"]["canaryWeight"] == 0
    assert status["pnl"] == 123.5 and status["drawdown"] == 0.02


async def test_missing_universe_is_degraded_naming_the_field_then_retried(
    cluster: Cluster, operator: Any, examples: dict[str, Any]
) -> None:
    async with operator():
        cluster.create(copy.deepcopy(examples["tradingstrategy-paper"]))
        degraded = await eventually(
            lambda: (
                condition(cluster.strategy(STRATEGY), "Degraded").get("reason")
                == "UniverseNotFound"
                and cluster.strategy(STRATEGY)
            ),
            what="Degraded UniverseNotFound",
        )
        message = condition(degraded, "Degraded")["message"]
        assert message.startswith("spec.universeRef.name:") and "binance-usdt" in message
        assert degraded["status"]["phase"] == "Degraded"
        assert deployments(cluster) == set()
        await eventually(lambda: cluster.events("UniverseNotFound"), what="a Warning event")

        cluster.create(copy.deepcopy(examples["symboluniverse"]))  # the retry succeeds
        strategy = await eventually(lambda: settled(cluster), what="strategy Ready")
        assert condition(strategy, "Degraded")["status"] == "False"
        await eventually(lambda: cluster.events("Recovered"), what="a Recovered event")


async def test_live_strategy_uses_its_secret_only_by_reference(
    cluster: Cluster, operator: Any, examples: dict[str, Any]
) -> None:
    live = copy.deepcopy(examples["tradingstrategy-paper"])
    live["metadata"]["name"] = "momentum-live"
    live["spec"].update(mode="live", credentialsSecretRef={"name": "binance-keys"})
    secret_values = {"apiKey": "AKIA-NEVER-COPY-ME", "apiSecret": "s3cr3t-NEVER-COPY-ME"}
    async with operator():
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        cluster.create(live)
        await eventually(
            lambda: (
                condition(cluster.strategy("momentum-live"), "Degraded").get("reason")
                == "SecretNotFound"
            ),
            what="Degraded SecretNotFound",
        )
        encoded = {k: base64.b64encode(v.encode()).decode() for k, v in secret_values.items()}
        cluster.create(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": {"name": "binance-keys"},
                "data": {"apiKey": encoded["apiKey"]},
            }
        )
        missing_key = await eventually(
            lambda: (
                condition(cluster.strategy("momentum-live"), "Degraded").get("reason")
                == "SecretKeyNotFound"
                and cluster.strategy("momentum-live")
            ),
            what="Degraded SecretKeyNotFound",
        )
        assert (
            "spec.credentialsSecretRef.apiSecretKey"
            in condition(missing_key, "Degraded")["message"]
        )
        cluster.patch("", "secrets", "binance-keys", {"data": encoded})
        await eventually(lambda: settled(cluster, "momentum-live"), what="live strategy Ready")

    pod = cluster.get("apps", "deployments", "momentum-live-execution")["spec"]["template"]
    env = {item["name"]: item for item in pod["spec"]["containers"][0]["env"]}
    assert env["TRADEPLANE_EXCHANGE__API_KEY"]["valueFrom"]["secretKeyRef"] == {
        "name": "binance-keys",
        "key": "apiKey",
    }
    everything = json.dumps(
        [
            item
            for group, plural in (
                ("apps", "deployments"),
                ("", "configmaps"),
                ("", "services"),
                (naming.GROUP, naming.STRATEGY_PLURAL),
                ("", "events"),
            )
            for item in cluster.list(group, plural)
        ]
    )
    for value in [*secret_values.values(), *encoded.values()]:
        assert value not in everything


async def test_spec_change_rolls_out_a_canary_in_steps_then_promotes(
    cluster: Cluster, operator: Any, examples: dict[str, Any], metrics: FakeMetrics
) -> None:
    strategy = copy.deepcopy(examples["tradingstrategy-paper"])
    strategy["spec"]["rollout"]["canary"].update(weight=40, pauseSeconds=1, minSamples=10)
    for component in ("signals", "execution"):
        metrics.texts[("default", f"{STRATEGY}-{component}-canary")] = HEALTHY
    async with operator():
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        cluster.create(strategy)
        first = await eventually(lambda: settled(cluster), what="strategy Ready")
        stable_revision = first["status"]["rollout"]["stableRevision"]

        cluster.patch(
            naming.GROUP,
            naming.STRATEGY_PLURAL,
            STRATEGY,
            {"spec": {"signals": {"minConfidence": 0.7}}},
        )
        progressing = await eventually(
            lambda: (
                cluster.strategy(STRATEGY)["status"]["rollout"]["canaryWeight"] == 40
                and cluster.strategy(STRATEGY)
            ),
            what="canary step 1 at 40 %",
        )
        rollout = progressing["status"]["rollout"]
        assert rollout["phase"] == "Progressing" and rollout["stableRevision"] == stable_revision
        assert progressing["status"]["observedGeneration"] == 2
        assert condition(progressing, "Progressing")["reason"] == "CanaryStep"
        assert deployments(cluster) == {
            f"{STRATEGY}-signals",
            f"{STRATEGY}-execution",
            f"{STRATEGY}-signals-canary",
            f"{STRATEGY}-execution-canary",
        }
        canary_file = strategy_file(cluster, f"{STRATEGY}-strategy-canary")
        stable_file = strategy_file(cluster, f"{STRATEGY}-strategy")
        fractions = [
            capital_fraction(cluster, f"{STRATEGY}-strategy{suffix}") for suffix in ("-canary", "")
        ]
        assert fractions == [0.4, 0.6]
        assert (
            canary_file["signals"]["minConfidence"],
            stable_file["signals"]["minConfidence"],
        ) == (0.7, 0.6)
        canary_revision = rollout["canaryRevision"]
        assert canary_file["revision"] == canary_revision != stable_revision

        await eventually(
            lambda: cluster.strategy(STRATEGY)["status"]["rollout"]["canaryWeight"] == 80,
            what="canary step 2 at 80 %",
        )
        promoted = await eventually(
            lambda: (
                cluster.strategy(STRATEGY)["status"]["rollout"]["stableRevision"] == canary_revision
                and cluster.strategy(STRATEGY)
            ),
            what="promotion",
        )
        await eventually(
            lambda: deployments(cluster) == {f"{STRATEGY}-signals", f"{STRATEGY}-execution"},
            what="canary children removed",
        )
        await eventually(lambda: cluster.events("Promoted"), what="a Promoted event")

    assert promoted["status"]["rollout"]["phase"] == "Stable"
    assert cluster.get("", "configmaps", f"{STRATEGY}-strategy-canary") is None
    stable_file = strategy_file(cluster, f"{STRATEGY}-strategy")
    assert stable_file["signals"]["minConfidence"] == 0.7
    assert capital_fraction(cluster, f"{STRATEGY}-strategy") == 1.0
    assert stable_file["revision"] == canary_revision
    reasons = [event["reason"] for event in cluster.events()]
    assert reasons.count("CanaryStarted") == 1 and reasons.count("CanaryStepAdvanced") == 1


async def test_a_canary_breaking_its_limits_is_rolled_back(
    cluster: Cluster, operator: Any, examples: dict[str, Any], metrics: FakeMetrics
) -> None:
    strategy = copy.deepcopy(examples["tradingstrategy-paper"])
    strategy["spec"]["rollout"]["canary"].update(weight=20, pauseSeconds=3600, maxErrorRate=0.05)
    metrics.texts[("default", f"{STRATEGY}-execution-canary")] = FAILING
    async with operator():
        cluster.create(copy.deepcopy(examples["symboluniverse"]))
        cluster.create(strategy)
        first = await eventually(lambda: settled(cluster), what="strategy Ready")
        stable_revision = first["status"]["rollout"]["stableRevision"]
        cluster.patch(
            naming.GROUP,
            naming.STRATEGY_PLURAL,
            STRATEGY,
            {"spec": {"sizing": {"maxPositions": 9}}},
        )
        rolled_back = await eventually(
            lambda: (
                cluster.strategy(STRATEGY)["status"]["rollout"]["phase"] == "RolledBack"
                and cluster.strategy(STRATEGY)
            ),
            what="rollback",
        )
        await eventually(lambda: cluster.events("RolledBack"), what="a RolledBack event")
        await eventually(
            lambda: deployments(cluster) == {f"{STRATEGY}-signals", f"{STRATEGY}-execution"},
            what="canary children removed",
        )

    rollout = rolled_back["status"]["rollout"]
    assert rollout["stableRevision"] == stable_revision and rollout["canaryRevision"] == ""
    assert rollout["rolledBackRevision"] != stable_revision
    assert "error rate 50.00%" in rollout["message"] and "maxErrorRate" in rollout["message"]
    degraded = condition(rolled_back, "Degraded")
    assert (degraded["status"], degraded["reason"]) == ("True", "CanaryRolledBack")
    assert condition(rolled_back, "Ready")["status"] == "True"  # the stable revision serves
    assert rolled_back["status"]["observedGeneration"] == 2
    assert strategy_file(cluster, f"{STRATEGY}-strategy")["sizing"]["maxPositions"] == 5
    (event,) = cluster.events("RolledBack")
    assert event["type"] == "Warning" and event["involvedObject"]["name"] == STRATEGY
