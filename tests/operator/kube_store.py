"""The emulated API server's state and semantics, independent of HTTP.

Objects get a uid, a global resourceVersion, a generation that counts spec changes, the
status subresource split (the main resource ignores status, /status ignores the rest),
finalizers with deletionTimestamp, owner-reference garbage collection, optimistic
concurrency (409 on a stale resourceVersion), admission of custom resources against
their CRD (pruning, defaults, OpenAPI and CEL: 422), and a bounded event history so a
watch can resume from a resourceVersion (410 when it is too old). A minimal Deployment
controller marks Deployments ready, as kubelets would.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.operator import kube_admission, kube_patches
from tests.operator.kube_types import ApiError, ResourceType, crd_resource_type, selector_matches

Key = tuple[str, str, str, str]  # group, plural, namespace, name
Event = dict[str, Any]
HISTORY = 20_000


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _essence(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in ("metadata", "status")}


@dataclass
class Watcher:
    type: ResourceType
    namespace: str | None
    label_selector: str
    field_selector: str
    queue: asyncio.Queue[Event | None] = field(default_factory=asyncio.Queue)


class Store:
    """Objects by (group, plural, namespace, name), with the API server's rules."""

    def __init__(self, *, deployments_become_ready: bool = True, history: int = HISTORY) -> None:
        self.types: dict[tuple[str, str], ResourceType] = {}
        self.objects: dict[Key, dict[str, Any]] = {}
        self.resource_version = 0
        self.history: deque[tuple[int, tuple[str, str], Event]] = deque(maxlen=history)
        self.watchers: list[Watcher] = []
        self.applied: dict[tuple[str, str], dict[str, Any]] = {}  # (uid, manager) -> config
        self.deployments_become_ready = deployments_become_ready
        self.on_register: list[Callable[[ResourceType], None]] = []

    # -- types -------------------------------------------------------------------------

    def register(self, resource_type: ResourceType) -> None:
        self.types[(resource_type.group, resource_type.plural)] = resource_type
        for callback in self.on_register:
            callback(resource_type)

    def resolve(self, group: str, version: str, plural: str) -> ResourceType:
        found = self.types.get((group, plural))
        if found is None or found.version != version:
            raise ApiError(
                404,
                "NotFound",
                f"the server could not find the requested resource "
                f"({group or 'core'}/{version} {plural})",
            )
        return found

    # -- reads -------------------------------------------------------------------------

    def _key(self, kind: ResourceType, namespace: str | None, name: str) -> Key:
        return (kind.group, kind.plural, (namespace or "") if kind.namespaced else "", name)

    def _existing(self, kind: ResourceType, namespace: str | None, name: str) -> dict[str, Any]:
        found = self.objects.get(self._key(kind, namespace, name))
        if found is None:
            raise ApiError(
                404,
                "NotFound",
                f'{kind.plural}.{kind.group} "{name}" not found'.replace("s. ", "s "),
                details={"name": name, "kind": kind.plural},
            )
        return found

    def get(self, kind: ResourceType, namespace: str | None, name: str) -> dict[str, Any]:
        return copy.deepcopy(self._existing(kind, namespace, name))

    def list(
        self,
        kind: ResourceType,
        namespace: str | None,
        label_selector: str = "",
        field_selector: str = "",
    ) -> list[dict[str, Any]]:
        items = [
            copy.deepcopy(body)
            for (group, plural, object_namespace, _), body in sorted(self.objects.items())
            if (group, plural) == (kind.group, kind.plural)
            and (not namespace or object_namespace == namespace)
            and selector_matches(body, label_selector, field_selector)
        ]
        return items

    # -- writes ------------------------------------------------------------------------

    def _commit(self, kind: ResourceType, body: dict[str, Any], event_type: str) -> None:
        self.resource_version += 1
        if event_type != "DELETED":
            body["metadata"]["resourceVersion"] = str(self.resource_version)
        event = {"type": event_type, "object": copy.deepcopy(body)}
        if event_type == "DELETED":
            event["object"]["metadata"]["resourceVersion"] = str(self.resource_version)
        self.history.append((self.resource_version, (kind.group, kind.plural), event))
        for watcher in self.watchers:
            if watcher.type is kind and self._watched(watcher, event["object"]):
                watcher.queue.put_nowait(event)

    @staticmethod
    def _watched(watcher: Watcher, body: dict[str, Any]) -> bool:
        namespace_ok = (
            not watcher.namespace or body["metadata"].get("namespace") == watcher.namespace
        )
        return namespace_ok and selector_matches(
            body, watcher.label_selector, watcher.field_selector
        )

    def _admit(
        self, kind: ResourceType, body: dict[str, Any], old: dict[str, Any] | None, *, strict: bool
    ) -> None:
        kube_admission.admit(kind, body, old, strict=strict)

    def _check_namespace(self, kind: ResourceType, namespace: str | None) -> None:
        if kind.namespaced and ("", "namespaces", "", namespace or "") not in self.objects:
            raise ApiError(404, "NotFound", f'namespaces "{namespace}" not found')

    def create(
        self,
        kind: ResourceType,
        namespace: str | None,
        body: dict[str, Any],
        *,
        strict: bool = False,
    ) -> dict[str, Any]:
        body = copy.deepcopy(body)
        metadata = body.setdefault("metadata", {})
        if not metadata.get("name") and metadata.get("generateName"):
            metadata["name"] = metadata["generateName"] + uuid.uuid4().hex[:5]
        if not metadata.get("name"):
            raise ApiError(422, "Invalid", "metadata.name: Required value: name is required")
        if kind.namespaced:
            if metadata.get("namespace") and namespace and metadata["namespace"] != namespace:
                raise ApiError(
                    400,
                    "BadRequest",
                    "the namespace of the object does not match the namespace of the request",
                )
            metadata["namespace"] = namespace or metadata.get("namespace") or "default"
            self._check_namespace(kind, metadata["namespace"])
        else:
            metadata.pop("namespace", None)
        key = self._key(kind, metadata.get("namespace"), metadata["name"])
        if key in self.objects:
            raise ApiError(
                409, "AlreadyExists", f'{kind.plural} "{metadata["name"]}" already exists'
            )
        body["apiVersion"], body["kind"] = kind.api_version, kind.kind
        if kind.has_status:
            body.pop("status", None)
        for managed in ("uid", "resourceVersion", "deletionTimestamp"):
            metadata.pop(managed, None)
        self._admit(kind, body, None, strict=strict)
        metadata.update(uid=str(uuid.uuid4()), creationTimestamp=now(), generation=1)
        self.objects[key] = body
        self._commit(kind, body, "ADDED")
        self._after_write(kind, key)
        return copy.deepcopy(body)

    def update(
        self,
        kind: ResourceType,
        namespace: str | None,
        name: str,
        change: Callable[[dict[str, Any]], dict[str, Any]],
        *,
        subresource: str = "",
        strict: bool = False,
        expected_version: str | None = None,
    ) -> dict[str, Any]:
        """Apply `change` to a copy of the object and store the result with the rules of
        the main resource or the status subresource."""
        current = self._existing(kind, namespace, name)
        wanted = change(copy.deepcopy(current))
        version = expected_version or wanted.get("metadata", {}).get("resourceVersion")
        if version and version != current["metadata"]["resourceVersion"]:
            raise ApiError(
                409,
                "Conflict",
                f"Operation cannot be fulfilled on {kind.plural} "
                f'"{name}": the object has been modified; please apply your changes '
                "to the latest version and try again",
            )
        if subresource == "status":
            wanted = {**copy.deepcopy(current), "status": wanted.get("status")}
            if wanted["status"] is None:
                wanted.pop("status")
        elif kind.has_status:
            wanted.pop("status", None)
            if "status" in current:
                wanted["status"] = copy.deepcopy(current["status"])
        metadata = wanted.setdefault("metadata", {})
        for fixed in (
            "uid",
            "name",
            "namespace",
            "creationTimestamp",
            "deletionTimestamp",
            "generation",
        ):
            if fixed in current["metadata"]:
                metadata[fixed] = current["metadata"][fixed]
            else:
                metadata.pop(fixed, None)
        wanted["apiVersion"], wanted["kind"] = kind.api_version, kind.kind
        metadata["resourceVersion"] = current["metadata"]["resourceVersion"]
        self._admit(kind, wanted, current, strict=strict)
        if wanted == current:
            return copy.deepcopy(current)  # a no-op: no new resourceVersion, no event
        if _essence(wanted) != _essence(current):
            metadata["generation"] = current["metadata"].get("generation", 1) + 1
        key = self._key(kind, namespace, name)
        self.objects[key] = wanted
        if metadata.get("deletionTimestamp") and not metadata.get("finalizers"):
            self._remove(kind, key)
            return copy.deepcopy(wanted)
        self._commit(kind, wanted, "MODIFIED")
        self._after_write(kind, key)
        return copy.deepcopy(wanted)

    def patch(
        self,
        kind: ResourceType,
        namespace: str | None,
        name: str,
        patch: Any,
        content_type: str,
        *,
        subresource: str = "",
        manager: str = "",
        strict: bool = False,
    ) -> tuple[dict[str, Any], bool]:
        """(object, created): apply a patch of any supported content type."""
        if content_type == "application/apply-patch+yaml":
            return self._apply(
                kind,
                namespace,
                name,
                patch,
                subresource=subresource,
                manager=manager,
                strict=strict,
            )

        def change(body: dict[str, Any]) -> dict[str, Any]:
            try:
                if content_type == "application/json-patch+json":
                    return kube_patches.json_patch(body, patch)  # type: ignore[no-any-return]
                if content_type == "application/strategic-merge-patch+json":
                    return kube_patches.strategic_merge_patch(body, patch)  # type: ignore[no-any-return]
                if content_type == "application/merge-patch+json":
                    return kube_patches.merge_patch(body, patch)  # type: ignore[no-any-return]
            except kube_patches.PatchError as error:
                raise ApiError(422, "Invalid", str(error)) from None
            raise ApiError(415, "UnsupportedMediaType", f"unsupported patch type {content_type}")

        return self.update(
            kind, namespace, name, change, subresource=subresource, strict=strict
        ), False

    def _apply(
        self,
        kind: ResourceType,
        namespace: str | None,
        name: str,
        applied: Any,
        *,
        subresource: str,
        manager: str,
        strict: bool,
    ) -> tuple[dict[str, Any], bool]:
        if not manager:
            raise ApiError(422, "Invalid", "fieldManager is required for apply patch")
        if not isinstance(applied, dict) or applied.get("metadata", {}).get("name") != name:
            raise ApiError(400, "BadRequest", "the name of the applied object does not match")
        key = self._key(kind, namespace, name)
        if key not in self.objects:
            created = self.create(kind, namespace, applied, strict=strict)
            self.applied[(created["metadata"]["uid"], manager)] = copy.deepcopy(applied)
            return created, True
        uid = self.objects[key]["metadata"]["uid"]
        previous = self.applied.get((uid, manager))
        result = self.update(
            kind,
            namespace,
            name,
            lambda body: kube_patches.server_side_apply(body, applied, previous),
            subresource=subresource,
            strict=strict,
        )
        self.applied[(uid, manager)] = copy.deepcopy(applied)
        return result, False

    def delete(
        self,
        kind: ResourceType,
        namespace: str | None,
        name: str,
        *,
        propagation: str = "Background",
    ) -> dict[str, Any]:
        key = self._key(kind, namespace, name)
        body = self._existing(kind, namespace, name)
        if body["metadata"].get("deletionTimestamp"):
            return copy.deepcopy(body)
        if body["metadata"].get("finalizers"):
            body["metadata"]["deletionTimestamp"] = now()
            body["metadata"]["deletionGracePeriodSeconds"] = 0
            self._commit(kind, body, "MODIFIED")
            return copy.deepcopy(body)
        if propagation == "Foreground":
            self._collect(body["metadata"]["uid"])
        self._remove(kind, key)
        return copy.deepcopy(body)

    def _remove(self, kind: ResourceType, key: Key) -> None:
        body = self.objects.pop(key)
        self._commit(kind, body, "DELETED")
        self._collect(body["metadata"]["uid"])

    def _collect(self, owner_uid: str) -> None:
        """Garbage collection: delete every object owned by `owner_uid`."""
        for key, body in list(self.objects.items()):
            references = body["metadata"].get("ownerReferences") or []
            if key in self.objects and any(ref.get("uid") == owner_uid for ref in references):
                kind = self.types[(key[0], key[1])]
                self.delete(kind, key[2] or None, key[3])

    def _after_write(self, kind: ResourceType, key: Key) -> None:
        if kind.kind == "CustomResourceDefinition":
            self.register(crd_resource_type(self.objects[key]))
        if kind.kind == "Deployment" and self.deployments_become_ready:
            asyncio.get_running_loop().call_soon(self._deployment_ready, kind, key)

    def _deployment_ready(self, kind: ResourceType, key: Key) -> None:
        body = self.objects.get(key)
        if body is None:
            return
        generation = body["metadata"].get("generation", 1)
        if (body.get("status") or {}).get("observedGeneration") == generation:
            return
        body["status"] = kube_admission.ready_deployment_status(body, now())
        self._commit(kind, body, "MODIFIED")

    # -- watching ----------------------------------------------------------------------

    def watch(
        self,
        kind: ResourceType,
        namespace: str | None,
        *,
        since: str,
        label_selector: str = "",
        field_selector: str = "",
    ) -> tuple[Watcher, list[Event]]:
        """A registered watcher and the events to send first: the history after `since`,
        or ADDED for every object when `since` is empty or "0"."""
        watcher = Watcher(kind, namespace, label_selector, field_selector)
        if not since or since == "0":
            initial = [
                {"type": "ADDED", "object": body}
                for body in self.list(kind, namespace, label_selector, field_selector)
            ]
        else:
            start = int(since)
            oldest = self.history[0][0] if self.history else self.resource_version + 1
            if start < oldest - 1 and start < self.resource_version:
                raise ApiError(410, "Expired", f"too old resource version: {start} ({oldest - 1})")
            initial = [
                copy.deepcopy(event)
                for version, resource, event in self.history
                if version > start
                and resource == (kind.group, kind.plural)
                and self._watched(watcher, event["object"])
            ]
        self.watchers.append(watcher)
        return watcher, initial

    def unwatch(self, watcher: Watcher) -> None:
        if watcher in self.watchers:
            self.watchers.remove(watcher)

    def close(self) -> None:
        for watcher in list(self.watchers):
            watcher.queue.put_nowait(None)
        self.watchers.clear()
