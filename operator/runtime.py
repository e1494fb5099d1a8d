"""What every handler shares: configuration, the API client, the NATS stream manager,
per-resource locks and the clock. One instance lives in kopf's memo for the operator's life.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import kopf
import pydantic

from tradeplane.operator import naming
from tradeplane.operator.config import OperatorConfig
from tradeplane.operator.errors import InvalidSpec, KubernetesUnavailable
from tradeplane.operator.jetstream import JetStreamManager
from tradeplane.operator.kube import KubeClient

SpecT = TypeVar("SpecT", bound=pydantic.BaseModel)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    config: OperatorConfig
    nats_url: str
    jetstream: JetStreamManager
    kube: KubeClient | None = None
    locks: dict[tuple[str, str, str], asyncio.Lock] = field(default_factory=dict)
    now: Callable[[], datetime] = _utc_now

    @classmethod
    def create(cls, config: OperatorConfig, *, nats_url: str) -> Runtime:
        jetstream = JetStreamManager(
            nats_url, connect_deadline_seconds=config.timings.nats_connect_seconds
        )
        return cls(config=config, nats_url=nats_url, jetstream=jetstream)

    def client(self) -> KubeClient:
        if self.kube is None:
            raise KubernetesUnavailable("not logged in to the Kubernetes API yet")
        return self.kube

    def lock(self, kind: str, namespace: str, name: str) -> asyncio.Lock:
        """Serialises reconciles of one resource (handlers, timers and drift events)."""
        return self.locks.setdefault((kind, namespace, name), asyncio.Lock())

    def backoff(self, retry: int) -> float:
        """Exponential retry delay for the `retry`-th retry (0 first), capped."""
        timings = self.config.timings
        return min(
            timings.backoff_initial_seconds * 2 ** max(retry, 0), timings.backoff_max_seconds
        )

    def metrics_url(self, service: str, namespace: str) -> str:
        return self.config.metrics.url_template.format(
            service=service, namespace=namespace, port=self.config.ports.metrics
        )

    async def close(self) -> None:
        await self.jetstream.close()
        if self.kube is not None:
            await self.kube.close()


def parse_spec(model: type[SpecT], body: Mapping[str, Any]) -> SpecT:
    """The typed spec of `body`; InvalidSpec naming the first bad field otherwise."""
    try:
        return model.model_validate(body.get("spec") or {})
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        field_path = ".".join(["spec", *(str(part) for part in first["loc"])])
        raise InvalidSpec(f"{first['msg']}", field=field_path) from None


def post_event(body: Mapping[str, Any], *, type: str, reason: str, message: str) -> None:
    """A Kubernetes Event on `body` (queued; kopf posts it in the background)."""
    # kopf reads only apiVersion, kind and metadata; a plain mapping serves as its Body.
    kopf.event(cast(kopf.Body, dict(body)), type=type, reason=reason, message=message[:1024])


def transition_events(
    body: Mapping[str, Any], before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> None:
    """Events for Ready becoming True and Degraded turning on or off."""
    previous = {condition["type"]: condition for condition in before}
    for condition in after:
        old = previous.get(condition["type"], {})
        if old.get("status") == condition["status"] and old.get("reason") == condition["reason"]:
            continue
        if condition["type"] == "Ready" and condition["status"] == "True":
            post_event(body, type="Normal", reason="Ready", message=condition["message"])
        elif condition["type"] == "Degraded" and condition["status"] == "True":
            post_event(
                body, type="Warning", reason=condition["reason"], message=condition["message"]
            )
        elif condition["type"] == "Degraded" and old.get("status") == "True":
            post_event(body, type="Normal", reason="Recovered", message="no longer degraded")


def child_names(owner: str, components: tuple[str, ...], suffix: str = "") -> list[str]:
    return [naming.child_name(owner, component, suffix) for component in components]
