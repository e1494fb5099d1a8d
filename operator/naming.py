"""Names, labels and identifiers shared by the CRDs, the plans and the handlers (pure).

Kubernetes limits Service names and label values to 63 characters; `child_name` keeps
every generated name within that, shortening long owners with a stable hash suffix.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

GROUP = "tradeplane.io"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"
CATEGORY = "tradeplane"

UNIVERSE_KIND = "SymbolUniverse"
UNIVERSE_PLURAL = "symboluniverses"
STRATEGY_KIND = "TradingStrategy"
STRATEGY_PLURAL = "tradingstrategies"

MAX_NAME = 63
#: Longest resource names the CRDs accept, so that every child name stays readable.
MAX_UNIVERSE_NAME = 40
MAX_STRATEGY_NAME = 40

MANAGED_BY = "tradeplane-operator"
LABEL_NAME = "app.kubernetes.io/name"
LABEL_INSTANCE = "app.kubernetes.io/instance"
LABEL_COMPONENT = "app.kubernetes.io/component"
LABEL_PART_OF = "app.kubernetes.io/part-of"
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_UNIVERSE = f"{GROUP}/universe"
LABEL_STRATEGY = f"{GROUP}/strategy"
LABEL_TRACK = f"{GROUP}/track"  # stable | canary
LABEL_REVISION = f"{GROUP}/revision"
ANNOTATION_SPEC_HASH = f"{GROUP}/spec-hash"
ANNOTATION_CONFIG_HASH = f"{GROUP}/config-hash"

UNIVERSE_COMPONENTS = ("marketdata", "indicators", "screener")
STRATEGY_COMPONENTS = ("signals", "execution")
TRACKS = ("stable", "canary")

_DNS_LABEL = re.compile(r"[^a-z0-9-]+")


def child_name(owner: str, *parts: str) -> str:
    """`owner-part-...`, at most 63 characters, a valid DNS-1035 label.

    A name that would be longer keeps its readable start and ends in 8 hex digits of a
    hash of the full name, so distinct owners never collide.
    """
    full = "-".join([owner, *[part for part in parts if part]])
    full = _DNS_LABEL.sub("-", full.lower()).strip("-")
    if len(full) <= MAX_NAME:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[: MAX_NAME - 9].rstrip('-')}-{digest}"


def bus_name(namespace: str, name: str) -> str:
    """The NATS subject token of a universe or strategy: unique across namespaces."""
    return f"{namespace}-{name}"


def stream_name(namespace: str, name: str, kind: str) -> str:
    """JetStream names allow letters, digits, `-` and `_`; upper case marks ours."""
    token = re.sub(r"[^A-Za-z0-9_-]", "_", f"{namespace}_{name}").upper()
    return f"UNIVERSE_{token}_{kind.upper()}"


def content_hash(value: Any, length: int = 10) -> str:
    """A short stable hash of a JSON-able value (spec revisions, config checksums)."""
    encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:length]


def common_labels(
    *, owner_kind: str, owner_name: str, component: str, track: str = ""
) -> dict[str, str]:
    """The labels every child carries (kubectl -l and the drift watcher select on them)."""
    labels = {
        LABEL_NAME: "tradeplane",
        LABEL_INSTANCE: owner_name,
        LABEL_COMPONENT: component,
        LABEL_PART_OF: "tradeplane",
        LABEL_MANAGED_BY: MANAGED_BY,
    }
    owner_label = LABEL_UNIVERSE if owner_kind == UNIVERSE_KIND else LABEL_STRATEGY
    labels[owner_label] = owner_name
    if track:
        labels[LABEL_TRACK] = track
    return labels


def owner_reference(body: Mapping[str, Any]) -> dict[str, Any]:
    """The controller owner reference to `body` (garbage collection deletes the child)."""
    metadata = body["metadata"]
    return {
        "apiVersion": body.get("apiVersion", API_VERSION),
        "kind": body["kind"],
        "name": metadata["name"],
        "uid": metadata["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }
