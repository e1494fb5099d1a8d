"""The kopf handlers: when to reconcile, and how errors become retries.

Each resource is reconciled on create/update/resume, every `timings.resync_seconds`
(drift, figures, canary steps) and at once when one of its children is deleted. Errors
map to kopf's: a missing dependency or an unavailable NATS/API is a TemporaryError with
exponential backoff; a spec that cannot work is a PermanentError (until it changes).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import kopf

from tradeplane.bus import BusError
from tradeplane.errors import TemporaryError
from tradeplane.operator import naming
from tradeplane.operator.errors import InvalidSpec, KubernetesRejected, ReconcileProblem
from tradeplane.operator.kube import KubeClient
from tradeplane.operator.login import connection_info
from tradeplane.operator.runtime import Runtime
from tradeplane.operator.strategies import reconcile_strategy
from tradeplane.operator.universes import finalize_universe, reconcile_universe

logger = logging.getLogger(__name__)

UNIVERSES = (naming.GROUP, naming.VERSION, naming.UNIVERSE_PLURAL)
STRATEGIES = (naming.GROUP, naming.VERSION, naming.STRATEGY_PLURAL)
CHILDREN = (("apps", "v1", "deployments"), ("", "v1", "services"), ("", "v1", "configmaps"))
MANAGED = {naming.LABEL_MANAGED_BY: naming.MANAGED_BY}

Reconciler = Callable[[Runtime, str, str], Awaitable[None]]
RECONCILERS: dict[str, Reconciler] = {
    naming.UNIVERSE_KIND: reconcile_universe,
    naming.STRATEGY_KIND: reconcile_strategy,
}


async def guarded(runtime: Runtime, work: Awaitable[None], *, retry: int) -> None:
    """Run `work`, translating the operator's errors into kopf's retry semantics."""
    try:
        await work
    except InvalidSpec as error:
        raise kopf.PermanentError(f"{error.field}: {error}") from error
    except ReconcileProblem as error:
        raise kopf.TemporaryError(
            f"{error.field}: {error}", delay=runtime.backoff(retry)
        ) from error
    except (TemporaryError, BusError) as error:
        raise kopf.TemporaryError(str(error), delay=runtime.backoff(retry)) from error
    except KubernetesRejected as error:
        if error.status == 409:
            raise kopf.TemporaryError(str(error), delay=runtime.backoff(retry)) from error
        raise kopf.PermanentError(str(error)) from error


def reconcile_handler(runtime: Runtime, reconcile: Reconciler) -> Callable[..., Awaitable[None]]:
    """A kopf change/timer handler that reconciles the object it is called for."""

    async def handler(*, namespace: str | None, name: str, retry: int, **_: Any) -> None:
        await guarded(runtime, reconcile(runtime, namespace or "", name), retry=retry)

    return handler


def drift_handler(runtime: Runtime) -> Callable[..., Awaitable[None]]:
    """A kopf event handler: a deleted child reconciles its owner at once."""

    async def handler(
        *, type: str, body: kopf.Body, namespace: str | None, name: str, **_: Any
    ) -> None:
        if type != "DELETED":
            return
        for reference in body.get("metadata", {}).get("ownerReferences") or []:
            reconcile_owner = RECONCILERS.get(reference.get("kind", ""))
            if not reference.get("controller") or reconcile_owner is None:
                continue
            logger.info(
                "child %s/%s deleted; reconciling %s %s",
                namespace,
                name,
                reference["kind"],
                reference["name"],
            )
            try:
                await reconcile_owner(runtime, namespace or "", reference["name"])
            except (ReconcileProblem, TemporaryError, BusError, KubernetesRejected) as error:
                logger.warning("drift repair deferred to the next resync: %s", error)

    return handler


def register(registry: kopf.OperatorRegistry, runtime: Runtime) -> None:
    """Register every handler of the operator in `registry`."""
    resync = runtime.config.timings.resync_seconds

    @kopf.on.login(registry=registry)
    def login(**_: Any) -> kopf.ConnectionInfo:
        info = connection_info(runtime.config.kubeconfig)
        if runtime.kube is None:
            runtime.kube = KubeClient(
                info, relogin=lambda: connection_info(runtime.config.kubeconfig)
            )
        return info

    @kopf.on.cleanup(registry=registry)
    async def cleanup(**_: Any) -> None:
        await runtime.close()

    for kind, resource in ((naming.UNIVERSE_KIND, UNIVERSES), (naming.STRATEGY_KIND, STRATEGIES)):
        handler = reconcile_handler(runtime, RECONCILERS[kind])
        for decorator in (kopf.on.resume, kopf.on.create, kopf.on.update):
            decorator(*resource, registry=registry, id="reconcile")(handler)
        kopf.timer(
            *resource, registry=registry, id="resync", interval=resync, initial_delay=resync
        )(handler)

    @kopf.on.delete(*UNIVERSES, registry=registry, id="finalize")
    async def universe_deleted(
        *, namespace: str | None, name: str, spec: kopf.Spec, retry: int, **_: Any
    ) -> None:
        work = finalize_universe(runtime, namespace or "", name, dict(spec))
        await guarded(runtime, work, retry=retry)

    for group, version, plural in CHILDREN:
        kopf.on.event(group, version, plural, registry=registry, labels=MANAGED, id="drift")(
            drift_handler(runtime)
        )
