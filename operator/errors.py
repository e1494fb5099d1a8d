"""The operator's errors, sorted by what the handler does next.

- `DependencyMissing`: something the resource refers to (a SymbolUniverse, a Secret or
  one of its keys) does not exist yet; report Degraded naming the field, retry with backoff.
- `InvalidSpec`: the spec cannot be planned (a value the schema could not rule out);
  report Degraded naming the field and wait for the spec to change.
- `KubernetesUnavailable`: the API server did not answer or failed; retry with backoff.
- `StillDeleting`: a finalizer waits for children to go before removing streams; retry.
- `tradeplane.bus.BusUnavailable` (NATS unreachable) is retried with backoff as well.
"""

from __future__ import annotations

from tradeplane.errors import TemporaryError, TradeplaneError


class OperatorError(TradeplaneError):
    """Base of the operator's errors."""


class ReconcileProblem(OperatorError):
    """A problem the resource's status reports as Degraded, naming the field at fault."""

    reason = "ReconcileFailed"

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class DependencyMissing(ReconcileProblem):
    """A referenced object is missing; retrying with backoff may succeed once it exists."""

    def __init__(self, message: str, *, field: str, reason: str) -> None:
        super().__init__(message, field=field)
        self.reason = reason


class InvalidSpec(ReconcileProblem):
    """The spec cannot be reconciled as written; it has to change."""

    reason = "InvalidSpec"


class KubernetesUnavailable(TemporaryError, OperatorError):
    """The Kubernetes API did not answer, or answered with a server error."""


class StillDeleting(TemporaryError, OperatorError):
    """Children are still being deleted; the next step waits for them (retry shortly)."""


class KubernetesRejected(OperatorError):
    """The Kubernetes API refused a request (4xx other than 404/409); the message says why."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status
