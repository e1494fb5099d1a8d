"""Running the operator: kopf settings, peering, the registry of handlers, and the loop.

`run_operator` is what `tradeplane operator` calls; tests call it in a thread of their
own with a stop flag. Only one replica acts: replicas meet in a KopfPeering object (created
here if missing) and every one but the highest priority (default: the newest) pauses.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import kopf

from tradeplane.errors import ConfigError
from tradeplane.operator import naming
from tradeplane.operator.config import OperatorConfig
from tradeplane.operator.errors import KubernetesRejected
from tradeplane.operator.handlers import register
from tradeplane.operator.kube import KubeClient
from tradeplane.operator.login import connection_info
from tradeplane.operator.runtime import Runtime

logger = logging.getLogger(__name__)

Flag = asyncio.Future[Any] | asyncio.Event | threading.Event | None


def peering_priority(config: OperatorConfig) -> int:
    """The configured priority, else the start time in milliseconds (newest wins)."""
    if config.peering.priority is not None:
        return config.peering.priority
    return time.time_ns() // 1_000_000


def build_settings(config: OperatorConfig, *, namespace: str | None) -> kopf.OperatorSettings:
    settings = kopf.OperatorSettings()
    # kopf's bookkeeping in our own annotations (the status schema is strict; no `status.kopf`).
    settings.persistence.finalizer = f"{naming.GROUP}/finalizer"
    settings.persistence.progress_storage = kopf.AnnotationsProgressStorage(prefix=naming.GROUP)
    settings.persistence.diffbase_storage = kopf.AnnotationsDiffBaseStorage(
        prefix=naming.GROUP, key="last-handled-configuration"
    )
    settings.posting.level = logging.WARNING  # handler chatter stays in logs, not Events
    settings.posting.reporting_component = naming.MANAGED_BY
    settings.peering.name = config.peering.name
    settings.peering.priority = peering_priority(config)
    settings.peering.lifetime = config.peering.lifetime_seconds
    settings.peering.standalone = config.peering.standalone
    settings.peering.mandatory = not config.peering.standalone
    settings.peering.clusterwide = namespace is None
    settings.peering.stealth = True
    # Children are watched for drift repair: only ours, filtered by the API server.
    managed = f"{naming.LABEL_MANAGED_BY}={naming.MANAGED_BY}"
    for group, plural in (("apps", "deployments"), ("v1", "services"), ("v1", "configmaps")):
        settings.watching.label_selectors[group, plural] = managed
    settings.watching.server_timeout = 300
    settings.watching.client_timeout = 330
    settings.execution.max_workers = 4
    return settings


def peering_object(config: OperatorConfig, namespace: str | None) -> dict[str, Any]:
    kind = "KopfPeering" if namespace else "ClusterKopfPeering"
    metadata: dict[str, Any] = {"name": config.peering.name}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": "kopf.dev/v1", "kind": kind, "metadata": metadata}


async def ensure_peering(client: KubeClient, config: OperatorConfig, namespace: str | None) -> None:
    """Create the peering object replicas meet in; ConfigError if its CRD is missing."""
    try:
        created = await client.create(peering_object(config, namespace))
    except KubernetesRejected as error:
        raise ConfigError(
            f"cannot create the kopf peering object {config.peering.name!r} ({error}); apply "
            "crds/ (it holds the kopf.dev peering CRDs) or set "
            "TRADEPLANE_OPERATOR__PEERING__STANDALONE=true for a single replica"
        ) from error
    if created is not None:
        logger.info("created the peering object %s", config.peering.name)


async def run_operator(
    config: OperatorConfig,
    *,
    nats_url: str,
    namespace: str | None = None,
    stop_flag: Flag = None,
    ready_flag: Flag = None,
) -> None:
    """Run until `stop_flag` is set (or SIGTERM/SIGINT in the main thread)."""
    runtime = Runtime.create(config, nats_url=nats_url)
    registry = kopf.OperatorRegistry()
    register(registry, runtime)
    settings = build_settings(config, namespace=namespace)
    if not config.peering.standalone:
        client = KubeClient(connection_info(config.kubeconfig))
        try:
            await ensure_peering(client, config, namespace)
        finally:
            await client.close()
    logger.info(
        "operator starting",
        extra={"namespace": namespace or "(all)", "priority": settings.peering.priority},
    )
    await kopf.operator(
        registry=registry,
        settings=settings,
        clusterwide=namespace is None,
        namespaces=[namespace] if namespace else (),
        stop_flag=stop_flag,
        ready_flag=ready_flag,
        liveness_endpoint=config.liveness_endpoint or None,
        memo=kopf.Memo(runtime=runtime),
    )
