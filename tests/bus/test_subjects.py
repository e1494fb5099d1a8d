"""Subjects, streams and buckets are defined once and behave like NATS wildcards."""

import pytest

from tradeplane.bus import subjects
from tradeplane.bus.config import BusConfig


def test_builders_put_the_owner_before_the_kind_of_message() -> None:
    assert subjects.tickers("binance") == "md.binance.tickers"
    assert subjects.candles("binance", "5m") == "md.binance.candles.5m"
    assert subjects.indicators("majors", "1h") == "ind.majors.1h"
    assert subjects.screen_results("majors") == "screen.majors.results"
    assert subjects.selection("majors") == "screen.majors.selection"
    assert subjects.signals("momentum") == "sig.momentum.signals"
    assert subjects.order_command("momentum", "submit") == "exec.momentum.cmd.submit"
    assert subjects.order_event("momentum", "filled") == "exec.momentum.evt.filled"
    assert subjects.dead_letter("MARKET", "eventstore") == "dlq.MARKET.eventstore"
    assert subjects.state_key("strategy", "momentum") == "strategy.momentum"


@pytest.mark.parametrize("bad", ["", "bin.ance", "bin*", "a>", "two words"])
def test_a_token_that_would_break_the_subject_is_refused_with_a_hint(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot be a NATS subject token"):
        subjects.tickers(bad)


def test_state_scopes_are_universe_and_strategy_only() -> None:
    with pytest.raises(ValueError, match="not one of universe, strategy"):
        subjects.state_key("portfolio", "x")


@pytest.mark.parametrize(
    ("subject", "stream"),
    [
        (subjects.candles("binance", "5m"), "MARKET"),
        (subjects.indicators("majors", "5m"), "INDICATORS"),
        (subjects.selection("majors"), "SCREEN"),
        (subjects.signals("momentum"), "SIGNALS"),
        (subjects.order_command("momentum", "cancel"), "EXEC"),
        (subjects.dead_letter("EXEC", "execution"), "DLQ"),
    ],
)
def test_every_subject_belongs_to_exactly_its_stream(subject: str, stream: str) -> None:
    assert subjects.stream_for(subject).name == stream
    owners = [
        spec.name
        for spec in subjects.ALL_STREAMS
        if any(subjects.subject_matches(pattern, subject) for pattern in spec.subjects)
    ]
    assert owners == [stream]


def test_a_subject_no_stream_captures_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"no stream captures subject 'nowhere\.x'"):
        subjects.stream_for("nowhere.x")


@pytest.mark.parametrize(
    ("pattern", "subject", "matches"),
    [
        ("md.>", "md.binance.tickers", True),
        ("md.>", "md", False),
        ("md.*.tickers", "md.binance.tickers", True),
        ("md.*.tickers", "md.binance.candles.5m", False),
        ("exec.*.cmd.>", "exec.s1.cmd.submit", True),
        ("exec.*.cmd.>", "exec.s1.evt.filled", False),
        ("a.b", "a.b.c", False),
    ],
)
def test_wildcards_follow_nats_rules(pattern: str, subject: str, matches: bool) -> None:
    assert subjects.subject_matches(pattern, subject) is matches


def test_every_stream_has_a_configuration_section() -> None:
    config = BusConfig()
    for spec in subjects.ALL_STREAMS:
        assert config.stream(spec.name) is getattr(config.streams, spec.name.lower())
    assert not subjects.DLQ.recorded
    assert all(spec.recorded for spec in subjects.EVENT_STREAMS)
