"""Request parameters, validated the way Binance does (its error codes on bad input)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from tradeplane.sim import errors
from tradeplane.sim.state import SimState


def optional_symbol(state: SimState, params: Mapping[str, str]) -> int | None:
    """Index of the `symbol` parameter, None when absent; -1121 when unknown."""
    symbol = params.get("symbol")
    if symbol is None:
        return None
    index = state.universe.index.get(symbol.upper())
    if index is None:
        raise errors.invalid_symbol()
    return index


def symbol(state: SimState, params: Mapping[str, str]) -> int:
    index = optional_symbol(state, params)
    if index is None:
        raise errors.mandatory_parameter("symbol")
    return index


def symbols(state: SimState, params: Mapping[str, str]) -> list[int]:
    """`symbol`, or `symbols` as a JSON array, or every symbol."""
    if "symbol" in params:
        return [symbol(state, params)]
    if "symbols" not in params:
        return list(range(len(state.universe)))
    try:
        names = json.loads(params["symbols"])
    except json.JSONDecodeError as error:
        raise errors.invalid_value("symbols") from error
    if not isinstance(names, list) or not names:
        raise errors.invalid_value("symbols")
    return [symbol(state, {"symbol": str(name)}) for name in names]


def optional_int(
    params: Mapping[str, str], name: str, *, low: int | None = None, high: int | None = None
) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError as error:
        raise errors.illegal_parameter(name) from error
    if (low is not None and value < low) or (high is not None and value > high):
        raise errors.invalid_value(name)
    return value


def integer(
    params: Mapping[str, str],
    name: str,
    default: int,
    *,
    low: int | None = None,
    high: int | None = None,
) -> int:
    value = optional_int(params, name, low=low, high=high)
    return default if value is None else value


def decimal(params: Mapping[str, str], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation as error:
        raise errors.illegal_parameter(name) from error
    if not value.is_finite() or value < 0:
        raise errors.illegal_parameter(name)
    return value
