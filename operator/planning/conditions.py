"""Status conditions (Ready, Progressing, Degraded) and child readiness (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Condition = dict[str, Any]


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, as Kubernetes writes times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_condition(
    conditions: Sequence[Mapping[str, Any]],
    *,
    type: str,
    status: bool | str,
    reason: str,
    message: str,
    now: datetime,
    generation: int,
) -> list[Condition]:
    """`conditions` with `type` set; lastTransitionTime changes only when status does."""
    status_text = status if isinstance(status, str) else ("True" if status else "False")
    result: list[Condition] = []
    previous = next((dict(c) for c in conditions if c.get("type") == type), None)
    changed = previous is None or previous.get("status") != status_text
    condition = {
        "type": type,
        "status": status_text,
        "reason": reason,
        "message": message[:32768],
        "lastTransitionTime": timestamp(now)
        if changed
        else previous.get("lastTransitionTime", timestamp(now)),  # type: ignore[union-attr]
        "observedGeneration": generation,
    }
    for existing in conditions:
        result.append(condition if existing.get("type") == type else dict(existing))
    if previous is None:
        result.append(condition)
    order = {"Ready": 0, "Progressing": 1, "Degraded": 2}
    return sorted(result, key=lambda c: order.get(c.get("type", ""), 9))


def condition_status(conditions: Iterable[Mapping[str, Any]], type: str) -> str:
    return next((str(c.get("status")) for c in conditions if c.get("type") == type), "Unknown")


@dataclass(frozen=True)
class Readiness:
    """Readiness of one Deployment as reported by its status."""

    name: str
    ready_replicas: int
    replicas: int

    @property
    def ready(self) -> bool:
        return self.ready_replicas >= self.replicas

    def wire(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "readyReplicas": self.ready_replicas,
            "replicas": self.replicas,
            "ready": self.ready,
        }


def readiness(deployment: Mapping[str, Any] | None, name: str) -> Readiness:
    """A Deployment counts as ready once its controller has seen the current generation
    and every wanted replica is updated and ready; a missing one is not ready."""
    if not deployment:
        return Readiness(name=name, ready_replicas=0, replicas=1)
    spec, status = deployment.get("spec", {}), deployment.get("status", {}) or {}
    wanted = int(spec.get("replicas", 1))
    current = status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 1)
    ready = min(int(status.get("readyReplicas", 0)), int(status.get("updatedReplicas", 0)))
    return Readiness(name=name, ready_replicas=ready if current else 0, replicas=wanted)


def readiness_conditions(
    conditions: Sequence[Mapping[str, Any]],
    components: Sequence[Readiness],
    *,
    degraded: tuple[str, str] | None,
    progressing: tuple[str, str] | None,
    now: datetime,
    generation: int,
    degraded_blocks_ready: bool = True,
) -> list[Condition]:
    """Ready/Progressing/Degraded from the children and what the reconcile found.

    `degraded` and `progressing` are (reason, message) or None when not the case; a
    degradation that leaves the running revision serving (a rolled-back canary) passes
    `degraded_blocks_ready=False`.
    """
    waiting = [c.name for c in components if not c.ready]
    blocking = degraded if degraded_blocks_ready else None
    if blocking is None and not waiting:
        ready = (True, "ComponentsReady", f"{len(components)} deployments ready")
    elif blocking is not None:
        ready = (False, blocking[0], blocking[1])
    else:
        ready = (False, "ComponentsNotReady", "waiting for " + ", ".join(waiting))
    result = set_condition(
        conditions,
        type="Ready",
        status=ready[0],
        reason=ready[1],
        message=ready[2],
        now=now,
        generation=generation,
    )
    moving = progressing or (
        ("Deploying", "waiting for " + ", ".join(waiting)) if waiting else None
    )
    result = set_condition(
        result,
        type="Progressing",
        status=moving is not None,
        reason=moving[0] if moving else "Complete",
        message=moving[1] if moving else "the desired state is in place",
        now=now,
        generation=generation,
    )
    return set_condition(
        result,
        type="Degraded",
        status=degraded is not None,
        reason=degraded[0] if degraded else "AsExpected",
        message=degraded[1] if degraded else "",
        now=now,
        generation=generation,
    )
