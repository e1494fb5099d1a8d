"""Pieces both custom resources share: the model base, resource overrides, conditions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

#: A Kubernetes quantity such as `500m`, `2`, `1Gi` (validated by pattern in the CRD).
QUANTITY_PATTERN = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$"
#: DNS-1123 label: what a Secret or SymbolUniverse name must look like.
DNS_LABEL_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


def cel(rule: str, message: str, *, field_path: str = "", reason: str = "") -> dict[str, str]:
    """One `x-kubernetes-validations` entry."""
    entry = {"rule": rule, "message": message}
    if field_path:
        entry["fieldPath"] = field_path
    if reason:
        entry["reason"] = reason
    return entry


def validations(*rules: dict[str, str]) -> dict[str, Any]:
    """`json_schema_extra` carrying CEL rules for a model or field."""
    return {"x-kubernetes-validations": list(rules)}


class Spec(BaseModel):
    """Base of every spec model: camelCase on the wire, immutable, unknown keys ignored
    (the API server prunes them before the operator sees an object)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore"
    )

    def wire(self) -> dict[str, Any]:
        """The camelCase JSON form, as written in a manifest."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Quantities(Spec):
    """CPU and memory quantities."""

    cpu: str | None = Field(
        None, max_length=16, pattern=QUANTITY_PATTERN, description="CPU, e.g. `500m` or `2`."
    )
    memory: str | None = Field(
        None, max_length=16, pattern=QUANTITY_PATTERN, description="Memory, e.g. `512Mi`."
    )


class ResourcesSpec(Spec):
    """Requests and limits of the service's container; unset values come from the
    operator's configuration."""

    requests: Quantities = Field(Quantities(), description="Resources the scheduler reserves.")
    limits: Quantities = Field(Quantities(), description="Hard caps; exceeding memory kills.")


class ComponentSpec(Spec):
    """Settings of one service Deployment."""

    resources: ResourcesSpec = Field(
        ResourcesSpec(), description="Container resources (defaults from the operator)."
    )


ConditionType = Literal["Ready", "Progressing", "Degraded"]


class Condition(Spec):
    """A standard status condition (metav1.Condition)."""

    type: str = Field(..., max_length=64, description="Ready, Progressing or Degraded.")
    status: Literal["True", "False", "Unknown"] = Field(..., description="True, False, Unknown.")
    reason: str = Field(
        ...,
        max_length=1024,
        pattern=r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
        description="CamelCase reason, for machines.",
    )
    message: str = Field("", max_length=32768, description="What happened, for humans.")
    last_transition_time: str = Field(
        ...,
        json_schema_extra={"format": "date-time"},
        description="When the status last changed.",
    )
    observed_generation: int = Field(0, ge=0, description="Generation this was computed for.")


def conditions_field() -> Any:
    return Field(
        [],
        max_length=8,
        description="Ready, Progressing and Degraded, each with reason and message.",
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"]},
    )


class ComponentStatus(Spec):
    """Readiness of one child Deployment."""

    name: str = Field(..., max_length=63, description="The Deployment's name.")
    ready_replicas: int = Field(0, ge=0, description="Pods ready.")
    replicas: int = Field(0, ge=0, description="Pods wanted.")
    ready: bool = Field(False, description="All wanted pods are ready.")
