"""Create or update streams and KV buckets from configuration; safe to run at every start.

Each service provisions what it uses when it starts, so the order in which services
start does not matter; running it twice changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Literal

import nats.errors
from nats.js import JetStreamContext, api
from nats.js.errors import APIError, NotFoundError, ServiceUnavailableError
from nats.js.kv import KeyValue

from tradeplane.bus import subjects
from tradeplane.bus.config import BusConfig, KeyValueSettings, StreamSettings
from tradeplane.bus.errors import BusError, BusUnavailable
from tradeplane.bus.subjects import StreamSpec

logger = logging.getLogger(__name__)

Outcome = Literal["created", "updated", "unchanged"]

_KV_STREAM_PREFIX = "KV_"


def stream_config(spec: StreamSpec, settings: StreamSettings) -> api.StreamConfig:
    """The JetStream configuration of stream `spec` (pure)."""
    return api.StreamConfig(
        name=spec.name,
        description=spec.description,
        subjects=list(spec.subjects),
        retention=api.RetentionPolicy(settings.retention),
        storage=api.StorageType(settings.storage),
        num_replicas=settings.replicas,
        max_age=settings.max_age_seconds,
        max_bytes=settings.max_bytes,
        duplicate_window=settings.duplicate_window_seconds,
        discard=api.DiscardPolicy.OLD,
    )


def differences(current: api.StreamConfig, wanted: api.StreamConfig) -> dict[str, tuple]:
    """Fields of `wanted` that `current` does not match, as {field: (current, wanted)}."""
    fields = (
        "subjects", "retention", "storage", "num_replicas", "max_age", "max_bytes",
        "duplicate_window", "description",
    )  # fmt: skip
    changed = {}
    for field in fields:
        have, want = getattr(current, field), getattr(wanted, field)
        if field == "subjects":
            have, want = sorted(have or []), sorted(want or [])
        elif field in ("max_age", "duplicate_window"):
            have, want = round(float(have or 0), 3), round(float(want or 0), 3)
        if have != want:
            changed[field] = (have, want)
    return changed


async def ensure_stream(
    jetstream: JetStreamContext, spec: StreamSpec, settings: StreamSettings
) -> Outcome:
    """Create the stream, or update it where its configuration drifted."""
    wanted = stream_config(spec, settings)
    try:
        with _unavailable_as_bus_error(f"stream {spec.name}"):
            try:
                info = await jetstream.stream_info(spec.name)
            except NotFoundError:
                await jetstream.add_stream(wanted)
                logger.info("stream created", extra={"stream": spec.name})
                return "created"
            changed = differences(info.config, wanted)
            if not changed:
                return "unchanged"
            if "storage" in changed or "retention" in changed:
                raise BusError(
                    f"stream {spec.name} exists with {_describe(changed)}; JetStream cannot "
                    "change storage or retention in place: revert bus.streams."
                    f"{spec.name.lower()} or delete the stream (its messages are lost)"
                )
            await jetstream.update_stream(wanted)
            logger.info(
                "stream updated", extra={"stream": spec.name, "changed": _describe(changed)}
            )
            return "updated"
    except APIError as error:
        raise BusError(f"JetStream refused stream {spec.name}: {error.description}") from error


async def ensure_streams(
    jetstream: JetStreamContext,
    config: BusConfig,
    specs: Iterable[StreamSpec] = subjects.ALL_STREAMS,
) -> dict[str, Outcome]:
    """Ensure every stream in `specs` (default: all of them); returns what was done."""
    return {
        spec.name: await ensure_stream(jetstream, spec, config.stream(spec.name)) for spec in specs
    }


async def ensure_key_value(
    jetstream: JetStreamContext, bucket: str, settings: KeyValueSettings
) -> KeyValue:
    """Create the KV bucket if missing (or update its limits) and return it."""
    wanted = api.KeyValueConfig(
        bucket=bucket,
        history=settings.history,
        ttl=settings.ttl_seconds or None,
        storage=api.StorageType(settings.storage),
        replicas=settings.replicas,
    )
    with _unavailable_as_bus_error(f"KV bucket {bucket}"):
        try:
            info = await jetstream.stream_info(_KV_STREAM_PREFIX + bucket)
        except NotFoundError:
            logger.info("KV bucket created", extra={"bucket": bucket})
            return await jetstream.create_key_value(wanted)
        current = info.config
        ttl = float(current.max_age or 0)
        if (
            current.max_msgs_per_subject != settings.history
            or round(ttl, 3) != round(settings.ttl_seconds, 3)
            or current.num_replicas != settings.replicas
        ):
            current.max_msgs_per_subject = settings.history
            current.max_age = settings.ttl_seconds
            current.num_replicas = settings.replicas
            if settings.ttl_seconds:  # JetStream: the dedupe window may not exceed max age
                current.duplicate_window = min(current.duplicate_window, settings.ttl_seconds)
            try:
                await jetstream.update_stream(current)
            except APIError as error:
                raise BusError(
                    f"JetStream refused the limits of KV bucket {bucket}: {error.description}"
                ) from error
            logger.info("KV bucket updated", extra={"bucket": bucket})
        return await jetstream.key_value(bucket)


class _unavailable_as_bus_error:
    """Maps 'JetStream did not answer' into BusUnavailable naming what was being done."""

    def __init__(self, what: str) -> None:
        self._what = what

    def __enter__(self) -> None:
        return None

    def __exit__(self, _type: object, error: BaseException | None, _traceback: object) -> None:
        if isinstance(
            error,
            (nats.errors.TimeoutError, nats.errors.NoRespondersError, ServiceUnavailableError,
             nats.errors.ConnectionClosedError),
        ):  # fmt: skip
            raise BusUnavailable(
                f"JetStream did not answer while provisioning {self._what} ({error!r}); "
                "is nats-server running with JetStream enabled (-js)?"
            ) from error


def _describe(changed: dict[str, tuple]) -> str:
    return ", ".join(
        f"{field}={have!r} (configured {want!r})" for field, (have, want) in changed.items()
    )
