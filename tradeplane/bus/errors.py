"""The bus's errors, sorted by what the caller must do next.

- `BusUnavailable`: NATS or JetStream did not answer in time; retry with backoff.
- `BusError`: retrying will not help (a stream conflicts with its configuration, a subject
  no stream covers); fix the configuration or the code.
- `UndecodableEvent`: a message is not a valid envelope or its payload does not parse; it
  belongs in the dead-letter queue, not in a retry loop.
- `StateNotFound` / `StateConflict`: the state key or revision asked for does not exist,
  or another writer got there first (re-read and retry the edit).
"""

from tradeplane.errors import TemporaryError, TradeplaneError


class BusError(TradeplaneError):
    """A bus operation failed for a reason that retrying will not fix."""


class BusUnavailable(TemporaryError):
    """NATS or JetStream is unreachable or slow right now; retry with backoff."""


class UndecodableEvent(BusError):
    """A message is not a valid tradeplane envelope, or its payload does not decode."""


class StateNotFound(BusError):
    """No state (or no such revision) exists for the requested universe or strategy."""


class StateConflict(BusError):
    """The state changed since the revision the caller expected; re-read and retry."""
