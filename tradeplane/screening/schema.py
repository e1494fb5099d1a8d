"""The stage declarations rendered for others: an OpenAPI v3 schema and markdown docs.

`openapi_schema()` is the `stages` property of the SymbolUniverse CRD (structural:
every property typed and described, defaults filled by the API server, bounds as
minimum/maximum); `parameters_markdown()` documents the same parameters for people.
Both read the declarations in `config.STAGE_GROUPS`, the same ones `ScreeningConfig`
validates with.
"""

from __future__ import annotations

import json
from typing import Any

from .base import Group, Parameter, ParameterSet, Stage, describe, summary
from .config import STAGE_GROUPS

_OPENAPI_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def _scalar_schema(parameter: Parameter[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _OPENAPI_TYPES[parameter.kind]}
    if parameter.choices:
        schema["enum"] = list(parameter.choices)
    if parameter.minimum is not None:
        schema["minimum"] = parameter.minimum
    if parameter.maximum is not None:
        schema["maximum"] = parameter.maximum
    return schema


def parameter_schema(parameter: Parameter[Any], default: Any = None) -> dict[str, Any]:
    """The OpenAPI v3 schema of one parameter, with description and default."""
    if isinstance(parameter, Group):
        return _set_schema(parameter.parameter_set, parameter.help_text(), parameter.defaults)
    if parameter.sequence:
        schema: dict[str, Any] = {"type": "array", "items": _scalar_schema(parameter)}
        if parameter.min_items is not None:
            schema["minItems"] = parameter.min_items
    else:
        schema = _scalar_schema(parameter)
    if parameter.optional:
        schema["nullable"] = True
    schema["description"] = parameter.help_text()
    value = parameter.default if default is None else default
    if value is not None:  # a null default is left out: absent means "none"
        schema["default"] = list(value) if parameter.sequence else value
    return schema


def _set_schema(
    parameter_set: type[ParameterSet], description: str, defaults: Any = None
) -> dict[str, Any]:
    overrides = dict(defaults or {})
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "default": {},
        "properties": {
            parameter.alias: parameter_schema(parameter, overrides.get(parameter.name))
            for parameter in parameter_set.parameters
        },
    }
    if parameter_set.rules:
        schema["x-kubernetes-validations"] = [
            {"rule": rule, "message": message} for rule, message in parameter_set.rules
        ]
    return schema


def openapi_schema() -> dict[str, Any]:
    """The OpenAPI v3 (structural) schema of a SymbolUniverse's `spec.stages`."""
    return {
        "type": "object",
        "description": "Parameters of the three screening stages; every field has a default.",
        "default": {},
        "properties": {
            group.alias: {
                "type": "object",
                "description": f"{group.title}. {group.description}",
                "default": {},
                "properties": {
                    stage.alias(): _set_schema(stage, summary(stage)) for stage in group.stages
                },
            }
            for group in STAGE_GROUPS
        },
    }


def _type_text(parameter: Parameter[Any]) -> str:
    if isinstance(parameter, Group):
        return "object"
    text = (
        " | ".join(repr(choice) for choice in parameter.choices) or _OPENAPI_TYPES[parameter.kind]
    )
    if parameter.sequence:
        text = f"list of {text}"
    return f"{text} or null" if parameter.optional else text


def _bounds_text(parameter: Parameter[Any]) -> str:
    parts = []
    if parameter.minimum is not None:
        parts.append(f"min {parameter.minimum:g}")
    if parameter.maximum is not None:
        parts.append(f"max {parameter.maximum:g}")
    if parameter.min_items is not None:
        parts.append(f"at least {parameter.min_items} item(s)")
    return ", ".join(parts)


def _rows(parameter_set: type[ParameterSet], prefix: str, defaults: Any = None) -> list[str]:
    rows = []
    overrides = dict(defaults or {})
    for parameter in parameter_set.parameters:
        name = f"{prefix}{parameter.alias}"
        if isinstance(parameter, Group):
            rows.append(f"| `{name}` | object | | | | {parameter.description} |")
            rows += _rows(parameter.parameter_set, f"{name}.", parameter.defaults)
            continue
        value = overrides.get(parameter.name, parameter.default)
        shown = json.dumps(list(value) if parameter.sequence else value)
        rows.append(
            f"| `{name}` | {_type_text(parameter)} | `{shown}` | {_bounds_text(parameter)} "
            f"| {parameter.unit} | {parameter.description} |"
        )
    return rows


def _stage_section(group_alias: str, stage: type[Stage]) -> list[str]:
    text = describe(stage).split("\n\n")
    lines = [f"### `{group_alias}.{stage.alias()}`", "", *("\n\n".join(text).splitlines()), ""]
    lines += [
        "| Parameter | Type | Default | Bounds | Unit | Description |",
        "|---|---|---|---|---|---|",
    ]
    return [*lines, *_rows(stage, ""), ""]


def parameters_markdown() -> str:
    """Markdown reference of every stage parameter (camelCase, as written in YAML)."""
    lines = [
        "# Screening stage parameters",
        "",
        "Generated from the stage declarations in `tradeplane.screening`; these are the",
        "fields of a SymbolUniverse's `spec.stages`. Every field is optional. Thresholds",
        "are inclusive: a value exactly at a threshold passes.",
        "",
    ]
    for group in STAGE_GROUPS:
        lines += [f"## {group.title} (`stages.{group.alias}`)", "", group.description, ""]
        for stage in group.stages:
            lines += _stage_section(group.alias, stage)
    return "\n".join(lines).rstrip() + "\n"
