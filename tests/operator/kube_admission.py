"""Admission and the built-in controllers of the emulated API server: validation of
custom resources against their CRD, of CRDs and Deployments, and the status a kubelet-backed
Deployment controller would report."""

from __future__ import annotations

from typing import Any

from tests.operator import crd_schema
from tests.operator.kube_types import ApiError, ResourceType, crd_resource_type


def admit(
    kind: ResourceType, body: dict[str, Any], old: dict[str, Any] | None, *, strict: bool
) -> None:
    """What admission does to an object about to be stored (raises ApiError 422):
    custom resources are pruned, defaulted and validated (OpenAPI, then CEL); CRDs must be
    servable; Deployments keep their selector and select their own template."""
    if kind.schema is not None:
        unknown = crd_schema.prune(kind.schema, body)
        causes = [
            {
                "reason": "FieldValueUnknown",
                "field": path.lstrip("."),
                "message": f'unknown field "{path.lstrip(".")}"',
            }
            for path in (unknown if strict else [])
        ]
        if not causes:
            crd_schema.apply_defaults(kind.schema, body)
            causes = [
                {
                    "reason": "FieldValueInvalid",
                    "field": text.split(": ", 1)[0].lstrip("."),
                    "message": "Invalid value: " + text.split(": ", 1)[1],
                }
                for text in crd_schema.schema_errors(kind.schema, body)
            ]
        if not causes:
            causes = [
                {
                    "reason": v.reason,
                    "field": v.path.lstrip(".") or "<root>",
                    "message": f'Invalid value: "object": {v.message}',
                }
                for v in crd_schema.cel_violations(kind.schema, body, old)
            ]
        if causes:
            name = body["metadata"].get("name", "")
            summary = ", ".join(f"{c['field']}: {c['message']}" for c in causes)
            prefix = "strict decoding error: " if strict and unknown else ""
            raise ApiError(
                422,
                "Invalid",
                f'{prefix}{kind.kind}.{kind.group} "{name}" is invalid: [{summary}]',
                details={
                    "name": name,
                    "group": kind.group,
                    "kind": kind.kind,
                    "causes": causes,
                },
            )
    if kind.kind == "CustomResourceDefinition":
        crd_resource_type(body)  # raises 422 when it cannot be served
    if kind.kind == "Deployment":
        selector = body.get("spec", {}).get("selector", {}).get("matchLabels", {})
        labels = body.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
        if any(labels.get(k) != v for k, v in selector.items()):
            raise ApiError(
                422,
                "Invalid",
                "spec.template.metadata.labels: Invalid value: "
                "`selector` does not match template `labels`",
            )
        if old is not None and old.get("spec", {}).get("selector") != body["spec"].get("selector"):
            raise ApiError(422, "Invalid", "spec.selector: Invalid value: field is immutable")


def ready_deployment_status(body: dict[str, Any], timestamp: str) -> dict[str, Any]:
    """The status of a Deployment whose pods all came up."""
    replicas = int(body.get("spec", {}).get("replicas", 1))
    return {
        "observedGeneration": body["metadata"].get("generation", 1),
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": replicas,
        "availableReplicas": replicas,
        "conditions": [
            {
                "type": "Available",
                "status": "True",
                "reason": "MinimumReplicasAvailable",
                "lastTransitionTime": timestamp,
            }
        ],
    }
