"""The rollout state machine of a TradingStrategy (pure).

A new spec revision first runs as a canary beside the stable revision with
`rollout.canary.weight` % of the capital; after each `pauseSeconds` step the canary's
share grows by that weight again, and once it would reach 100 % the canary is promoted
to stable. At any step, a canary whose error ratio or drawdown breaks the configured
limits is rolled back; that revision is not retried until the spec changes again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from tradeplane.operator.api.strategy import CanarySpec, RolloutSpec
from tradeplane.operator.planning.conditions import timestamp

Phase = Literal["Stable", "Progressing", "RolledBack"]


@dataclass(frozen=True)
class RolloutState:
    """What `status.rollout` records between reconciles."""

    phase: Phase = "Stable"
    stable_revision: str = ""
    stable_spec: dict[str, Any] | None = None
    canary_revision: str = ""
    canary_weight: int = 0
    step: int = 0
    step_started_at: str = ""
    rolled_back_revision: str = ""
    message: str = ""

    @classmethod
    def from_status(cls, status: dict[str, Any] | None) -> RolloutState:
        rollout = (status or {}).get("rollout") or {}
        return cls(
            phase=rollout.get("phase", "Stable"),
            stable_revision=rollout.get("stableRevision", ""),
            stable_spec=rollout.get("stableSpec") or None,
            canary_revision=rollout.get("canaryRevision", ""),
            canary_weight=int(rollout.get("canaryWeight", 0)),
            step=int(rollout.get("step", 0)),
            step_started_at=rollout.get("stepStartedAt", ""),
            rolled_back_revision=rollout.get("rolledBackRevision", ""),
            message=rollout.get("message", ""),
        )

    def wire(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "stableRevision": self.stable_revision,
            "stableSpec": self.stable_spec or {},
            "canaryRevision": self.canary_revision,
            "canaryWeight": self.canary_weight,
            "step": self.step,
            "stepStartedAt": self.step_started_at,
            "rolledBackRevision": self.rolled_back_revision,
            "message": self.message,
        }

    @property
    def canary_active(self) -> bool:
        return bool(self.canary_revision)


@dataclass(frozen=True)
class CanaryHealth:
    """The canary's figures, read from its metrics endpoint (None when not reported)."""

    reachable: bool
    error_rate: float | None = None
    samples: int = 0
    drawdown: float | None = None


@dataclass(frozen=True)
class RolloutDecision:
    state: RolloutState
    #: (event type, reason, message) worth a Kubernetes Event, if any.
    event: tuple[str, str, str] | None = None
    #: Seconds until the rollout needs another look (the end of the current step).
    recheck_after: float | None = None


def breach(health: CanaryHealth, limits: CanarySpec) -> str:
    """Why the canary breaks its limits, or "" when it does not (or cannot be judged)."""
    if not health.reachable:
        return ""
    judged = health.error_rate is not None and health.samples >= max(limits.min_samples, 1)
    if judged and health.error_rate is not None and health.error_rate > limits.max_error_rate:
        return (
            f"error rate {health.error_rate:.2%} over {health.samples} samples exceeds "
            f"rollout.canary.maxErrorRate {limits.max_error_rate:.2%}"
        )
    if health.drawdown is not None and health.drawdown > limits.max_drawdown:
        return (
            f"drawdown {health.drawdown:.2%} exceeds rollout.canary.maxDrawdown "
            f"{limits.max_drawdown:.2%}"
        )
    return ""


def decide_rollout(
    state: RolloutState,
    *,
    revision: str,
    spec: dict[str, Any],
    rollout: RolloutSpec,
    now: datetime,
    health: CanaryHealth | None = None,
) -> RolloutDecision:
    """The next rollout state for spec `revision` (its wire form `spec`) at `now`."""
    cleared = replace(state, canary_revision="", canary_weight=0, step=0, step_started_at="")
    if not state.stable_revision:
        adopted = replace(
            cleared,
            phase="Stable",
            stable_revision=revision,
            stable_spec=spec,
            message=f"revision {revision} deployed",
        )
        return RolloutDecision(adopted, ("Normal", "Deployed", adopted.message))

    if revision == state.stable_revision:
        if state.canary_active:
            message = f"spec returned to stable revision {revision}; canary removed"
            aborted = replace(cleared, phase="Stable", message=message)
            return RolloutDecision(aborted, ("Normal", "CanaryAborted", message))
        return RolloutDecision(replace(state, phase="Stable", stable_spec=spec))

    if revision == state.rolled_back_revision and not state.canary_active:
        return RolloutDecision(replace(state, phase="RolledBack"))

    if rollout.strategy == "Immediate":
        message = f"revision {revision} replaced {state.stable_revision} (rollout Immediate)"
        replaced = replace(
            cleared, phase="Stable", stable_revision=revision, stable_spec=spec, message=message
        )
        return RolloutDecision(replaced, ("Normal", "Replaced", message))

    canary = rollout.canary
    if state.canary_revision != revision:
        message = (
            f"canary {revision} started beside stable {state.stable_revision} with "
            f"{canary.weight}% of the capital"
        )
        started = replace(
            state,
            phase="Progressing",
            canary_revision=revision,
            canary_weight=min(canary.weight, 100),
            step=1,
            step_started_at=timestamp(now),
            message=message,
        )
        return RolloutDecision(started, ("Normal", "CanaryStarted", message), canary.pause_seconds)

    reason = breach(health, canary) if health is not None else ""
    if reason:
        message = f"canary {revision} rolled back to {state.stable_revision}: {reason}"
        rolled_back = replace(
            cleared, phase="RolledBack", rolled_back_revision=revision, message=message
        )
        return RolloutDecision(rolled_back, ("Warning", "RolledBack", message))

    started_at = _parse_time(state.step_started_at) or now
    remaining = (started_at + timedelta(seconds=canary.pause_seconds) - now).total_seconds()
    if remaining > 0:
        waiting = state
        if health is not None and not health.reachable:
            waiting = replace(state, message=f"canary {revision}: metrics unreachable; holding")
        return RolloutDecision(waiting, None, remaining)
    if health is not None and not health.reachable:
        message = f"canary {revision}: metrics unreachable; step {state.step} held"
        return RolloutDecision(replace(state, message=message), None, canary.pause_seconds)

    next_weight = state.canary_weight + canary.weight
    if next_weight >= 100:
        message = f"canary {revision} promoted to stable after {state.step} step(s)"
        promoted = replace(
            cleared, phase="Stable", stable_revision=revision, stable_spec=spec, message=message
        )
        return RolloutDecision(promoted, ("Normal", "Promoted", message))
    message = f"canary {revision} step {state.step + 1}: {next_weight}% of the capital"
    advanced = replace(
        state,
        canary_weight=next_weight,
        step=state.step + 1,
        step_started_at=timestamp(now),
        message=message,
    )
    return RolloutDecision(
        advanced, ("Normal", "CanaryStepAdvanced", message), canary.pause_seconds
    )


def _parse_time(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
