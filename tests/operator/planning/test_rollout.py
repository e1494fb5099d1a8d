"""decide_rollout: the canary state machine, step by step."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tradeplane.operator.api import RolloutSpec
from tradeplane.operator.planning.rollout import CanaryHealth, RolloutState, breach, decide_rollout

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
CANARY = RolloutSpec.model_validate(
    {
        "canary": {
            "weight": 30,
            "pauseSeconds": 60,
            "maxErrorRate": 0.05,
            "maxDrawdown": 0.02,
            "minSamples": 10,
        }
    }
)
STABLE = RolloutState(stable_revision="r1", stable_spec={"mode": "paper"})
HEALTHY = CanaryHealth(reachable=True, error_rate=0.0, samples=100, drawdown=0.0)


def step(
    state: RolloutState,
    *,
    at: datetime,
    revision: str = "r2",
    health: CanaryHealth | None = HEALTHY,
    rollout: RolloutSpec = CANARY,
):  # type: ignore[no-untyped-def]
    return decide_rollout(
        state, revision=revision, spec={"rev": revision}, rollout=rollout, now=at, health=health
    )


def test_the_first_revision_is_deployed_as_stable() -> None:
    decision = decide_rollout(RolloutState(), revision="r1", spec={"a": 1}, rollout=CANARY, now=T0)
    assert (decision.state.stable_revision, decision.state.stable_spec) == ("r1", {"a": 1})
    assert decision.event == ("Normal", "Deployed", "revision r1 deployed")


def test_the_same_revision_changes_nothing() -> None:
    decision = step(STABLE, at=T0, revision="r1")
    assert decision.state.canary_revision == "" and decision.event is None


def test_a_change_walks_the_steps_then_promotes() -> None:
    started = step(STABLE, at=T0, health=None)
    assert (started.state.phase, started.state.canary_weight, started.state.step) == (
        "Progressing",
        30,
        1,
    )
    assert started.event is not None and started.event[1] == "CanaryStarted"
    assert started.recheck_after == 60

    waiting = step(started.state, at=T0 + timedelta(seconds=59))
    assert waiting.state == started.state and waiting.event is None
    assert waiting.recheck_after == 1

    second = step(started.state, at=T0 + timedelta(seconds=60))
    assert (second.state.canary_weight, second.state.step) == (60, 2)
    assert second.event is not None and second.event[1] == "CanaryStepAdvanced"
    third = step(second.state, at=T0 + timedelta(seconds=120))
    assert (third.state.canary_weight, third.state.step) == (90, 3)

    promoted = step(third.state, at=T0 + timedelta(seconds=180))
    assert promoted.state.phase == "Stable" and promoted.state.stable_revision == "r2"
    assert promoted.state.stable_spec == {"rev": "r2"} and promoted.state.canary_revision == ""
    assert promoted.state.canary_weight == 0
    assert promoted.event is not None and promoted.event[1] == "Promoted"


def test_a_breaking_canary_is_rolled_back_and_not_retried() -> None:
    started = step(STABLE, at=T0, health=None).state
    failing = CanaryHealth(reachable=True, error_rate=0.2, samples=50, drawdown=0.0)
    rolled = step(started, at=T0 + timedelta(seconds=5), health=failing)
    assert rolled.state.phase == "RolledBack" and rolled.state.rolled_back_revision == "r2"
    assert rolled.state.stable_revision == "r1" and rolled.state.canary_revision == ""
    assert rolled.event is not None and rolled.event[:2] == ("Warning", "RolledBack")
    assert "maxErrorRate" in rolled.event[2]
    again = step(rolled.state, at=T0 + timedelta(hours=1))
    assert again.state.canary_revision == "" and again.event is None
    newer = step(rolled.state, at=T0 + timedelta(hours=1), revision="r3")
    assert newer.state.canary_revision == "r3"  # a new change gets its own canary


def test_drawdown_alone_rolls_back() -> None:
    started = step(STABLE, at=T0, health=None).state
    deep = CanaryHealth(reachable=True, error_rate=None, samples=0, drawdown=0.05)
    assert step(started, at=T0 + timedelta(seconds=1), health=deep).state.phase == "RolledBack"


def test_too_few_samples_do_not_judge_the_error_rate() -> None:
    limits = CANARY.canary
    assert breach(CanaryHealth(True, error_rate=1.0, samples=9), limits) == ""
    assert "10 samples" in breach(CanaryHealth(True, error_rate=1.0, samples=10), limits)


def test_unreachable_metrics_hold_the_step() -> None:
    started = step(STABLE, at=T0, health=None).state
    held = step(started, at=T0 + timedelta(seconds=61), health=CanaryHealth(reachable=False))
    assert held.state.canary_weight == 30 and held.state.step == 1
    assert "unreachable" in held.state.message


def test_returning_to_the_stable_spec_aborts_the_canary() -> None:
    started = step(STABLE, at=T0, health=None).state
    aborted = step(started, at=T0 + timedelta(seconds=1), revision="r1")
    assert aborted.state.canary_revision == "" and aborted.state.phase == "Stable"
    assert aborted.event is not None and aborted.event[1] == "CanaryAborted"


def test_a_newer_change_during_a_canary_restarts_it() -> None:
    started = step(STABLE, at=T0, health=None).state
    restarted = step(started, at=T0 + timedelta(seconds=30), revision="r3")
    assert (restarted.state.canary_revision, restarted.state.step) == ("r3", 1)
    assert restarted.state.stable_revision == "r1"


def test_immediate_rollout_replaces_without_canary() -> None:
    immediate = RolloutSpec.model_validate({"strategy": "Immediate"})
    decision = step(STABLE, at=T0, rollout=immediate)
    assert decision.state.stable_revision == "r2" and decision.state.canary_revision == ""
    assert decision.event is not None and decision.event[1] == "Replaced"


def test_state_round_trips_through_status() -> None:
    state = replace(step(STABLE, at=T0, health=None).state, message="m")
    assert RolloutState.from_status({"rollout": state.wire()}) == state
