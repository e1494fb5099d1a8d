"""Input checks, backend choice and the one call every public function goes through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .errors import BackendUnavailable, InvalidInput, InvalidParameter
from .params import Suite
from .plan import Plan, make_plan

BACKENDS = ("auto", "cpu", "gpu")
FIELDS = ("high", "low", "close", "volume")


def resolve_backend(backend: str) -> str:
    """Map "auto" | "cpu" | "gpu" to the backend that will run: "cpu" or "gpu"."""
    if backend not in BACKENDS:
        raise InvalidParameter("backend", f"must be one of {BACKENDS}, got {backend!r}")
    if backend == "cpu":
        return "cpu"
    from . import gpu

    if backend == "auto":
        return "gpu" if gpu.device_present() else "cpu"
    usable, reason = gpu.usable()
    if not usable:
        raise BackendUnavailable(f"backend='gpu' cannot run: {reason}; pass backend='cpu'")
    return "gpu"


def as_matrix(name: str, values: Any) -> np.ndarray:
    """`values` as a float64 C-contiguous array of 1 or 2 dimensions."""
    array = np.asarray(values)
    if array.dtype.kind not in "fiu":
        raise InvalidInput(
            f"{name} has dtype {array.dtype}; pass real numbers (float64, float32 or integers)"
        )
    if array.ndim not in (1, 2):
        raise InvalidInput(
            f"{name} has {array.ndim} dimensions; pass (symbols, bars) or a single (bars,) series"
        )
    return np.ascontiguousarray(array, dtype=np.float64)


def gather_inputs(inputs: Mapping[str, Any], plan: Plan) -> tuple[list[np.ndarray], bool]:
    """The four kernel inputs as (symbols, bars) arrays, and whether the caller passed 1-D.

    Fields the plan does not read are stood in for by one it does (they are never used,
    and repeating a real field keeps the validity test to the fields read).
    """
    missing = [name for name in plan.fields if inputs.get(name) is None]
    if missing:
        raise InvalidInput(f"missing input(s) {missing} for outputs {list(plan.suite.outputs)}")
    arrays = {name: as_matrix(name, inputs[name]) for name in plan.fields}
    shapes = {name: array.shape for name, array in arrays.items()}
    if len(set(shapes.values())) != 1:
        raise InvalidInput(f"inputs must all have one shape, got {shapes}")
    first = arrays[plan.fields[0]]
    one_dimensional = first.ndim == 1
    if one_dimensional:
        arrays = {name: array.reshape(1, -1) for name, array in arrays.items()}
        first = arrays[plan.fields[0]]
    return [arrays.get(name, first) for name in FIELDS], one_dimensional


def run(
    inputs: Mapping[str, Any],
    suite: Suite,
    *,
    backend: str = "auto",
    out: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Compute `suite.outputs` over all symbols; returns {output name: array}.

    `out`, when given, is a float64 C-contiguous array shaped (outputs, symbols, bars)
    that receives the results (reuse it across calls to skip allocating fresh memory).
    """
    plan = make_plan(suite)
    arrays, one_dimensional = gather_inputs(inputs, plan)
    symbols, bars = arrays[2].shape
    planes = len(suite.outputs)
    if out is None:
        out = np.empty((planes, symbols, bars))
    elif (
        not isinstance(out, np.ndarray)
        or out.shape != (planes, symbols, bars)
        or out.dtype != np.float64
        or not out.flags.c_contiguous
    ):
        raise InvalidParameter(
            "out",
            f"must be a C-contiguous float64 array of shape {(planes, symbols, bars)}",
        )
    chosen = resolve_backend(backend)
    if chosen == "gpu":
        from .gpu import run_batch as run_on_gpu

        run_on_gpu(*arrays, plan, out)
    else:
        from .cpu import run_batch_lanes

        args = (plan.int_params, plan.float_params, plan.need, plan.slot)
        run_batch_lanes(*arrays, *args, plan.new_state, out)
    if one_dimensional:
        return {name: out[plane, 0] for plane, name in enumerate(suite.outputs)}
    return {name: out[plane] for plane, name in enumerate(suite.outputs)}
