"""Stage parameters are checked by the screening library itself, naming the field."""

from __future__ import annotations

import pytest

from tradeplane.operator.errors import InvalidSpec
from tradeplane.operator.universes import validate_stages


def test_bad_stage_parameters_name_the_field() -> None:
    validate_stages({"scoring": {"selection": {"topN": 3}}})
    with pytest.raises(InvalidSpec) as raised:
        validate_stages({"universe": {"quoteVolume": {"minUsd": -1}}})
    assert raised.value.field == "spec.stages.universe.quoteVolume.minUsd"
