"""Compute requests checked, run and answered (pure, no server)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.services.indicators.helpers import FIELDS, random_candles
from tradeplane.kernels import Suite, compute
from tradeplane.services.indicators.computing import (
    compute_call,
    compute_response,
    run_compute,
)
from tradeplane.services.indicators.errors import InvalidRequest
from tradeplane.v1 import indicators_service_pb2 as pb

SUITE = Suite()


def request(**changes: object) -> pb.ComputeRequest:
    """3 symbols x 60 bars of random candles, with `changes` to the fields."""
    candles = random_candles(3, 60, seed=12)
    message = pb.ComputeRequest(
        symbols=[f"S{i}/USDT" for i in range(3)],
        bars=60,
        **{name: candles[name].ravel().tolist() for name in FIELDS},
    )
    for name, value in changes.items():
        if name == "parameters":
            message.parameters.update(value)
        else:
            message.ClearField(name)
            if isinstance(value, list):
                getattr(message, name).extend(value)
            elif value is not None:
                setattr(message, name, value)
    return message


def call_of(message: pb.ComputeRequest, *, max_cells: int = 1_000_000):
    return compute_call(message, suite=SUITE, backend="cpu", max_cells=max_cells)


def test_a_request_is_answered_with_the_kernels_outputs() -> None:
    message = request(outputs=["rsi", "macdhist", "obv"], parameters={"rsi_period": 9})
    call = call_of(message)
    result = run_compute(call)
    response = compute_response(call, result)
    candles = random_candles(3, 60, seed=12)
    expected = compute(candles, Suite(outputs=("rsi", "macdhist", "obv"), rsi_period=9))
    assert [array.name for array in response.outputs] == ["rsi", "macdhist", "obv"]
    assert response.bars == 60 and list(response.symbols) == list(message.symbols)
    assert response.backend == "cpu" and response.compute_seconds > 0
    for array in response.outputs:
        np.testing.assert_allclose(
            np.array(array.values).reshape(3, 60), expected[array.name], rtol=1e-12,
            equal_nan=True,
        )  # fmt: skip


def test_defaults_come_from_the_service_and_latest_only_keeps_one_bar() -> None:
    call = call_of(request(latest_only=True))
    assert call.suite == SUITE and call.backend == "cpu"
    response = compute_response(call, run_compute(call))
    assert response.bars == 1
    assert [array.name for array in response.outputs] == list(SUITE.outputs)
    expected = compute(random_candles(3, 60, seed=12), SUITE)
    for array in response.outputs:
        np.testing.assert_allclose(array.values, expected[array.name][:, -1], equal_nan=True)


def test_fields_no_output_reads_may_be_left_out() -> None:
    call = call_of(request(outputs=["rsi"], high=[], low=[], volume=[], open=[]))
    assert set(call.candles) == {"close"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"symbols": []}, "symbols", "is empty"),
        ({"symbols": ["A", "A", "B"]}, "symbols", "listed twice: ['A']"),
        ({"bars": 0}, "bars", "must be at least 1"),
        ({"close": [1.0, 2.0]}, "close", "has 2 values; expected symbols x bars = 3 x 60 = 180"),
        ({"high": []}, "high", "is empty; outputs"),
        ({"outputs": ["rsi", "nope"]}, "outputs", "unknown output(s) ['nope']"),
        ({"parameters": {"rsi_period": 1}}, "parameters[rsi_period]", "between 2 and"),
        ({"parameters": {"rsi_period": 14.5}}, "parameters[rsi_period]", "whole number"),
        ({"parameters": {"speed": 3}}, "parameters[speed]", "is not a parameter"),
        ({"backend": "tpu"}, "backend", "must be one of"),
    ],
)
def test_bad_requests_name_the_field(changes: dict, field: str, message: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        call_of(request(**changes))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert message in str(caught.value)


def test_requests_beyond_the_cell_limit_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="bars: 3 symbols x 60 bars = 180 values"):
        call_of(request(), max_cells=100)
