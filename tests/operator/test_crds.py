"""The committed CRDs: current with their generator, valid Kubernetes objects, fully
described; the examples pass their schemas and CEL rules, the invalid ones fail on the
rule they were written to break."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from tests.operator import crd_schema
from tests.operator.conftest import CRD_DIRECTORY, EXAMPLES, load_documents
from tradeplane import screening
from tradeplane.operator import crds, naming
from tradeplane.operator.api import SymbolUniverseSpec, TradingStrategySpec
from tradeplane.operator.schema import ordered

INVALID = Path(__file__).parent / "invalid"
#: invalid example -> the message of the rule that must reject it (and only it)
EXPECTED_REJECTIONS = {
    "live-without-credentials": "live mode needs credentialsSecretRef",
    "live-without-risk-limits": "live mode needs risk limits",
    "top-n-above-keep-count": "scoring.selection.topN must be at most",
    "unknown-timeframe": "timeframes must be among 1m, 5m, 15m, 1h, 4h, 1d",
    "stage-timeframe-not-ingested": "the stages' timeframes",
    "signal-timeframe-unknown": "timeframe must be one of",
    "all-signal-weights-zero": "at least one signal weight must be above 0",
    "name-too-long": "metadata.name must be at most 40 characters",
}


def definitions() -> dict[str, dict[str, Any]]:
    """Kind -> CRD, from the committed files."""
    found = {}
    for path in CRD_DIRECTORY.glob("*.yaml"):
        for document in load_documents(path):
            found[document["spec"]["names"]["kind"]] = document
    return found


def schema_of(kind: str) -> dict[str, Any]:
    return definitions()[kind]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]  # type: ignore[no-any-return]


def test_committed_crds_equal_the_generated_ones() -> None:
    assert crds.stale_files() == [], "run `python -m tradeplane.operator.crds`"


def test_crds_are_valid_kubernetes_objects_under_strict_validation() -> None:
    for kind, definition in definitions().items():
        assert kubernetes_validate.validate(definition, "1.34.0", strict=True) is not None, kind


def _undescribed(schema: dict[str, Any], path: str) -> list[str]:
    missing = [] if schema.get("description") else [path]
    for name, child in schema.get("properties", {}).items():
        if not (path == "" and name in ("apiVersion", "kind", "metadata")):
            missing += _undescribed(child, f"{path}.{name}")
    if isinstance(schema.get("items"), dict) and "properties" in schema["items"]:
        missing += [m for m in _undescribed(schema["items"], f"{path}[]") if m != f"{path}[]"]
    return missing


@pytest.mark.parametrize("kind", [naming.UNIVERSE_KIND, naming.STRATEGY_KIND])
def test_every_field_is_described_for_kubectl_explain(kind: str) -> None:
    schema = schema_of(kind)
    assert _undescribed(schema["properties"]["spec"], ".spec") == []
    assert _undescribed(schema["properties"]["status"], ".status") == []


def test_the_stages_schema_is_the_screening_declarations() -> None:
    stages = schema_of(naming.UNIVERSE_KIND)["properties"]["spec"]["properties"]["stages"]
    declared = screening.openapi_schema()
    assert stages["properties"] == ordered(declared["properties"])
    minimum = stages["properties"]["universe"]["properties"]["quoteVolume"]["properties"]["minUsd"]
    assert minimum["default"] == 50_000_000  # the default, from the stage itself


def test_crds_have_status_printer_columns_short_names_and_category() -> None:
    universe, strategy = definitions()[naming.UNIVERSE_KIND], definitions()[naming.STRATEGY_KIND]
    for definition in (universe, strategy):
        version = definition["spec"]["versions"][0]
        assert version["subresources"] == {"status": {}}
        assert definition["spec"]["names"]["categories"] == ["tradeplane"]
        assert definition["spec"]["names"]["shortNames"]

    def columns(definition: dict[str, Any]) -> list[str]:
        return [
            c["name"]
            for c in definition["spec"]["versions"][0]["additionalPrinterColumns"]
            if not c.get("priority")
        ]

    assert columns(universe) == ["Exchange", "Symbols", "Selected", "Ready", "Age"]
    assert columns(strategy) == ["Universe", "Mode", "Phase", "PnL", "Ready", "Age"]


def admitted(document: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    body = copy.deepcopy(document)
    body.setdefault("metadata", {}).setdefault("namespace", "default")
    errors = crd_schema.admit(schema_of(document["kind"]), body)
    return body, errors


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_pass_schema_and_cel(path: Path) -> None:
    (document,) = load_documents(path)
    pristine = copy.deepcopy(document)
    assert crd_schema.prune(schema_of(document["kind"]), copy.deepcopy(document)) == []
    body, errors = admitted(document)
    assert errors == []
    assert document == pristine
    model = SymbolUniverseSpec if document["kind"] == naming.UNIVERSE_KIND else TradingStrategySpec
    spec = model.model_validate(body["spec"])  # the defaulted spec is what the operator reads
    if isinstance(spec, SymbolUniverseSpec):
        screening.load_config(spec.stages)


def test_the_paper_example_references_the_universe_example() -> None:
    universe = load_documents(EXAMPLES / "symboluniverse.yaml")[0]
    strategy = load_documents(EXAMPLES / "tradingstrategy-paper.yaml")[0]
    assert strategy["spec"]["universeRef"]["name"] == universe["metadata"]["name"]
    assert strategy["spec"]["mode"] == "paper" and "credentialsSecretRef" not in strategy["spec"]


@pytest.mark.parametrize("name", sorted(EXPECTED_REJECTIONS))
def test_invalid_examples_are_rejected_by_the_expected_rule(name: str) -> None:
    (document,) = load_documents(INVALID / f"{name}.yaml")
    _, errors = admitted(document)
    assert len(errors) == 1, errors
    assert EXPECTED_REJECTIONS[name] in errors[0]


def test_numbers_are_cel_doubles_even_when_written_as_integers() -> None:
    (document,) = load_documents(EXAMPLES / "tradingstrategy-paper.yaml")
    document["spec"]["signals"]["weights"] = {"rsi": 1, "macd": 0}
    assert admitted(document)[1] == []


def test_status_written_by_the_operator_fits_the_schema() -> None:
    schema = schema_of(naming.STRATEGY_KIND)["properties"]["status"]
    status = {
        "observedGeneration": 2,
        "phase": "Progressing",
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "reason": "ComponentsReady",
                "message": "",
                "lastTransitionTime": "2026-01-01T00:00:00Z",
                "observedGeneration": 2,
            }
        ],
        "rollout": {
            "phase": "Progressing",
            "stableRevision": "a" * 10,
            "canaryWeight": 40,
            "stableSpec": {"anything": {"goes": 1}},
        },
        "pnl": -12.5,
    }
    assert crd_schema.prune(schema, status) == []
    assert crd_schema.schema_errors(schema, status) == []
