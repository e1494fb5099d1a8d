"""Parameter declarations, parameter sets, checks."""

from typing import Any

import pytest

from tradeplane.screening import InvalidScreeningConfig, Parameter, Stage
from tradeplane.screening.base import camel


class Example(Stage):
    """An example stage.

    With a longer description.
    """

    key = "example_stage"
    threshold = Parameter(1.5, minimum=0.0, maximum=10.0, unit="%", description="A limit.")
    names: Parameter[tuple[str, ...]] = Parameter(("a",), min_items=1, description="Names.")
    ceiling: Parameter[float | None] = Parameter(None, kind=float, description="Optional.")
    mode = Parameter("fast", choices=("fast", "slow"), description="A choice.")

    @classmethod
    def cross_check(cls, values: Any) -> None:
        if values["ceiling"] is not None and values["ceiling"] < values["threshold"]:
            raise ValueError("ceiling must be at least threshold")


def test_values_read_as_attributes_and_declarations_on_the_class() -> None:
    stage = Example(threshold=2.0, names=["x", "y"])
    assert (stage.threshold, stage.names, stage.ceiling, stage.mode) == (
        2.0,
        ("x", "y"),
        None,
        "fast",
    )
    assert isinstance(Example.threshold, Parameter)
    assert [parameter.name for parameter in Example.parameters] == [
        "threshold",
        "names",
        "ceiling",
        "mode",
    ]
    assert Example.alias() == "exampleStage"
    assert Example({"ceiling": 3}).ceiling == 3.0  # camelCase or snake_case keys


def test_validation_errors_name_the_field() -> None:
    with pytest.raises(InvalidScreeningConfig) as raised:
        Example(threshold=11)
    assert raised.value.field == "exampleStage.threshold"
    assert "less than or equal to 10" in str(raised.value)
    with pytest.raises(InvalidScreeningConfig, match="Extra inputs are not permitted"):
        Example(unknown=1)
    with pytest.raises(InvalidScreeningConfig, match=r"names.*at least 1 item"):
        Example(names=[])
    with pytest.raises(InvalidScreeningConfig, match=r"mode.*'fast' or 'slow'"):
        Example(mode="medium")
    with pytest.raises(InvalidScreeningConfig, match="ceiling must be at least threshold"):
        Example(ceiling=1.0)


def test_help_text_carries_the_unit() -> None:
    assert Example.threshold.help_text() == "A limit. Unit: %."
    assert Example.names.help_text() == "Names."
    assert camel("max_per_base") == "maxPerBase"
