"""plan_strategy: tracks, single-writer execution, credentials by reference only."""

from __future__ import annotations

import json
from typing import Any

import yaml

from tradeplane.operator import naming
from tradeplane.operator.api import SymbolUniverseSpec, TradingStrategySpec
from tradeplane.operator.config import load_operator_config
from tradeplane.operator.planning import StrategyInputs, plan_strategy, spec_revision
from tradeplane.operator.planning.rollout import RolloutState

CONFIG = load_operator_config(None, image={"repository": "repo.test/tp", "tag": "9.9.9"})
UNIVERSES = {"majors": SymbolUniverseSpec(), "alts": SymbolUniverseSpec(quote="USDC")}
LIVE = {
    "universeRef": {"name": "majors"},
    "mode": "live",
    "credentialsSecretRef": {"name": "exchange-keys", "passphraseKey": "passphrase"},
    "risk": {"maxNotionalPerOrder": 500, "maxDrawdown": 0.1},
}


def strategy(spec: dict[str, Any], name: str = "trend") -> dict[str, Any]:
    return {
        "apiVersion": naming.API_VERSION,
        "kind": naming.STRATEGY_KIND,
        "metadata": {"name": name, "namespace": "trading", "uid": "uid-7", "generation": 3},
        "spec": spec,
    }


def plan(
    spec: dict[str, Any], rollout: RolloutState | None = None, name: str = "trend"
) -> dict[tuple[str, str], Any]:
    body = strategy(spec, name)
    parsed = TradingStrategySpec.model_validate(spec)
    inputs = StrategyInputs(
        universes=UNIVERSES,
        rollout=rollout or RolloutState(),
        config=CONFIG,
        nats_url="nats://nats:4222",
    )
    return {(m["kind"], m["metadata"]["name"]): m for m in plan_strategy(body, parsed, inputs)}


def files(children: dict[tuple[str, str], Any], config_map: str) -> dict[str, Any]:
    data = children[("ConfigMap", config_map)]["data"]
    return {name: yaml.safe_load(text) for name, text in data.items()}


def test_a_stable_strategy_is_signals_and_a_single_writer_execution() -> None:
    children = plan({"universeRef": {"name": "majors"}})
    assert sorted(children) == sorted(
        [("ConfigMap", "trend-strategy")]
        + [
            (kind, f"trend-{c}")
            for c in ("signals", "execution")
            for kind in ("Deployment", "Service")
        ]
    )
    execution = children[("Deployment", "trend-execution")]["spec"]
    assert execution["replicas"] == 1 and execution["strategy"] == {"type": "Recreate"}
    signals = children[("Deployment", "trend-signals")]["spec"]
    assert signals["strategy"]["type"] == "RollingUpdate"
    assert execution["template"]["spec"]["containers"][0]["command"][-2:] == ["serve", "execution"]


def test_live_mode_reads_credentials_from_the_secret_by_reference() -> None:
    children = plan(LIVE)
    container = children[("Deployment", "trend-execution")]["spec"]["template"]["spec"][
        "containers"
    ][0]
    references = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in container["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    }
    assert references == {
        "TRADEPLANE_EXCHANGE__API_KEY": {"name": "exchange-keys", "key": "apiKey"},
        "TRADEPLANE_EXCHANGE__API_SECRET": {"name": "exchange-keys", "key": "apiSecret"},
        "TRADEPLANE_EXCHANGE__PASSPHRASE": {"name": "exchange-keys", "key": "passphrase"},
    }
    signals = children[("Deployment", "trend-signals")]["spec"]["template"]["spec"]["containers"][0]
    assert "secretKeyRef" not in json.dumps(signals)  # only execution talks to the venue
    # Nothing holds a value: the ConfigMap does not even name the Secret's keys.
    config_map = json.dumps(children[("ConfigMap", "trend-strategy")])
    assert "exchange-keys" not in config_map and "apiSecret" not in config_map
    assert all("value" not in e for e in container["env"] if e["name"].startswith("TRADEPLANE_EX"))


def test_paper_mode_never_references_credentials() -> None:
    paper = {**LIVE, "mode": "paper"}
    assert "secretKeyRef" not in json.dumps(list(plan(paper).values()))


def test_the_strategy_file_carries_the_universe_and_the_allocation_file_the_capital() -> None:
    children = plan({"universeRef": {"name": "alts"}, "capital": 5000})
    content = files(children, "trend-strategy")
    strategy_file, allocation = content["strategy.yaml"], content["allocation.yaml"]
    assert strategy_file["universe"]["busName"] == "trading-alts"
    assert strategy_file["universe"]["quote"] == "USDC"
    assert strategy_file["busName"] == "trading-trend" and strategy_file["track"] == "stable"
    assert allocation == {
        "track": "stable",
        "revision": allocation["revision"],
        "capitalFraction": 1.0,
        "capital": 5000.0,
    }


def test_a_canary_runs_beside_the_stable_revision_with_its_share() -> None:
    old = TradingStrategySpec.model_validate({"universeRef": {"name": "majors"}})
    new = {"universeRef": {"name": "majors"}, "signals": {"minConfidence": 0.8}}
    state = RolloutState(
        phase="Progressing",
        stable_revision=spec_revision(old),
        stable_spec=old.wire(),
        canary_revision="c" * 10,
        canary_weight=30,
        step=1,
    )
    children = plan(new, state)
    assert ("Deployment", "trend-execution-canary") in children
    stable, canary = files(children, "trend-strategy"), files(children, "trend-strategy-canary")
    assert stable["strategy.yaml"]["signals"]["minConfidence"] == 0.6
    assert canary["strategy.yaml"]["signals"]["minConfidence"] == 0.8
    assert (
        stable["allocation.yaml"]["capitalFraction"],
        canary["allocation.yaml"]["capitalFraction"],
    ) == (0.7, 0.3)
    assert canary["strategy.yaml"]["busName"] == "trading-trend-canary"
    canary_labels = children[("Deployment", "trend-execution-canary")]["spec"]["selector"][
        "matchLabels"
    ]
    stable_labels = children[("Deployment", "trend-execution")]["spec"]["selector"]["matchLabels"]
    assert (
        canary_labels[naming.LABEL_TRACK] == "canary"
        and stable_labels[naming.LABEL_TRACK] == "stable"
    )


def test_a_weight_change_alone_does_not_restart_pods() -> None:
    old = TradingStrategySpec.model_validate({"universeRef": {"name": "majors"}})
    base = RolloutState(stable_revision=spec_revision(old), stable_spec=old.wire())
    steps = [
        RolloutState(
            **{
                **base.__dict__,
                "canary_revision": "c" * 10,
                "canary_weight": w,
                "phase": "Progressing",
            }
        )
        for w in (20, 40)
    ]
    hashes = [
        plan({"universeRef": {"name": "majors"}}, state)[("Deployment", "trend-execution")]["spec"][
            "template"
        ]["metadata"]["annotations"][naming.ANNOTATION_CONFIG_HASH]
        for state in steps
    ]
    assert hashes[0] == hashes[1]


def test_revision_ignores_rollout_settings_only() -> None:
    base = {"universeRef": {"name": "majors"}}
    revision = spec_revision(TradingStrategySpec.model_validate(base))
    slower = {**base, "rollout": {"canary": {"pauseSeconds": 999}}}
    assert spec_revision(TradingStrategySpec.model_validate(slower)) == revision
    other = {**base, "capital": 1.0}
    assert spec_revision(TradingStrategySpec.model_validate(other)) != revision


def test_long_names_stay_within_63_characters() -> None:
    name = "s" * naming.MAX_STRATEGY_NAME
    state = RolloutState(phase="Progressing", canary_revision="c" * 10, canary_weight=10)
    for (_, child), manifest in plan({"universeRef": {"name": "majors"}}, state, name).items():
        assert len(child) <= 63
        assert all(len(v) <= 63 for v in manifest["metadata"]["labels"].values())
