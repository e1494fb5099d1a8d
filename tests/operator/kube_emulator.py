"""A realistic Kubernetes API server for tests, on kmock's HTTP server and discovery.

kmock's own `KubernetesEmulator` stores objects as plain merged dicts; this one adds
what kopf, the operator and the real `kubectl` rely on (semantics in `kube_store`):
uid, resourceVersion, generation, the status subresource, 201/200/404/409/410/422
answers as `Status` objects, watches that resume from a resourceVersion, server-side
apply, JSON/merge/strategic patches, CRDs that become served resources, discovery with
verbs and subresources, and the OpenAPI v3 documents kubectl downloads.

kmock's DSL still works on top: `emulator["get /api/v1/..."] << 500` injects a fault
for matching requests before the emulation answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import attrs
import kmock
import yaml
from kmock._internal import parsing as kmock_parsing

from tests.operator.kube_store import Store
from tests.operator.kube_types import BUILTIN_TYPES, VERBS, ApiError, ResourceType

WATCH_LIMIT_SECONDS = 120.0
_NAMESPACES = re.compile(r"^/api/v1/namespaces(?:/(?P<name>[^/]+))?/?$")
_parse_path = kmock_parsing.parse_path


def _parse_namespaces_too(path: str) -> kmock_parsing.ParsedPath:
    """kmock 0.8 fails to parse `/api/v1/namespaces[/NAME]` (the namespaces resource
    itself, which kopf lists and watches when given namespaces); parse those here."""
    found = _NAMESPACES.match(path)
    if found:
        return kmock_parsing.ParsedPath("", "v1", "namespaces", None, found["name"], None)
    return _parse_path(path)


kmock_parsing.parse_path = _parse_namespaces_too


def _response(code: int, payload: Any) -> kmock.Response:
    """Every answer carries its own status: kmock copies a nested Response's status onto
    the reaction it came from, so an answer without one would inherit the last status."""
    return kmock.Response(status=code, payload=payload)


@attrs.define(kw_only=True)
class KubeEmulator(kmock.KubernetesScaffold):
    """Serve with `async with KubeEmulator() as emulator, kmock.Server(emulator) as server`."""

    store: Store = attrs.field(factory=Store)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        self.store.on_register.append(self._discover)
        for resource_type in BUILTIN_TYPES:
            self.store.register(resource_type)
        for namespace in ("default", "kube-system"):
            self.store.create(
                self.store.types[("", "namespaces")], None, {"metadata": {"name": namespace}}
            )
        self.fallback["get", re.compile(r"/openapi/v3")] << self._openapi_index
        self.fallback["get", re.compile(r"/openapi/v3/.+")] << self._openapi_group_version
        self.fallback["get", re.compile(r"/openapi/v2")] << (lambda: _response(404, {}))
        self.fallback[re.compile(r"/apis?/.+")] << self._dispatch

    async def __aexit__(self, *exc_info: Any) -> None:
        self.store.close()
        await super().__aexit__(*exc_info)

    def _discover(self, resource_type: ResourceType) -> None:
        key = kmock.resource(resource_type.group, resource_type.version, resource_type.plural)
        self.resources[key] = kmock.ResourceInfo(
            kind=resource_type.kind,
            namespaced=resource_type.namespaced,
            singular=resource_type.singular or resource_type.kind.lower(),
            verbs=set(VERBS),
            shortnames=set(resource_type.short_names),
            categories=set(resource_type.categories),
            subresources=set(resource_type.subresources),
        )

    async def _serve_version(self, request: kmock.Request) -> kmock.Response:
        """APIResourceList of a group version; subresources without short names."""
        assert request.resource is not None
        group, version = request.resource.group or "", request.resource.version
        types = [t for t in self.store.types.values() if (t.group, t.version) == (group, version)]
        if not types:
            return _response(404, ApiError(404, "NotFound", "no such group version").status())
        resources = []
        for t in types:
            resources.append(
                {
                    "name": t.plural,
                    "singularName": t.singular or t.kind.lower(),
                    "namespaced": t.namespaced,
                    "kind": t.kind,
                    "verbs": list(VERBS),
                    "shortNames": list(t.short_names),
                    "categories": list(t.categories),
                }
            )
            for sub in sorted(t.subresources):
                resources.append(
                    {
                        "name": f"{t.plural}/{sub}",
                        "singularName": "",
                        "namespaced": t.namespaced,
                        "kind": t.kind,
                        "verbs": ["get", "patch", "update"],
                    }
                )
        return _response(
            200,
            {
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": f"{group}/{version}" if group else version,
                "resources": resources,
            },
        )

    # -- convenience for tests -----------------------------------------------------------

    def kind(self, group: str, plural: str) -> ResourceType:
        return self.store.types[(group, plural)]

    def objects(
        self, group: str, plural: str, namespace: str | None = None
    ) -> list[dict[str, Any]]:
        return self.store.list(self.kind(group, plural), namespace)

    def find(
        self, group: str, plural: str, namespace: str | None, name: str
    ) -> dict[str, Any] | None:
        try:
            return self.store.get(self.kind(group, plural), namespace, name)
        except ApiError:
            return None

    # -- the API ------------------------------------------------------------------------

    async def _dispatch(self, request: kmock.Request) -> kmock.Response:
        try:
            answer = await self._serve(request)
        except ApiError as error:
            return _response(error.code, error.status())
        return answer if isinstance(answer, kmock.Response) else _response(200, answer)

    async def _serve(self, request: kmock.Request) -> Any:
        resource = request.resource
        if resource is None or not resource.plural:
            raise ApiError(404, "NotFound", f"the server could not find {request.url.path}")
        kind = self.store.resolve(resource.group or "", resource.version or "", resource.plural)
        namespace, name = request.namespace, request.name
        subresource = request.subresource or ""
        method = request.method.value.upper()
        params = dict(request.params)
        strict = params.get("fieldValidation", "").lower() == "strict"
        if subresource and subresource not in kind.subresources:
            raise ApiError(404, "NotFound", f"{kind.plural} has no subresource {subresource}")
        if method == "GET" and params.get("watch") in ("true", "1"):
            return self._watch(kind, namespace, params, name)
        if method == "GET" and name:
            return self.store.get(kind, namespace, name)
        if method == "GET":
            items = self.store.list(
                kind, namespace, params.get("labelSelector", ""), params.get("fieldSelector", "")
            )
            return {
                "apiVersion": kind.api_version,
                "kind": f"{kind.kind}List",
                "metadata": {"resourceVersion": str(self.store.resource_version)},
                "items": items,
            }
        body = _body(request)
        if method == "POST" and not name:
            return _response(201, self.store.create(kind, namespace, body, strict=strict))
        if not name:
            raise ApiError(405, "MethodNotAllowed", f"{method} needs an object name")
        if method == "PUT":
            return self.store.update(
                kind, namespace, name, lambda _: body, subresource=subresource, strict=strict
            )
        if method == "PATCH":
            content_type = request.headers.get("Content-Type", "").split(";")[0].strip()
            patched, created = self.store.patch(
                kind,
                namespace,
                name,
                body,
                content_type,
                subresource=subresource,
                manager=params.get("fieldManager", ""),
                strict=strict,
            )
            return _response(201 if created else 200, patched)
        if method == "DELETE":
            propagation = (body or {}).get("propagationPolicy") or params.get(
                "propagationPolicy", "Background"
            )
            return self.store.delete(kind, namespace, name, propagation=propagation)
        raise ApiError(405, "MethodNotAllowed", f"{method} is not supported")

    def _watch(
        self, kind: ResourceType, namespace: str | None, params: dict[str, str], name: str | None
    ) -> AsyncIterator[Any]:
        field_selector = params.get("fieldSelector", "")
        if name:
            field_selector = ",".join(filter(None, [field_selector, f"metadata.name={name}"]))
        watcher, initial = self.store.watch(
            kind,
            namespace,
            since=params.get("resourceVersion", ""),
            label_selector=params.get("labelSelector", ""),
            field_selector=field_selector,
        )
        limit = min(float(params.get("timeoutSeconds") or WATCH_LIMIT_SECONDS), WATCH_LIMIT_SECONDS)

        async def stream() -> AsyncIterator[Any]:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + limit
            try:
                yield b""  # send the headers now: the watch is established
                for event in initial:
                    yield event
                while (remaining := deadline - loop.time()) > 0:
                    try:
                        event = await asyncio.wait_for(watcher.queue.get(), remaining)
                    except TimeoutError:
                        break
                    if event is None:
                        break
                    yield event
            finally:
                self.store.unwatch(watcher)

        return stream()

    # -- OpenAPI v3 for kubectl ----------------------------------------------------------

    def _group_versions(self) -> dict[str, list[ResourceType]]:
        result: dict[str, list[ResourceType]] = {}
        for resource_type in self.store.types.values():
            path = (
                f"apis/{resource_type.group}/{resource_type.version}"
                if resource_type.group
                else f"api/{resource_type.version}"
            )
            result.setdefault(path, []).append(resource_type)
        return result

    def _openapi_index(self) -> kmock.Response:
        paths = {}
        for path, types in self._group_versions().items():
            digest = hashlib.sha256(repr([(t.kind, t.schema) for t in types]).encode()).hexdigest()
            paths[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest[:16].upper()}"}
        return _response(200, {"paths": paths})

    def _openapi_group_version(self, request: kmock.Request) -> Any:
        path = request.url.path.removeprefix("/openapi/v3/")
        types = self._group_versions().get(path)
        if types is None:
            return _response(404, ApiError(404, "NotFound", "no such group version").status())
        return _response(200, openapi_document(path, types))


def _body(request: kmock.Request) -> Any:
    if not request.body:
        return None
    try:
        return json.loads(request.body)
    except ValueError:
        try:
            return yaml.safe_load(request.body)
        except yaml.YAMLError as error:
            raise ApiError(400, "BadRequest", f"cannot decode the request body: {error}") from None


_PARAMETERS = [
    {"name": name, "in": "query", "schema": {"type": "string"}, "uniqueItems": True}
    for name in ("dryRun", "fieldManager", "fieldValidation", "force", "pretty")
]


def openapi_document(path: str, types: list[ResourceType]) -> dict[str, Any]:
    """An OpenAPI v3 document for one group version: paths whose operations declare the
    `fieldValidation` parameter (kubectl then leaves validation to the server) and the
    schemas of the kinds, tagged with their group/version/kind."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for resource_type in types:
        gvk = {
            "group": resource_type.group,
            "version": resource_type.version,
            "kind": resource_type.kind,
        }
        scope = "/namespaces/{namespace}" if resource_type.namespaced else ""
        base = f"/{path}{scope}/{resource_type.plural}"
        operation = {
            "x-kubernetes-group-version-kind": gvk,
            "parameters": _PARAMETERS,
            "responses": {"200": {"description": "OK"}},
        }
        paths[base] = {"post": operation, "get": operation}
        paths[base + "/{name}"] = {verb: operation for verb in ("get", "put", "patch", "delete")}
        group_name = (
            ".".join(reversed(resource_type.group.split(".")))
            if resource_type.group
            else "io.k8s.api.core"
        )
        schema = dict(
            resource_type.schema or {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
        )
        schema["x-kubernetes-group-version-kind"] = [gvk]
        schemas[f"{group_name}.{resource_type.version}.{resource_type.kind}"] = schema
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes (tradeplane test emulator)", "version": "v1.34.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
