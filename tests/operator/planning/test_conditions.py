"""Conditions: transition times, readiness of Deployments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tradeplane.operator.planning.conditions import (
    Readiness,
    readiness,
    readiness_conditions,
    set_condition,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_transition_time_changes_only_with_the_status() -> None:
    first = set_condition(
        [], type="Ready", status=False, reason="Waiting", message="a", now=T0, generation=1
    )
    later = set_condition(
        first,
        type="Ready",
        status=False,
        reason="StillWaiting",
        message="b",
        now=T0 + timedelta(minutes=5),
        generation=2,
    )
    assert later[0]["lastTransitionTime"] == "2026-01-01T00:00:00Z"
    assert (later[0]["reason"], later[0]["observedGeneration"]) == ("StillWaiting", 2)
    flipped = set_condition(
        later,
        type="Ready",
        status=True,
        reason="Ok",
        message="",
        now=T0 + timedelta(minutes=9),
        generation=2,
    )
    assert flipped[0]["lastTransitionTime"] == "2026-01-01T00:09:00Z"


def test_a_deployment_is_ready_once_its_generation_is_observed() -> None:
    body = {
        "metadata": {"generation": 2},
        "spec": {"replicas": 1},
        "status": {"observedGeneration": 1, "readyReplicas": 1, "updatedReplicas": 1},
    }
    assert not readiness(body, "d").ready
    body["status"]["observedGeneration"] = 2
    assert readiness(body, "d").ready
    assert not readiness(None, "missing").ready


def test_degraded_blocks_ready_unless_the_running_revision_still_serves() -> None:
    components = [Readiness("a", 1, 1)]
    blocked = readiness_conditions(
        [], components, degraded=("SecretNotFound", "x"), progressing=None, now=T0, generation=1
    )
    assert [(c["type"], c["status"], c["reason"]) for c in blocked] == [
        ("Ready", "False", "SecretNotFound"),
        ("Progressing", "False", "Complete"),
        ("Degraded", "True", "SecretNotFound"),
    ]
    serving = readiness_conditions(
        [],
        components,
        degraded=("CanaryRolledBack", "y"),
        progressing=None,
        now=T0,
        generation=1,
        degraded_blocks_ready=False,
    )
    assert serving[0]["status"] == "True" and serving[2]["status"] == "True"
