"""The thin side-effect layer: server-side apply planned manifests, delete children that
are no longer planned, and read back what the plans depend on."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from tradeplane.operator import naming
from tradeplane.operator.kube import KubeClient
from tradeplane.operator.planning.conditions import Readiness, readiness

logger = logging.getLogger(__name__)

#: Kinds the operator creates as children (pruned when no longer planned).
CHILD_KINDS = ("Deployment", "Service", "ConfigMap")
ChildKey = tuple[str, str]  # (kind, name)


async def apply_all(
    client: KubeClient, manifests: Sequence[Mapping[str, Any]], *, field_manager: str
) -> dict[ChildKey, dict[str, Any]]:
    """Apply every manifest in order; returns the server's answer for each."""
    applied: dict[ChildKey, dict[str, Any]] = {}
    for manifest in manifests:
        answer = await client.apply(manifest, field_manager=field_manager)
        applied[(manifest["kind"], manifest["metadata"]["name"])] = answer
    return applied


def owned_by(child: Mapping[str, Any], owner_uid: str) -> bool:
    references = child.get("metadata", {}).get("ownerReferences") or []
    return any(reference.get("uid") == owner_uid for reference in references)


async def prune(
    client: KubeClient,
    *,
    namespace: str,
    owner_uid: str,
    owner_label: str,
    owner_name: str,
    keep: Iterable[ChildKey],
) -> list[ChildKey]:
    """Delete this owner's children (by label and owner reference) that are not in `keep`."""
    wanted = set(keep)
    selector = f"{owner_label}={owner_name},{naming.LABEL_MANAGED_BY}={naming.MANAGED_BY}"
    deleted: list[ChildKey] = []
    for kind in CHILD_KINDS:
        for child in await client.list(kind, namespace, label_selector=selector):
            key = (kind, child["metadata"]["name"])
            if key in wanted or not owned_by(child, owner_uid):
                continue
            if await client.delete(kind, namespace, key[1]):
                logger.info("deleted child", extra={"kind": kind, "child": key[1]})
                deleted.append(key)
    return deleted


def deployment_readiness(
    applied: Mapping[ChildKey, Mapping[str, Any]], names: Iterable[str]
) -> list[Readiness]:
    return [readiness(applied.get(("Deployment", name)), name) for name in names]


async def delete_children(
    client: KubeClient, kind: str, namespace: str, names: Iterable[str]
) -> list[str]:
    """Delete the named children; returns those still present afterwards."""
    remaining = []
    for name in names:
        await client.delete(kind, namespace, name, propagation="Foreground")
        if await client.get(kind, namespace, name) is not None:
            remaining.append(name)
    return remaining
