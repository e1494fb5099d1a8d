"""Reconciling a TradingStrategy: check what it refers to, advance its rollout on the
canary's live metrics, apply the stable (and canary) children, report status."""

from __future__ import annotations

import logging
from typing import Any

from tradeplane.operator import applying, figures, naming
from tradeplane.operator.api.strategy import TradingStrategySpec
from tradeplane.operator.api.universe import SymbolUniverseSpec
from tradeplane.operator.errors import (
    DependencyMissing,
    InvalidSpec,
    KubernetesUnavailable,
    ReconcileProblem,
)
from tradeplane.operator.kube import KubeClient
from tradeplane.operator.planning.conditions import readiness, readiness_conditions
from tradeplane.operator.planning.rollout import (
    CanaryHealth,
    RolloutDecision,
    RolloutState,
    decide_rollout,
)
from tradeplane.operator.planning.strategy import (
    StrategyInputs,
    plan_strategy,
    spec_revision,
    tracks,
)
from tradeplane.operator.runtime import (
    Runtime,
    child_names,
    parse_spec,
    post_event,
    transition_events,
)

logger = logging.getLogger(__name__)


async def load_universes(
    client: KubeClient, namespace: str, specs: list[TradingStrategySpec]
) -> dict[str, SymbolUniverseSpec]:
    """The universes the specs refer to; DependencyMissing naming the field if one is absent."""
    universes: dict[str, SymbolUniverseSpec] = {}
    for spec in specs:
        name = spec.universe_ref.name
        if name in universes:
            continue
        body = await client.get(naming.UNIVERSE_KIND, namespace, name)
        if body is None:
            raise DependencyMissing(
                f"SymbolUniverse {namespace}/{name} does not exist",
                field="spec.universeRef.name",
                reason="UniverseNotFound",
            )
        universes[name] = parse_spec(SymbolUniverseSpec, body)
    return universes


async def check_credentials(client: KubeClient, namespace: str, spec: TradingStrategySpec) -> None:
    """Live mode: the referenced Secret and keys exist (values are never read into status)."""
    reference = spec.credentials_secret_ref
    if spec.mode != "live" or reference is None:
        return
    secret = await client.get("Secret", namespace, reference.name)
    if secret is None:
        raise DependencyMissing(
            f"Secret {namespace}/{reference.name} does not exist",
            field="spec.credentialsSecretRef.name",
            reason="SecretNotFound",
        )
    present = set(secret.get("data") or {}) | set(secret.get("stringData") or {})
    for field_name, wire_name in (
        ("api_key_key", "apiKeyKey"),
        ("api_secret_key", "apiSecretKey"),
        ("passphrase_key", "passphraseKey"),
    ):
        key = getattr(reference, field_name)
        if key and key not in present:
            raise DependencyMissing(
                f"Secret {namespace}/{reference.name} has no key {key!r}",
                field=f"spec.credentialsSecretRef.{wire_name}",
                reason="SecretKeyNotFound",
            )


async def read_canary_health(runtime: Runtime, namespace: str, name: str) -> CanaryHealth:
    texts = [
        await figures.scrape(
            runtime.metrics_url(service, namespace),
            timeout_seconds=runtime.config.metrics.timeout_seconds,
        )
        for service in child_names(name, naming.STRATEGY_COMPONENTS, "canary")
    ]
    return figures.canary_health(texts)


async def decide(
    runtime: Runtime, body: dict[str, Any], spec: TradingStrategySpec
) -> RolloutDecision:
    metadata = body["metadata"]
    state = RolloutState.from_status(body.get("status"))
    revision = spec_revision(spec)
    health = None
    if state.canary_revision == revision:
        health = await read_canary_health(runtime, metadata["namespace"], metadata["name"])
    return decide_rollout(
        state,
        revision=revision,
        spec=spec.wire(),
        rollout=spec.rollout,
        now=runtime.now(),
        health=health,
    )


async def reconcile_strategy(runtime: Runtime, namespace: str, name: str) -> None:
    """Bring the strategy's children, rollout and status in line with its spec.

    Raises ReconcileProblem (Degraded, naming the field) or KubernetesUnavailable after
    the status has been written.
    """
    client = runtime.client()
    async with runtime.lock(naming.STRATEGY_KIND, namespace, name):
        body = await client.get(naming.STRATEGY_KIND, namespace, name)
        if body is None or body["metadata"].get("deletionTimestamp"):
            return
        status_before: dict[str, Any] = body.get("status") or {}
        generation = int(body["metadata"].get("generation", 1))
        state = RolloutState.from_status(status_before)
        applied: dict[applying.ChildKey, dict[str, Any]] = {}
        degraded: tuple[str, str] | None = None
        failure: Exception | None = None
        decision: RolloutDecision | None = None
        try:
            spec = parse_spec(TradingStrategySpec, body)
            stable = [t.spec for t in tracks(spec, state) if t.name == "stable"]
            universes = await load_universes(client, namespace, [spec, *stable])
            timeframes = universes[spec.universe_ref.name].timeframes
            if spec.signals.timeframe not in timeframes:
                raise InvalidSpec(
                    f"{spec.signals.timeframe} is not one of universe "
                    f"{spec.universe_ref.name}'s timeframes ({', '.join(timeframes)})",
                    field="spec.signals.timeframe",
                )
            await check_credentials(client, namespace, spec)
            decision = await decide(runtime, body, spec)
            state = decision.state
            inputs = StrategyInputs(
                universes=universes,
                rollout=state,
                config=runtime.config,
                nats_url=runtime.nats_url,
            )
            applied = await applying.apply_all(
                client,
                plan_strategy(body, spec, inputs),
                field_manager=runtime.config.field_manager,
            )
            await applying.prune(
                client,
                namespace=namespace,
                owner_uid=body["metadata"]["uid"],
                owner_label=naming.LABEL_STRATEGY,
                owner_name=name,
                keep=applied,
            )
        except ReconcileProblem as problem:
            degraded, failure = (problem.reason, f"{problem.field}: {problem}"), problem
        except KubernetesUnavailable as error:
            degraded, failure = ("KubernetesUnavailable", str(error)), error

        deployments = child_names(name, naming.STRATEGY_COMPONENTS)
        if state.canary_active:
            deployments += child_names(name, naming.STRATEGY_COMPONENTS, "canary")
        if applied:
            components = applying.deployment_readiness(applied, deployments)
        else:
            components = [
                readiness(await client.get("Deployment", namespace, deployment), deployment)
                for deployment in deployments
            ]
        status = await strategy_status(
            runtime, body, state=state, components=components, degraded=degraded
        )
        status["observedGeneration"] = generation
        await client.patch_status(naming.STRATEGY_KIND, namespace, name, status)
        if decision is not None and decision.event is not None:
            kind, reason, message = decision.event
            post_event(body, type=kind, reason=reason, message=message)
        transition_events(body, status_before.get("conditions", []), status["conditions"])
        if failure is not None:
            raise failure


async def strategy_status(
    runtime: Runtime,
    body: dict[str, Any],
    *,
    state: RolloutState,
    components: list[Any],
    degraded: tuple[str, str] | None,
) -> dict[str, Any]:
    """The status to write: conditions, phase, rollout, components and figures."""
    metadata = body["metadata"]
    status_before: dict[str, Any] = body.get("status") or {}
    rolled_back = state.phase == "RolledBack"
    problem = degraded or (("CanaryRolledBack", state.message) if rolled_back else None)
    conditions = readiness_conditions(
        status_before.get("conditions", []),
        components,
        degraded=problem,
        progressing=("CanaryStep", state.message) if state.canary_active else None,
        now=runtime.now(),
        generation=int(metadata.get("generation", 1)),
        degraded_blocks_ready=degraded is not None,
    )
    all_ready = all(component.ready for component in components)
    phase = (
        "Degraded"
        if problem
        else "Progressing"
        if state.canary_active
        else "Running"
        if all_ready
        else "Pending"
    )
    status: dict[str, Any] = {
        "conditions": conditions,
        "phase": phase,
        "components": [component.wire() for component in components],
        "rollout": state.wire(),
    }
    stable_execution = naming.child_name(metadata["name"], "execution")
    text = await figures.scrape(
        runtime.metrics_url(stable_execution, metadata["namespace"]),
        timeout_seconds=runtime.config.metrics.timeout_seconds,
    )
    reported = figures.strategy_figures(text or "")
    status["pnl"] = reported.pnl if reported.pnl is not None else status_before.get("pnl", 0.0)
    drawdown = reported.drawdown if reported.drawdown is not None else None
    status["drawdown"] = drawdown if drawdown is not None else status_before.get("drawdown", 0.0)
    return status
