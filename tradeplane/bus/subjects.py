"""Every NATS subject, JetStream stream and KV bucket of tradeplane, defined once.

Subjects put the owner first and the kind of message after it, so one wildcard selects
everything of an exchange, universe or strategy:

    md.<exchange>.tickers                 TickerFrame
    md.<exchange>.candles.<timeframe>     CandleFrame
    ind.<universe>.<timeframe>            IndicatorFrame
    screen.<universe>.results             UniverseScreened
    screen.<universe>.selection           SelectionChanged
    screen.<universe>.heartbeat           ScreenerHeartbeat
    sig.<strategy>.signals                SignalsGenerated
    exec.<strategy>.cmd.<command>         SubmitOrder, CancelOrder ("submit", "cancel")
    exec.<strategy>.evt.<event>           OrderAccepted, OrderDenied, OrderRejected, ...
    dlq.<stream>.<consumer>               dead letters, with the original headers

Tokens (exchange, universe, ...) must be non-empty and free of ".", "*", ">" and spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"^[A-Za-z0-9_\-]+$")


@dataclass(frozen=True)
class StreamSpec:
    """A JetStream stream: its name, the subjects it captures and what it is for."""

    name: str
    subjects: tuple[str, ...]
    description: str
    #: Whether the event store records it (every stream but the DLQ).
    recorded: bool = True


MARKET = StreamSpec("MARKET", ("md.>",), "market data frames from the ingestion services")
INDICATORS = StreamSpec("INDICATORS", ("ind.>",), "indicator frames per universe and timeframe")
SCREEN = StreamSpec("SCREEN", ("screen.>",), "screening results and selections per universe")
SIGNALS = StreamSpec("SIGNALS", ("sig.>",), "signals per strategy")
EXEC = StreamSpec("EXEC", ("exec.>",), "order commands and order events per strategy")
DLQ = StreamSpec(
    "DLQ", ("dlq.>",), "messages a consumer gave up on, with the reason", recorded=False
)

EVENT_STREAMS: tuple[StreamSpec, ...] = (MARKET, INDICATORS, SCREEN, SIGNALS, EXEC)
ALL_STREAMS: tuple[StreamSpec, ...] = (*EVENT_STREAMS, DLQ)

#: KV bucket of versioned universe and strategy state (history kept, rollback possible).
STATE_BUCKET = "STATE"
#: KV bucket of the shared market-data cache (the second cache tier).
CACHE_BUCKET = "CACHE"

STATE_SCOPES = ("universe", "strategy")

# Headers tradeplane sets besides JetStream's own.
MSG_ID_HEADER = "Nats-Msg-Id"
DLQ_REASON_HEADER = "Tradeplane-Dlq-Reason"
DLQ_STREAM_HEADER = "Tradeplane-Dlq-Stream"
DLQ_CONSUMER_HEADER = "Tradeplane-Dlq-Consumer"
DLQ_SUBJECT_HEADER = "Tradeplane-Dlq-Subject"
DLQ_SEQUENCE_HEADER = "Tradeplane-Dlq-Stream-Sequence"
DLQ_DELIVERIES_HEADER = "Tradeplane-Dlq-Deliveries"
DLQ_ORIGINAL_MSG_ID_HEADER = "Tradeplane-Dlq-Original-Msg-Id"


def token(value: str, *, what: str) -> str:
    """`value` if it can be one subject token; otherwise ValueError saying what to change."""
    if not _TOKEN.match(value):
        raise ValueError(
            f"{what} {value!r} cannot be a NATS subject token: use letters, digits, '_' or '-' "
            "(no '.', '*', '>' or spaces)"
        )
    return value


def tickers(exchange: str) -> str:
    return f"md.{token(exchange, what='exchange')}.tickers"


def candles(exchange: str, timeframe: str) -> str:
    return f"md.{token(exchange, what='exchange')}.candles.{token(timeframe, what='timeframe')}"


def indicators(universe: str, timeframe: str) -> str:
    return f"ind.{token(universe, what='universe')}.{token(timeframe, what='timeframe')}"


def screen_results(universe: str) -> str:
    return f"screen.{token(universe, what='universe')}.results"


def selection(universe: str) -> str:
    return f"screen.{token(universe, what='universe')}.selection"


def screener_heartbeat(universe: str) -> str:
    return f"screen.{token(universe, what='universe')}.heartbeat"


def signals(strategy: str) -> str:
    return f"sig.{token(strategy, what='strategy')}.signals"


def order_command(strategy: str, command: str) -> str:
    """`command` is "submit" or "cancel"."""
    return f"exec.{token(strategy, what='strategy')}.cmd.{token(command, what='command')}"


def order_event(strategy: str, event: str) -> str:
    """`event` is e.g. "accepted", "denied", "rejected", "canceled", "filled"."""
    return f"exec.{token(strategy, what='strategy')}.evt.{token(event, what='event')}"


def order_commands(strategy: str = "*") -> str:
    """Filter for the commands of one strategy (default: of all strategies)."""
    return f"exec.{strategy}.cmd.>"


def order_events(strategy: str = "*") -> str:
    return f"exec.{strategy}.evt.>"


def dead_letter(stream: str, consumer: str) -> str:
    return f"dlq.{token(stream, what='stream')}.{token(consumer, what='consumer')}"


def state_key(scope: str, name: str) -> str:
    """Key of a universe's or strategy's state in the STATE bucket."""
    if scope not in STATE_SCOPES:
        raise ValueError(f"state scope {scope!r} is not one of {', '.join(STATE_SCOPES)}")
    return f"{scope}.{token(name, what=scope)}"


def stream_for(subject: str) -> StreamSpec:
    """The stream capturing `subject`; ValueError when none does (add it to a stream here)."""
    for spec in ALL_STREAMS:
        if any(subject_matches(pattern, subject) for pattern in spec.subjects):
            return spec
    raise ValueError(
        f"no stream captures subject {subject!r}; define it in tradeplane.bus.subjects"
    )


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS wildcard matching: `*` is one token, a final `>` is one or more tokens."""
    pattern_tokens = pattern.split(".")
    subject_tokens = subject.split(".")
    for index, part in enumerate(pattern_tokens):
        if part == ">":
            return index == len(pattern_tokens) - 1 and len(subject_tokens) > index
        if index >= len(subject_tokens):
            return False
        if part != "*" and part != subject_tokens[index]:
            return False
    return len(subject_tokens) == len(pattern_tokens)
