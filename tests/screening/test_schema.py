"""The CRD schema and the docs generated from the declarations."""

import json
from collections.abc import Iterator
from typing import Any

import celpy
import jsonschema
import pytest
from celpy import celtypes

from tradeplane.screening import (
    STAGE_GROUPS,
    InvalidScreeningConfig,
    load_config,
    openapi_schema,
    parameters_markdown,
)


def leaves(
    schema: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict]]:
    if schema["type"] == "object":
        for name, child in schema["properties"].items():
            yield from leaves(child, (*path, name))
    else:
        yield path, schema


def objects(
    schema: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict]]:
    if schema["type"] == "object":
        yield path, schema
        for name, child in schema["properties"].items():
            yield from objects(child, (*path, name))


def nested(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    node = data
    for name in path[:-1]:
        node = node.setdefault(name, {})
    node[path[-1]] = value
    # keep the cross-stage rule topN <= keepTop out of the way of single-field bounds
    if path[-1] == "keepTop":
        data.setdefault("scoring", {})["selection"] = {"topN": 1}
    if path[-1] == "topN":
        data.setdefault("volatilityMomentum", {})["ranking"] = {"keepTop": 100_000}
    return data


def test_every_field_has_a_type_and_a_description() -> None:
    schema = openapi_schema()
    found = list(leaves(schema))
    assert len(found) > 40
    for path, leaf in found:
        assert leaf["type"] in {"number", "integer", "boolean", "string", "array"}, path
        assert len(leaf["description"]) > 10, path
        assert "default" in leaf or leaf["nullable"], path
    for path, node in objects(schema):
        assert node["description"], path
        assert node["default"] == {}, path  # the API server fills nested defaults


def test_schema_is_structural() -> None:
    text = json.dumps(openapi_schema())
    for keyword in ("$ref", "anyOf", "oneOf", "allOf", "additionalProperties"):
        assert keyword not in text


def test_defaults_validate_against_the_schema_and_match_the_config() -> None:
    schema = openapi_schema()
    defaults = load_config().model_dump(mode="json", by_alias=True)
    # null is how Kubernetes spells an absent nullable field; Draft 4 knows no "nullable"
    jsonschema.Draft4Validator(schema).validate(
        load_config().model_dump(mode="json", by_alias=True, exclude_none=True)
    )
    jsonschema.Draft4Validator(schema).validate({})
    for path, leaf in leaves(schema):
        value: Any = defaults
        for name in path:
            value = value[name]
        assert value == leaf.get("default"), path


def test_bounds_appear_as_minimum_and_maximum() -> None:
    universe = openapi_schema()["properties"]["universe"]["properties"]
    assert universe["quoteVolume"]["properties"]["minUsd"]["minimum"] == 0.0
    assert universe["quoteVolume"]["properties"]["minUsd"]["default"] == 50_000_000.0
    assert "Unit: USD." in universe["quoteVolume"]["properties"]["minUsd"]["description"]
    spread = universe["spread"]["properties"]["maxPercent"]
    assert (spread["minimum"], spread["maximum"], spread["default"]) == (0.0, 100.0, 0.05)
    assert universe["price"]["properties"]["maxUsd"]["nullable"] is True
    stage2 = openapi_schema()["properties"]["volatilityMomentum"]["properties"]
    lookbacks = stage2["velocity"]["properties"]["lookbacks"]
    assert lookbacks["items"] == {"type": "integer", "minimum": 1, "maximum": 10_000}
    assert lookbacks["minItems"] == 1
    weights = openapi_schema()["properties"]["scoring"]["properties"]["weights"]
    assert weights["properties"]["trend"]["properties"]["momentum"]["default"] == 0.3


def bounded_leaves() -> list[tuple[tuple[str, ...], str, float]]:
    cases = []
    for path, leaf in leaves(openapi_schema()):
        if "minimum" in leaf:
            cases.append((path, "minimum", leaf["minimum"]))
        if "maximum" in leaf:
            cases.append((path, "maximum", leaf["maximum"]))
    return cases


@pytest.mark.parametrize(("path", "bound", "limit"), bounded_leaves())
def test_schema_and_config_agree_on_every_bound(path, bound, limit) -> None:
    schema = openapi_schema()
    validator = jsonschema.Draft4Validator(schema)
    outside = limit - 1 if bound == "minimum" else limit + 1
    for value, accepted in ((limit, True), (outside, False)):
        data = nested(path, value)
        assert validator.is_valid(data) is accepted, (path, value)
        try:
            load_config(data)
            loaded = True
        except InvalidScreeningConfig as error:
            loaded = False
            assert error.field.startswith("stages." + ".".join(path)), error.field
        assert loaded is accepted, (path, value)


def test_weight_rules_are_cel_the_api_server_can_check() -> None:
    weights = openapi_schema()["properties"]["scoring"]["properties"]["weights"]
    trend = weights["properties"]["trend"]
    [rule] = trend["x-kubernetes-validations"]
    assert rule["message"] == "at least one weight must be positive"
    environment = celpy.Environment()
    program = environment.program(environment.compile(rule["rule"]))

    def holds(values: dict[str, float]) -> bool:
        self = celtypes.MapType(
            {celtypes.StringType(k): celtypes.DoubleType(v) for k, v in values.items()}
        )
        return bool(program.evaluate({"self": self}))

    defaults = {name: child["default"] for name, child in trend["properties"].items()}
    assert holds(defaults)
    assert not holds(dict.fromkeys(defaults, 0.0))
    assert holds({**dict.fromkeys(defaults, 0.0), "volume": 0.1})


def test_markdown_documents_every_parameter() -> None:
    text = parameters_markdown()
    assert "| Parameter | Type | Default | Bounds | Unit | Description |" in text
    for group in STAGE_GROUPS:
        assert f"(`stages.{group.alias}`)" in text
        for stage in group.stages:
            assert f"### `{group.alias}.{stage.alias()}`" in text
            for parameter in stage.parameters:
                assert f"| `{parameter.alias}` |" in text, parameter.alias
    assert "| `minUsd` | number or null | `50000000.0` | min 0 | USD |" in text
    assert "| `trend.momentum` | number | `0.3` | min 0, max 100 |" in text
