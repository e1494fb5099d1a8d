"""A small asynchronous Kubernetes API client over aiohttp, for the few verbs the operator
uses: get, list, server-side apply, status merge-patch and delete.

It authenticates with the same `kopf.ConnectionInfo` the operator logged in with
(in-cluster service account, then kubeconfig). Transport failures and 5xx/429 answers
become `KubernetesUnavailable` (retry); other refusals `KubernetesRejected`.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
import kopf

from tradeplane.operator import naming
from tradeplane.operator.errors import KubernetesRejected, KubernetesUnavailable

logger = logging.getLogger(__name__)

#: kind -> (group, version, plural) of every kind the operator touches.
KINDS: dict[str, tuple[str, str, str]] = {
    "ConfigMap": ("", "v1", "configmaps"),
    "Service": ("", "v1", "services"),
    "Secret": ("", "v1", "secrets"),
    "Event": ("", "v1", "events"),
    "Deployment": ("apps", "v1", "deployments"),
    naming.UNIVERSE_KIND: (naming.GROUP, naming.VERSION, naming.UNIVERSE_PLURAL),
    naming.STRATEGY_KIND: (naming.GROUP, naming.VERSION, naming.STRATEGY_PLURAL),
    "KopfPeering": ("kopf.dev", "v1", "kopfpeerings"),
    "ClusterKopfPeering": ("kopf.dev", "v1", "clusterkopfpeerings"),
}


def resource_path(kind: str, namespace: str, name: str = "", subresource: str = "") -> str:
    """The URL path of `kind` objects (of one object with `name`); an empty `namespace`
    means a cluster-scoped kind."""
    group, version, plural = KINDS[kind]
    prefix = f"/api/{version}" if not group else f"/apis/{group}/{version}"
    path = f"{prefix}/namespaces/{namespace}/{plural}" if namespace else f"{prefix}/{plural}"
    if name:
        path += f"/{name}"
    if subresource:
        path += f"/{subresource}"
    return path


class KubeClient:
    """Requests against one API server with `info`'s credentials; on 401 it logs in again
    with `relogin` (rotated service-account tokens) and retries once. `close()` at the end."""

    def __init__(
        self,
        info: kopf.ConnectionInfo,
        *,
        relogin: Callable[[], kopf.ConnectionInfo] | None = None,
        timeout_seconds: float = 15.0,
    ) -> None:
        self.info = info
        self._relogin = relogin
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def _client(self) -> aiohttp.ClientSession:
        if self._closed:  # the operator is stopping; a late handler must not open a new one
            raise KubernetesUnavailable("the Kubernetes client is closed (operator stopping)")
        if self._session is None or self._session.closed:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                auth = self.info.as_aiohttp_basic_auth()
            self._session = aiohttp.ClientSession(
                base_url=self.info.server.rstrip("/") + "/",
                connector=aiohttp.TCPConnector(ssl=self.info.as_ssl_context()),
                headers={"User-Agent": "tradeplane-operator", **self.info.as_http_headers()},
                auth=auth,
                timeout=self._timeout,
            )
        return self._session

    async def close(self) -> None:
        """Close for good (a later request raises KubernetesUnavailable)."""
        self._closed = True
        await self._drop_session()

    async def _drop_session(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        content_type: str = "application/json",
    ) -> dict[str, Any] | None:
        """The decoded answer, or None for 404."""
        data = json.dumps(body) if body is not None else None
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        for attempt in range(2):
            try:
                async with self._client().request(
                    method, path.lstrip("/"), params=params, data=data, headers=headers
                ) as response:
                    text = await response.text()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as error:
                raise KubernetesUnavailable(
                    f"Kubernetes API {self.info.server} unreachable ({method} {path}): {error!r}"
                ) from error
            if status != 401 or attempt or self._relogin is None:
                break
            await self._drop_session()  # expired token: log in again (rotated tokens)
            self.info = self._relogin()
        if status == 404:
            return None
        payload = _decode(text)
        if status >= 500 or status == 429:
            raise KubernetesUnavailable(
                f"Kubernetes API answered {status} to {method} {path}: {payload.get('message')}"
            )
        if status >= 400:
            raise KubernetesRejected(
                f"Kubernetes API refused {method} {path} ({status} {payload.get('reason')}): "
                f"{payload.get('message')}",
                status=status,
            )
        return payload

    async def get(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        return await self._request("GET", resource_path(kind, namespace, name))

    async def list(
        self, kind: str, namespace: str, *, label_selector: str = ""
    ) -> list[dict[str, Any]]:
        params = {"labelSelector": label_selector} if label_selector else None
        answer = await self._request("GET", resource_path(kind, namespace), params=params)
        return list((answer or {}).get("items", []))

    async def apply(self, manifest: Mapping[str, Any], *, field_manager: str) -> dict[str, Any]:
        """Server-side apply (create or update the fields this manager owns)."""
        metadata = manifest["metadata"]
        path = resource_path(manifest["kind"], metadata["namespace"], metadata["name"])
        answer = await self._request(
            "PATCH",
            path,
            params={"fieldManager": field_manager, "force": "true"},
            body=manifest,
            content_type="application/apply-patch+yaml",
        )
        if answer is None:
            raise KubernetesRejected(f"apply of {path} answered 404", status=404)
        return answer

    async def create(self, manifest: Mapping[str, Any]) -> dict[str, Any] | None:
        """Create; None when it already exists (409)."""
        metadata = manifest["metadata"]
        path = resource_path(manifest["kind"], metadata.get("namespace", ""))
        try:
            answer = await self._request("POST", path, body=manifest)
        except KubernetesRejected as error:
            if error.status == 409:
                return None
            raise
        if answer is None:
            raise KubernetesRejected(f"{path} does not exist (is its CRD installed?)", status=404)
        return answer

    async def patch_status(
        self, kind: str, namespace: str, name: str, status: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        """Merge-patch the status subresource; None when the object is gone."""
        return await self._request(
            "PATCH",
            resource_path(kind, namespace, name, "status"),
            body={"status": status},
            content_type="application/merge-patch+json",
        )

    async def delete(
        self, kind: str, namespace: str, name: str, *, propagation: str = "Background"
    ) -> bool:
        """Delete; False when it was already gone."""
        answer = await self._request(
            "DELETE",
            resource_path(kind, namespace, name),
            body={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": propagation},
        )
        return answer is not None


def _decode(text: str) -> dict[str, Any]:
    try:
        decoded = json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {"message": text[:500]}
    return decoded if isinstance(decoded, dict) else {"message": str(decoded)[:500]}
