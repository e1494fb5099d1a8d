"""TradingStrategy -> per track (stable, and canary during a rollout) a ConfigMap and the
signals and execution Deployments and Services (pure).

Execution is a single writer per track: one replica, `Recreate`. Credentials travel only
as Secret references (`secretKeyRef` env of the execution container); no secret value is
ever part of a plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tradeplane.operator import naming
from tradeplane.operator.api.strategy import TradingStrategySpec
from tradeplane.operator.api.universe import SymbolUniverseSpec
from tradeplane.operator.config import OperatorConfig
from tradeplane.operator.planning import workloads
from tradeplane.operator.planning.rollout import RolloutState
from tradeplane.operator.planning.workloads import Manifest, Workload

STRATEGY_FILE = "strategy.yaml"
#: The track's share of the capital; not part of the config hash, so a canary step does
#: not restart the pods (the kubelet refreshes the mounted file; services re-read it).
ALLOCATION_FILE = "allocation.yaml"
#: Environment variables the execution service reads its exchange credentials from.
CREDENTIAL_ENV = {
    "api_key_key": "TRADEPLANE_EXCHANGE__API_KEY",
    "api_secret_key": "TRADEPLANE_EXCHANGE__API_SECRET",
    "passphrase_key": "TRADEPLANE_EXCHANGE__PASSPHRASE",
}


def spec_revision(spec: TradingStrategySpec) -> str:
    """The revision of a spec: a hash of everything but how it is rolled out."""
    wire = spec.wire()
    wire.pop("rollout", None)
    return naming.content_hash(wire)


@dataclass(frozen=True)
class StrategyInputs:
    """What the plan needs besides the strategy: its universes and the rollout state."""

    universes: Mapping[str, SymbolUniverseSpec]
    rollout: RolloutState
    config: OperatorConfig
    nats_url: str


@dataclass(frozen=True)
class Track:
    """One running revision: `stable` or `canary`, with its share of the capital."""

    name: str
    revision: str
    spec: TradingStrategySpec
    weight: int

    def suffix(self) -> str:
        return "" if self.name == "stable" else self.name


def tracks(spec: TradingStrategySpec, state: RolloutState) -> list[Track]:
    """The tracks that run: stable (the recorded stable spec) and, during a rollout, the
    canary (the current spec)."""
    stable_spec = (
        TradingStrategySpec.model_validate(state.stable_spec) if state.stable_spec else spec
    )
    stable_revision = state.stable_revision or spec_revision(spec)
    result = [Track("stable", stable_revision, stable_spec, 100 - state.canary_weight)]
    if state.canary_active:
        result.append(Track("canary", state.canary_revision, spec, state.canary_weight))
    return result


def strategy_document(
    body: Mapping[str, Any], track: Track, universe: SymbolUniverseSpec
) -> dict[str, Any]:
    """`strategy.yaml`: what the signals and execution services of one track read."""
    metadata = body["metadata"]
    name, namespace = metadata["name"], metadata["namespace"]
    base = naming.bus_name(namespace, name)
    wire = track.spec.wire()
    return {
        "name": name,
        "namespace": namespace,
        "track": track.name,
        "revision": track.revision,
        "busName": base if track.name == "stable" else f"{base}-{track.name}",
        "strategyBusName": base,
        "mode": track.spec.mode,
        "universe": {
            "name": track.spec.universe_ref.name,
            "busName": naming.bus_name(namespace, track.spec.universe_ref.name),
            "exchange": universe.exchange,
            "marketType": universe.market_type,
            "quote": universe.quote,
            "timeframes": list(universe.timeframes),
        },
        "signals": {key: value for key, value in wire["signals"].items() if key != "resources"},
        "risk": wire.get("risk", {}),
        "sizing": wire["sizing"],
    }


def allocation_document(track: Track) -> dict[str, Any]:
    """`allocation.yaml`: the capital this track trades with right now."""
    return {
        "track": track.name,
        "revision": track.revision,
        "capitalFraction": track.weight / 100,
        "capital": track.spec.capital * track.weight / 100,
    }


def credential_env(spec: TradingStrategySpec) -> tuple[dict[str, Any], ...]:
    """secretKeyRef environment of the execution container (live mode only)."""
    reference = spec.credentials_secret_ref
    if spec.mode != "live" or reference is None:
        return ()
    env = []
    for field_name, variable in CREDENTIAL_ENV.items():
        key = getattr(reference, field_name)
        if key:
            env.append(
                {
                    "name": variable,
                    "valueFrom": {"secretKeyRef": {"name": reference.name, "key": key}},
                }
            )
    return tuple(env)


def plan_strategy(
    body: Mapping[str, Any], spec: TradingStrategySpec, inputs: StrategyInputs
) -> list[Manifest]:
    """Every Kubernetes object of the strategy in `body`, for each running track."""
    metadata = body["metadata"]
    name, namespace = metadata["name"], metadata["namespace"]
    config: OperatorConfig = inputs.config
    manifests: list[Manifest] = []
    for track in tracks(spec, inputs.rollout):
        universe = inputs.universes[track.spec.universe_ref.name]
        files = {
            "config.yaml": workloads.service_settings(config, nats_url=inputs.nats_url),
            STRATEGY_FILE: strategy_document(body, track, universe),
        }
        config_hash = naming.content_hash(files)
        files[ALLOCATION_FILE] = allocation_document(track)
        config_name = naming.child_name(name, "strategy", track.suffix())
        config_labels = naming.common_labels(
            owner_kind=naming.STRATEGY_KIND, owner_name=name, component="config", track=track.name
        )
        manifests.append(
            workloads.config_map(
                config_name, namespace, labels=config_labels, owner=body, files=files
            )
        )
        for component in naming.STRATEGY_COMPONENTS:
            component_spec = track.spec.signals if component == "signals" else track.spec.execution
            labels = naming.common_labels(
                owner_kind=naming.STRATEGY_KIND,
                owner_name=name,
                component=component,
                track=track.name,
            )
            labels[naming.LABEL_REVISION] = track.revision
            selector = workloads.selector_labels(labels)
            child = naming.child_name(name, component, track.suffix())
            workload = Workload(
                name=child,
                namespace=namespace,
                service=component,
                labels=labels,
                selector=selector,
                config_map=config_name,
                config_hash=config_hash,
                image=config.image.cpu,
                resources=workloads.resources(
                    component_spec.resources, getattr(config.resources, component)
                ),
                env=credential_env(track.spec) if component == "execution" else (),
                recreate=component == "execution",  # single writer: never two at once
            )
            manifests.append(workloads.deployment(workload, owner=body, config=config))
            manifests.append(
                workloads.service(
                    child, namespace, labels=labels, selector=selector, owner=body, config=config
                )
            )
    return manifests
