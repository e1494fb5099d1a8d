"""Reconciling a SymbolUniverse: plan, apply, provision its JetStream resources, report
status; and finalizing one: stop its pods, then remove its streams and buckets."""

from __future__ import annotations

import logging
from typing import Any

from tradeplane import screening
from tradeplane.bus import BusError, BusUnavailable
from tradeplane.operator import applying, figures, naming
from tradeplane.operator.api.universe import SymbolUniverseSpec
from tradeplane.operator.errors import (
    InvalidSpec,
    KubernetesUnavailable,
    ReconcileProblem,
    StillDeleting,
)
from tradeplane.operator.planning.conditions import readiness, readiness_conditions
from tradeplane.operator.planning.universe import plan_streams, plan_universe
from tradeplane.operator.runtime import Runtime, child_names, parse_spec, transition_events

logger = logging.getLogger(__name__)


def validate_stages(stages: dict[str, Any]) -> None:
    """Check stage parameters with the screening library's own validation; raises
    InvalidSpec naming the field (`spec.stages.universe.quoteVolume.minUsd`)."""
    try:
        screening.load_config(stages, prefix="spec.stages")
    except screening.InvalidScreeningConfig as error:
        raise InvalidSpec(str(error), field=error.field or "spec.stages") from None


async def reconcile_universe(runtime: Runtime, namespace: str, name: str) -> None:
    """Bring the universe's children, streams and status in line with its spec.

    Raises ReconcileProblem (status says Degraded, naming the field), BusUnavailable or
    KubernetesUnavailable (retry with backoff) after the status has been written.
    """
    client = runtime.client()
    async with runtime.lock(naming.UNIVERSE_KIND, namespace, name):
        body = await client.get(naming.UNIVERSE_KIND, namespace, name)
        if body is None or body["metadata"].get("deletionTimestamp"):
            return
        status_before: dict[str, Any] = body.get("status") or {}
        generation = int(body["metadata"].get("generation", 1))
        deployments = child_names(name, naming.UNIVERSE_COMPONENTS)
        applied: dict[applying.ChildKey, dict[str, Any]] = {}
        streams: list[str] = list(status_before.get("streams", []))
        degraded: tuple[str, str] | None = None
        failure: Exception | None = None
        spec: SymbolUniverseSpec | None = None
        try:
            spec = parse_spec(SymbolUniverseSpec, body)
            validate_stages(spec.stages)
            manifests = plan_universe(body, spec, config=runtime.config, nats_url=runtime.nats_url)
            applied = await applying.apply_all(
                client, manifests, field_manager=runtime.config.field_manager
            )
            await applying.prune(
                client,
                namespace=namespace,
                owner_uid=body["metadata"]["uid"],
                owner_label=naming.LABEL_UNIVERSE,
                owner_name=name,
                keep=applied,
            )
            streams = await runtime.jetstream.ensure(plan_streams(namespace, name, spec))
        except ReconcileProblem as problem:
            degraded, failure = (problem.reason, f"{problem.field}: {problem}"), problem
        except (BusUnavailable, BusError) as error:
            degraded, failure = ("NatsUnavailable", str(error)), error
        except KubernetesUnavailable as error:
            degraded, failure = ("KubernetesUnavailable", str(error)), error

        status = dict(status_before)
        components = applying.deployment_readiness(applied, deployments)
        if not applied:  # planning failed: report what exists
            components = [
                readiness(await client.get("Deployment", namespace, deployment), deployment)
                for deployment in deployments
            ]
        screener = figures.universe_figures(
            await figures.scrape(
                runtime.metrics_url(naming.child_name(name, "screener"), namespace),
                timeout_seconds=runtime.config.metrics.timeout_seconds,
            )
            or ""
        )
        if screener.symbols_screened is not None:
            status["symbolsScreened"] = screener.symbols_screened
            status["selection"] = list(screener.selection)
            status["selectedCount"] = len(screener.selection)
        conditions = readiness_conditions(
            status_before.get("conditions", []),
            components,
            degraded=degraded,
            progressing=None,
            now=runtime.now(),
            generation=generation,
        )
        status.update(
            observedGeneration=generation,
            conditions=conditions,
            components=[component.wire() for component in components],
            streams=streams,
            gpuScheduled=bool(spec and spec.indicators.gpu == "required"),
        )
        await client.patch_status(naming.UNIVERSE_KIND, namespace, name, status)
        transition_events(body, status_before.get("conditions", []), conditions)
        if failure is not None:
            raise failure


async def finalize_universe(runtime: Runtime, namespace: str, name: str, spec: Any) -> None:
    """Stop the universe's pods (so none re-creates a stream), then delete its streams
    and KV bucket. Raises (the finalizer stays and kopf retries) until all are gone."""
    client = runtime.client()
    async with runtime.lock(naming.UNIVERSE_KIND, namespace, name):
        deployments = child_names(name, naming.UNIVERSE_COMPONENTS)
        remaining = await applying.delete_children(client, "Deployment", namespace, deployments)
        if remaining:
            raise StillDeleting(
                f"waiting for deployments {', '.join(remaining)} to be deleted before "
                "removing the universe's streams"
            )
        try:
            universe_spec = SymbolUniverseSpec.model_validate(spec or {})
        except ValueError:
            universe_spec = SymbolUniverseSpec()
        removed = await runtime.jetstream.remove(plan_streams(namespace, name, universe_spec))
        logger.info("universe finalized", extra={"universe": name, "removed": removed})
