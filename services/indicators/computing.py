"""Compute requests (pure): check a request into a `ComputeCall`, run it on the kernels,
and write the response. Every refusal is an `InvalidRequest` naming the field to fix."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np

from tradeplane.kernels import InvalidInput, InvalidParameter, Suite, compute
from tradeplane.kernels.engine import BACKENDS, resolve_backend
from tradeplane.kernels.plan import make_plan
from tradeplane.services.indicators.errors import InvalidRequest
from tradeplane.v1 import indicators_service_pb2 as pb

CANDLE_FIELDS = ("open", "high", "low", "close", "volume")
# Suite fields a request may set in `parameters`, and whether each is a whole number
PARAMETERS: dict[str, bool] = {
    item.name: isinstance(item.default, int)
    for item in dataclasses.fields(Suite)
    if item.name != "outputs"
}


@dataclass(frozen=True, eq=False)
class ComputeCall:
    """A checked Compute request: candles as (symbols, bars) arrays and the suite to run."""

    symbols: tuple[str, ...]
    bars: int
    candles: dict[str, np.ndarray]
    suite: Suite
    backend: str
    latest_only: bool


@dataclass(frozen=True, eq=False)
class ComputeResult:
    outputs: dict[str, np.ndarray]
    backend: str  # "cpu" or "gpu"
    seconds: float


def compute_call(
    request: pb.ComputeRequest, *, suite: Suite, backend: str, max_cells: int
) -> ComputeCall:
    """Check `request`; unset outputs, parameters and backend take the service's values."""
    symbols = tuple(request.symbols)
    if not symbols:
        raise InvalidRequest("symbols", "is empty; name at least one symbol (the rows)")
    if not all(symbols):
        raise InvalidRequest("symbols", f"entry {symbols.index('')} is empty")
    if len(set(symbols)) != len(symbols):
        twice = sorted({name for name in symbols if symbols.count(name) > 1})
        raise InvalidRequest("symbols", f"must be distinct; listed twice: {twice[:5]}")
    bars = int(request.bars)
    if bars < 1:
        raise InvalidRequest("bars", "must be at least 1")
    cells = len(symbols) * bars
    if cells > max_cells:
        raise InvalidRequest(
            "bars",
            f"{len(symbols)} symbols x {bars} bars = {cells} values per field exceed this "
            f"service's limit of {max_cells}; split the request by symbols",
        )
    chosen = _suite(request, suite)
    candles = {}
    for name in CANDLE_FIELDS:
        values = getattr(request, name)
        if not len(values):
            continue
        if len(values) != cells:
            raise InvalidRequest(
                name,
                f"has {len(values)} values; expected symbols x bars = "
                f"{len(symbols)} x {bars} = {cells}, row-major",
            )
        candles[name] = np.fromiter(values, dtype=np.float64, count=cells).reshape(
            len(symbols), bars
        )
    missing = [name for name in make_plan(chosen).fields if name not in candles]
    if missing:
        raise InvalidRequest(missing[0], f"is empty; outputs {list(chosen.outputs)} read {missing}")
    backend_name = request.backend or backend
    if backend_name not in BACKENDS:
        raise InvalidRequest("backend", f"must be one of {list(BACKENDS)}, got {backend_name!r}")
    return ComputeCall(symbols, bars, candles, chosen, backend_name, request.latest_only)


def _suite(request: pb.ComputeRequest, base: Suite) -> Suite:
    changes: dict[str, object] = {}
    for name, value in sorted(request.parameters.items()):
        if name not in PARAMETERS:
            raise InvalidRequest(
                f"parameters[{name}]", f"is not a parameter; known: {sorted(PARAMETERS)}"
            )
        if PARAMETERS[name]:
            if not float(value).is_integer():
                raise InvalidRequest(f"parameters[{name}]", f"must be a whole number, got {value}")
            changes[name] = int(value)
        else:
            changes[name] = float(value)
    if request.outputs:
        changes["outputs"] = tuple(request.outputs)
    try:
        return dataclasses.replace(base, **changes)
    except InvalidParameter as error:
        field = "outputs" if error.parameter == "outputs" else f"parameters[{error.parameter}]"
        message = str(error).removeprefix(f"{error.parameter}: ")
        raise InvalidRequest(field, message) from None


def run_compute(call: ComputeCall) -> ComputeResult:
    """Run the call's suite on its backend (blocking: call it off the event loop)."""
    try:
        backend = resolve_backend(call.backend)
        started = time.perf_counter()
        outputs = compute(call.candles, call.suite, backend=backend)
        seconds = time.perf_counter() - started
    except InvalidParameter as error:
        raise InvalidRequest(error.parameter, str(error)) from None
    except InvalidInput as error:
        raise InvalidRequest("candles", str(error)) from None
    if call.latest_only:
        outputs = {name: values[:, -1:] for name, values in outputs.items()}
    return ComputeResult(outputs=outputs, backend=backend, seconds=seconds)


def compute_response(call: ComputeCall, result: ComputeResult) -> pb.ComputeResponse:
    """The response: the outputs in the order asked, row-major."""
    response = pb.ComputeResponse(
        symbols=call.symbols,
        bars=1 if call.latest_only else call.bars,
        backend=result.backend,
        compute_seconds=result.seconds,
    )
    for name in call.suite.outputs:
        response.outputs.add(name=name, values=result.outputs[name].ravel())
    return response
