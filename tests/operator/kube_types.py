"""Resource types the emulated API server serves: the built-in ones the operator and
kubectl use, and those a CustomResourceDefinition adds; plus API errors and selectors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import celpy

VERBS = ("create", "delete", "get", "list", "patch", "update", "watch")


class ApiError(Exception):
    """An API answer other than success: rendered as a `Status` object."""

    def __init__(self, code: int, reason: str, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details

    def status(self) -> dict[str, Any]:
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "details": self.details or {},
            "code": self.code,
        }


@dataclass
class ResourceType:
    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool = True
    singular: str = ""
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: frozenset[str] = frozenset()
    schema: dict[str, Any] | None = None
    columns: list[dict[str, Any]] = field(default_factory=list)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def has_status(self) -> bool:
        return "status" in self.subresources


BUILTIN_TYPES = (
    ResourceType(
        "",
        "v1",
        "namespaces",
        "Namespace",
        namespaced=False,
        short_names=("ns",),
        subresources=frozenset({"status"}),
    ),
    ResourceType("", "v1", "configmaps", "ConfigMap", short_names=("cm",)),
    ResourceType("", "v1", "secrets", "Secret"),
    ResourceType(
        "", "v1", "services", "Service", short_names=("svc",), subresources=frozenset({"status"})
    ),
    ResourceType("", "v1", "events", "Event", short_names=("ev",)),
    ResourceType("", "v1", "serviceaccounts", "ServiceAccount", short_names=("sa",)),
    ResourceType(
        "apps",
        "v1",
        "deployments",
        "Deployment",
        short_names=("deploy",),
        categories=("all",),
        subresources=frozenset({"status", "scale"}),
    ),
    ResourceType(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        namespaced=False,
        short_names=("crd", "crds"),
        subresources=frozenset({"status"}),
    ),
    ResourceType(
        "rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", namespaced=False
    ),
    ResourceType(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
        namespaced=False,
    ),
    ResourceType("rbac.authorization.k8s.io", "v1", "roles", "Role"),
    ResourceType("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding"),
)


def crd_resource_type(crd: dict[str, Any]) -> ResourceType:
    """The type a CRD serves; ApiError 422 when the CRD is not acceptable (names, one
    storage version, schema present, CEL rules that do not compile)."""
    spec = crd.get("spec", {})
    names = spec.get("names", {})
    group, plural = spec.get("group", ""), names.get("plural", "")
    problems = []
    if crd.get("metadata", {}).get("name") != f"{plural}.{group}":
        problems.append('metadata.name: must be spec.names.plural+"."+spec.group')
    versions = spec.get("versions", [])
    storage = [version for version in versions if version.get("storage")]
    if len(storage) != 1:
        problems.append("spec.versions: must have exactly one version marked as storage version")
    served = [version for version in versions if version.get("served")] or storage
    schema = (served[0] if served else {}).get("schema", {}).get("openAPIV3Schema")
    if schema is None:
        problems.append("spec.versions[0].schema.openAPIV3Schema: Required value")
    problems += [f"{path}: {message}" for path, message in _cel_compile_errors(schema or {})]
    if problems:
        raise ApiError(
            422,
            "Invalid",
            f'CustomResourceDefinition "{crd["metadata"].get("name")}" '
            "is invalid: " + "; ".join(problems),
        )
    version = served[0]
    return ResourceType(
        group=group,
        version=version["name"],
        plural=plural,
        kind=names.get("kind", ""),
        namespaced=spec.get("scope", "Namespaced") == "Namespaced",
        singular=names.get("singular", ""),
        short_names=tuple(names.get("shortNames", [])),
        categories=tuple(names.get("categories", [])),
        subresources=frozenset(version.get("subresources", {})),
        schema=schema,
        columns=list(version.get("additionalPrinterColumns", [])),
    )


def _cel_compile_errors(schema: Any, path: str = "openAPIV3Schema") -> list[tuple[str, str]]:
    if not isinstance(schema, dict):
        return []
    errors = []
    environment = celpy.Environment()
    for rule in schema.get("x-kubernetes-validations", []):
        try:
            environment.compile(rule["rule"])
        except celpy.CELParseError as error:
            errors.append((f"{path}.x-kubernetes-validations", f"compilation failed: {error}"))
    for name, child in schema.get("properties", {}).items():
        errors += _cel_compile_errors(child, f"{path}.properties[{name}]")
    if isinstance(schema.get("items"), dict):
        errors += _cel_compile_errors(schema["items"], f"{path}.items")
    return errors


_REQUIREMENT = re.compile(
    r"^\s*(?P<negated>!)?(?P<key>[A-Za-z0-9./_-]+)\s*"
    r"(?:(?P<op>==|=|!=|\s+in\s+|\s+notin\s+)\s*(?P<value>\([^)]*\)|[A-Za-z0-9._-]*))?\s*$"
)


def _split_selector(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for character in text:
        depth += character == "("
        depth -= character == ")"
        if character == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += character
    return [part for part in [*parts, current] if part.strip()]


def labels_match(labels: dict[str, str], selector: str) -> bool:
    """Kubernetes label selector semantics (=, ==, !=, in, notin, key, !key)."""
    for requirement in _split_selector(selector):
        found = _REQUIREMENT.match(requirement)
        if found is None:
            raise ApiError(400, "BadRequest", f"unable to parse requirement: {requirement!r}")
        key, op = found["key"], (found["op"] or "").strip()
        value = found["value"] or ""
        values = (
            {v.strip() for v in value.strip("()").split(",")} if value.startswith("(") else {value}
        )
        if not op:
            if (key in labels) == bool(found["negated"]):
                return False
        elif op in ("=", "==", "in"):
            if labels.get(key) not in values:
                return False
        elif op in ("!=", "notin") and labels.get(key) in values:
            return False
    return True


def selector_matches(body: dict[str, Any], label_selector: str, field_selector: str) -> bool:
    metadata = body.get("metadata", {})
    if label_selector and not labels_match(metadata.get("labels") or {}, label_selector):
        return False
    fields = {
        "metadata.name": metadata.get("name", ""),
        "metadata.namespace": metadata.get("namespace", ""),
    }
    return not field_selector or labels_match(fields, field_selector)
