"""What the Kubernetes API server does with a CRD's structural schema, for the emulator and
the CRD tests: defaulting, pruning unknown fields, OpenAPI validation and CEL rules.

CEL runs on cel-python with values typed by the schema (a `number` is a CEL double even
when written as `1`), `self.metadata` limited to name and generateName at the root, and
transition rules (`oldSelf`) only on updates, as the API server does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import celpy
import jsonschema
from celpy import celtypes

Schema = dict[str, Any]
_ENVIRONMENT = celpy.Environment()
_PROGRAMS: dict[str, Any] = {}


def apply_defaults(schema: Schema, value: Any) -> Any:
    """`value` with every missing defaulted field filled in, recursively (in place)."""
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name, child in properties.items():
            if name not in value and "default" in child:
                value[name] = copy.deepcopy(child["default"])
        for name, item in value.items():
            child_schema = properties.get(name)
            if child_schema is None and isinstance(schema.get("additionalProperties"), dict):
                child_schema = schema["additionalProperties"]
            if child_schema is not None:
                apply_defaults(child_schema, item)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            apply_defaults(schema["items"], item)
    return value


def prune(schema: Schema, value: Any, path: str = "") -> list[str]:
    """Drop fields the schema does not declare (in place); returns their paths."""
    unknown: list[str] = []
    if isinstance(value, dict) and not schema.get("x-kubernetes-preserve-unknown-fields"):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        for name in list(value):
            if not path and name in ("apiVersion", "kind", "metadata"):
                continue  # always kept at the root, whatever the schema says
            if properties is not None and name in properties:
                unknown += prune(properties[name], value[name], f"{path}.{name}")
            elif isinstance(additional, dict):
                unknown += prune(additional, value[name], f"{path}.{name}")
            elif properties is not None or additional is False:
                unknown.append(f"{path}.{name}")
                del value[name]
    elif isinstance(value, dict):
        for name, child in schema.get("properties", {}).items():
            if name in value:
                unknown += prune(child, value[name], f"{path}.{name}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            unknown += prune(schema["items"], item, f"{path}[{index}]")
    return unknown


def _json_schema(schema: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema draft 4 (nullable, int-or-string)."""
    if isinstance(schema, list):
        return [_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {
        key: _json_schema(value)
        for key, value in schema.items()
        if not key.startswith("x-kubernetes-") and key != "nullable"
    }
    if "properties" in schema:
        result["properties"] = {k: _json_schema(v) for k, v in schema["properties"].items()}
    if schema.get("x-kubernetes-int-or-string"):
        result["type"] = ["integer", "string"]
    if schema.get("nullable") and "type" in result:
        result["type"] = (
            [result["type"], "null"]
            if isinstance(result["type"], str)
            else [*result["type"], "null"]
        )
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    return result


def schema_errors(schema: Schema, value: Any) -> list[str]:
    """OpenAPI violations as `path: message` strings."""
    validator = jsonschema.Draft4Validator(
        _json_schema(schema), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        where = "".join(
            f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
        )
        errors.append(f"{where or '<root>'}: {error.message}")
    return errors


def to_cel(schema: Schema, value: Any) -> Any:
    """A JSON value as CEL types, typed by the schema."""
    kind = schema.get("type")
    if value is None:
        return None
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        additional = schema.get("additionalProperties")
        return celtypes.MapType(
            {
                celtypes.StringType(key): to_cel(
                    properties.get(key, additional if isinstance(additional, dict) else {}), item
                )
                for key, item in value.items()
            }
        )
    if isinstance(value, list):
        items = schema.get("items", {})
        return celtypes.ListType([to_cel(items, item) for item in value])
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if kind == "number" or isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    return celtypes.StringType(str(value))


@dataclass(frozen=True)
class Violation:
    path: str
    rule: str
    message: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: Invalid value: {self.message} (rule: {self.rule})"


def _evaluate(rule: str, activation: dict[str, Any]) -> Any:
    program = _PROGRAMS.get(rule)
    if program is None:
        program = _PROGRAMS[rule] = _ENVIRONMENT.program(_ENVIRONMENT.compile(rule))
    return program.evaluate(activation)


def cel_violations(
    schema: Schema, value: Any, old: Any = None, *, path: str = "", root: bool = True
) -> list[Violation]:
    """Every x-kubernetes-validations rule that `value` breaks (after defaulting)."""
    if value is None:
        return []
    violations: list[Violation] = []
    for rule in schema.get("x-kubernetes-validations", []):
        expression = rule["rule"]
        if "oldSelf" in expression and old is None:
            continue  # transition rules only apply to updates
        shown = value
        if root and isinstance(value, dict):  # only name/generateName of metadata are visible
            metadata = value.get("metadata") or {}
            shown = {
                **value,
                "metadata": {k: v for k, v in metadata.items() if k in ("name", "generateName")},
            }
        activation = {"self": to_cel(schema, shown)}
        if old is not None:
            activation["oldSelf"] = to_cel(schema, old)
        try:
            result = _evaluate(expression, activation)
            passed = bool(result) if isinstance(result, celtypes.BoolType) else False
        except celpy.CELEvalError:
            passed = False
        if not passed:
            where = path + rule.get("fieldPath", "")
            violations.append(
                Violation(
                    where,
                    expression,
                    rule.get("message", expression),
                    rule.get("reason", "FieldValueInvalid"),
                )
            )
    if isinstance(value, dict):
        for name, child in schema.get("properties", {}).items():
            if name in value:
                previous = old.get(name) if isinstance(old, dict) else None
                violations += cel_violations(
                    child, value[name], previous, path=f"{path}.{name}", root=False
                )
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            violations += cel_violations(
                schema["items"], item, None, path=f"{path}[{index}]", root=False
            )
    return violations


def admit(schema: Schema, value: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    """What the API server does on create/update of a custom resource: prune, default,
    validate; returns the error messages (empty when admitted). `value` is changed."""
    prune(schema, value)
    apply_defaults(schema, value)
    errors = schema_errors(schema, value)
    if not errors:
        errors = [str(violation) for violation in cel_violations(schema, value, old)]
    return errors
