"""Pydantic models -> structural OpenAPI v3 schemas, as CustomResourceDefinitions need
them (pure): references inlined, no titles, optional fields without `null`, OpenAPI 3.0
exclusive bounds, free-form maps as `x-kubernetes-preserve-unknown-fields`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

Schema = dict[str, Any]

_KEY_ORDER = (
    "type",
    "description",
    "default",
    "enum",
    "format",
    "pattern",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "required",
    "properties",
    "items",
    "additionalProperties",
)


def ordered(node: Any) -> Any:
    """`node` with schema keys in a readable order (type and description first)."""
    if isinstance(node, list):
        return [ordered(item) for item in node]
    if not isinstance(node, dict):
        return node
    rank = {key: index for index, key in enumerate(_KEY_ORDER)}
    is_schema = "type" in node or "properties" in node or "x-kubernetes-validations" in node
    keys = sorted(node, key=lambda key: (rank.get(key, len(rank)), key)) if is_schema else node
    return {
        key: (
            {name: ordered(child) for name, child in node[key].items()}
            if key == "properties"
            else ordered(node[key])
        )
        for key in keys
    }


def structural_schema(model: type[BaseModel]) -> Schema:
    """The model's JSON schema made structural for Kubernetes; object defaults become `{}`
    (the API server fills the nested defaults itself)."""
    raw = model.model_json_schema(by_alias=True, mode="validation")
    definitions = raw.pop("$defs", {})
    return ordered(_convert(raw, definitions))  # type: ignore[no-any-return]


def _convert(node: Schema, definitions: dict[str, Schema]) -> Schema:
    node = dict(node)
    if "$ref" in node:
        target = definitions[node.pop("$ref").rsplit("/", 1)[-1]]
        node = {**_convert(target, definitions), **{k: v for k, v in node.items() if k != "title"}}
    if "anyOf" in node:
        choices = [choice for choice in node.pop("anyOf") if choice.get("type") != "null"]
        if len(choices) != 1:
            raise ValueError(f"cannot express anyOf {choices} in a structural schema")
        node = {**_convert(choices[0], definitions), **node}
        if node.get("default", 0) is None:
            del node["default"]
    node.pop("title", None)
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if not isinstance(node.get(exclusive, True), bool):  # JSON Schema 2020 -> OpenAPI 3.0
            node[bound], node[exclusive] = node[exclusive], True
    if "properties" in node:
        node["type"] = "object"
        node["properties"] = {
            name: _convert(child, definitions) for name, child in node["properties"].items()
        }
    if node.get("additionalProperties") in (True, {}):
        del node["additionalProperties"]
        node["x-kubernetes-preserve-unknown-fields"] = True
    elif isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = _convert(node["additionalProperties"], definitions)
    if "items" in node:
        node["items"] = _convert(node["items"], definitions)
    if (
        node.get("type") == "object"
        and isinstance(node.get("default"), dict)
        and node.get("properties")
    ):
        node["default"] = {}
    if node.get("type") == "object" and "properties" not in node and not node.get("default"):
        node.pop("default", None)
    return node
