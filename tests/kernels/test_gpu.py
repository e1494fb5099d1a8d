"""The GPU kernels give the CPU kernels' outputs.

No GPU in CI: the CUDA simulator (NUMBA_ENABLE_CUDASIM=1, read when numba starts) runs the
very kernel in a child process on a tiny ragged array. On a machine with a CUDA device the
real-device test runs as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tradeplane import kernels
from tradeplane.kernels import cpu, gpu
from tradeplane.kernels import layout as L
from tradeplane.kernels.gpu.groups import plan_groups
from tradeplane.kernels.plan import make_plan, ring_layout

from .helpers import assert_matches, random_walk

FIELDS = ("high", "low", "close", "volume")
SUITE = kernels.Suite(outputs=kernels.OUTPUTS)
NO_DEVICE = (
    "no CUDA device here (numba.cuda.is_available() is False); the simulator test covers the kernel"
)

# A Stochastic RSI suite without RSI of its periods: the chunked schedule computes those
# into scratch planes.
STOCHASTIC = {
    "outputs": ("stochrsi_fastk", "stochrsi_fastd", "stochrsi_k", "stochrsi_d", "willr"),
    "stochrsi_period": 9,
    "stochk_rsi_period": 21,
}
# Windows too long for a chunk thread's rings: the chunked schedule leaves it to the fused.
LONG_WINDOW = {"outputs": ("willr", "rsi"), "willr_period": 200}

CHILD = textwrap.dedent(
    """
    import json
    import sys
    import numpy as np
    from tradeplane import kernels
    from tradeplane.kernels import gpu
    from tradeplane.kernels.gpu import chunks, driver
    from tradeplane.kernels.plan import make_plan

    assert gpu.simulator() and gpu.usable()[0] and not gpu.device_present()
    data = dict(np.load(sys.argv[1]))
    driver.SCHEDULE = sys.argv[3]
    chunks.MIN_CHUNK_BARS = 16  # 120 bars: 7 chunks of 18, so 6 boundaries to cross
    kernels.warmup("gpu")
    got = {}
    for number, suite in enumerate(json.loads(sys.argv[4])):
        results = kernels.compute(data, kernels.Suite(**suite), backend="gpu")
        got.update({f"{number}/{name}": values for name, values in results.items()})
        plan = make_plan(kernels.Suite(**suite))
        ran = driver.workspace_for(plan, *data["close"].shape)  # the one the run used
        streams = " on streams" if getattr(ran, "streams", None) else ""  # made by a run
        got[f"{number}/workspace"] = np.array(type(ran).__name__ + streams)
    np.savez(sys.argv[2], **got)
    """
)


def _ragged_sample() -> dict[str, np.ndarray]:
    data = random_walk(4, 120, seed=5)
    data["close"][1, :30] = np.nan
    data["high"][2, 60:63] = np.nan
    data["volume"][3, 70:75] = np.nan  # across a chunk boundary of the chunked schedule
    return {field: data[field] for field in FIELDS}


def _simulate(tmp_path: Path, schedule: str, suites: list[dict]) -> dict[str, np.ndarray]:
    """The GPU backend's outputs for each suite on the ragged sample, under the simulator."""
    inputs = tmp_path / "inputs.npz"
    outputs = tmp_path / "outputs.npz"
    np.savez(inputs, **_ragged_sample())
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(inputs), str(outputs), schedule, json.dumps(suites)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return dict(np.load(outputs))


@pytest.mark.parametrize(
    "schedule, suites, workspaces",
    [
        ("fused", [{"outputs": kernels.OUTPUTS}], ["Workspace"]),
        (
            "chunked",
            [{"outputs": kernels.OUTPUTS}, STOCHASTIC, LONG_WINDOW],
            ["ChunkedWorkspace", "ChunkedWorkspace", "Workspace"],
        ),
        # the simulator runs every launch at once, in order: this checks the streams and
        # events calls and that every group is launched; a device checks the ordering
        ("chunked-streams", [STOCHASTIC], ["ChunkedWorkspace on streams"]),
    ],
)
def test_simulated_gpu_matches_cpu(
    tmp_path: Path, schedule: str, suites: list[dict], workspaces: list[str]
):
    simulated = _simulate(tmp_path, schedule, suites)
    data = _ragged_sample()
    for number, suite in enumerate(suites):
        assert str(simulated[f"{number}/workspace"]) == workspaces[number]
        expected = kernels.compute(data, kernels.Suite(**suite), backend="cpu")
        for name in suite["outputs"]:
            assert_matches(simulated[f"{number}/{name}"], expected[name], f"{schedule} {name}")


@pytest.mark.skipif(not gpu.device_present(), reason=NO_DEVICE)
def test_real_gpu_matches_cpu(candles):
    got = kernels.compute(candles, SUITE, backend="gpu")
    expected = kernels.compute(candles, SUITE, backend="cpu")
    for name in kernels.OUTPUTS:
        assert_matches(got[name], expected[name], f"gpu {name}")
    assert kernels.rsi(candles["close"]).shape == candles["close"].shape  # "auto" picks the GPU


@pytest.mark.skipif(not gpu.device_present(), reason=NO_DEVICE)
@pytest.mark.parametrize("schedule", gpu.driver.SCHEDULES)
def test_real_gpu_matches_cpu_across_thread_blocks(monkeypatch, schedule: str):
    """Symbols spread over several thread blocks (not a multiple of the block size), with
    ragged starts and gaps: every output of every symbol equals the CPU's."""
    monkeypatch.setattr(gpu.driver, "SCHEDULE", schedule)
    data = random_walk(203, 700, seed=11)
    rng = np.random.default_rng(3)
    for s in range(0, 203, 7):
        data["close"][s, : rng.integers(1, 400)] = np.nan  # later listings
    for s in range(3, 203, 11):
        start = rng.integers(50, 650)
        data["low"][s, start : start + rng.integers(1, 6)] = np.nan  # missing candles
    inputs = {field: data[field] for field in FIELDS}
    got = kernels.compute(inputs, SUITE, backend="gpu")
    expected = kernels.compute(inputs, SUITE, backend="cpu")
    for name in kernels.OUTPUTS:
        assert_matches(got[name], expected[name], f"gpu {name}")


@pytest.mark.skipif(not gpu.device_present(), reason=NO_DEVICE)
def test_real_gpu_reuses_its_workspace_and_follows_a_new_shape():
    data = random_walk(70, 300, seed=12)
    suite = kernels.Suite()
    first = kernels.compute(data, suite, backend="gpu")
    again = kernels.compute(data, suite, backend="gpu")
    for name in suite.outputs:
        np.testing.assert_array_equal(first[name], again[name])
    smaller = {field: values[:9, :120] for field, values in data.items()}
    got = kernels.compute(smaller, suite, backend="gpu")
    expected = kernels.compute(smaller, suite, backend="cpu")
    for name in suite.outputs:
        assert_matches(got[name], expected[name], f"gpu {name}")


@pytest.mark.parametrize(
    "outputs",
    [kernels.OUTPUTS, kernels.DEFAULT_OUTPUTS, ("stochrsi_k",), ("obv", "rsi"), ("macd",)],
)
def test_each_needed_block_gets_one_group_with_its_rings_from_zero(outputs):
    plan = make_plan(kernels.Suite(outputs=outputs))
    groups = plan_groups(plan)
    np.testing.assert_array_equal(groups.need.sum(axis=0), plan.need)  # each block once
    np.testing.assert_array_equal(groups.need.sum(axis=1), 1)  # one block per thread
    for group in range(groups.groups):
        block = int(np.flatnonzero(groups.need[group])[0])
        spans = sorted(
            (int(groups.int_params[group, index]), size)
            for owner, index, size in ring_layout(plan.suite)
            if owner == block
        )
        end = 0
        for start, size in spans:  # contiguous from 0, inside the group's ring slots
            assert start == end
            end += size
        assert end <= groups.ring_slots
        rsi_period = groups.int_params[group, L.P_RSI]
        assert rsi_period == (plan.int_params[L.P_RSI] if block == L.B_RSI else 0)


def test_default_suite_runs_eight_threads_per_symbol():
    groups = plan_groups(make_plan(kernels.Suite()))
    # RSI, StochRSI, MACD, Bollinger, ATR, Williams %R, CCI, volume SMA
    assert groups.groups == 8
    assert groups.ring_slots == 2 * (14 + L.SLIDE)  # Williams %R: highs and lows
    assert gpu.driver.rings_fit_in_shared(groups.ring_slots, 64)  # 47 KB per block
    assert not gpu.driver.rings_fit_in_shared(groups.ring_slots, 128)


def test_groups_computed_apart_give_the_fused_results(walks):
    """What the GPU threads compute, run group by group through the CPU's per-symbol driver:
    the rebased rings and the Stochastic RSIs' own RSI give the same outputs."""
    suite = kernels.Suite(outputs=kernels.OUTPUTS)
    plan = make_plan(suite)
    groups = plan_groups(plan)
    inputs = [np.ascontiguousarray(walks[field]) for field in FIELDS]
    symbols, bars = inputs[2].shape
    out = np.full((len(suite.outputs), symbols, bars), -1.0)
    for group in range(groups.groups):
        state = (
            np.zeros((symbols, L.N_FLOAT_STATE)),
            np.zeros((symbols, L.N_INT_STATE), dtype=np.int64),
            np.full((symbols, groups.ring_slots), np.nan),
        )
        args = (groups.int_params[group], plan.float_params, groups.need[group], plan.slot)
        cpu.run_batch(*inputs, *args, state, out)
    expected = kernels.compute(walks, suite, backend="cpu")
    for plane, name in enumerate(suite.outputs):
        assert_matches(out[plane], expected[name], f"group-wise {name}")


def _nvvm_missing() -> str | None:
    """Why the CUDA compiler (libNVVM) cannot run here, or None when it can."""
    try:
        from numba.cuda.cudadrv import nvvm

        nvvm.NVVM()
    except Exception as error:  # numba reports a missing toolkit in several ways
        return f"libNVVM not found ({type(error).__name__}); set CUDA_HOME to a CUDA toolkit"
    return None


def _kernel_signatures() -> dict[str, tuple]:
    """Each CUDA kernel's argument types, as the drivers launch it."""
    from numba import types

    matrix = types.Array(types.float64, 2, "C")  # candles, bars-major
    per_group = types.Array(types.int64, 2, "C")  # int params, blocks, planes of each group
    per_group_value = types.Array(types.int64, 1, "C")
    floats = types.Array(types.float64, 1, "C")
    outputs = types.Array(types.float64, 3, "A")  # a strided view
    checkpoints = types.Array(types.float64, 4, "C")
    chunk_kernels = (
        *(matrix,) * 4,  # planes of the masked candles
        per_group,  # the launch table: every group's parameters
        floats, checkpoints, outputs,
        types.int64,  # bars per chunk
        types.int64,  # group
    )  # fmt: skip
    return {
        "fused": (
            *(matrix,) * 4, per_group, floats, per_group, per_group_value,
            types.Array(types.float64, 3, "C"),  # float state per group
            types.Array(types.int64, 3, "C"),  # int state per group
            types.Array(types.float64, 3, "C"),  # rings per group (global memory)
            outputs,
            types.boolean,  # rings in shared memory
        ),
        "checkpoint": chunk_kernels,
        "chunked": chunk_kernels,
    }  # fmt: skip


@pytest.mark.parametrize(
    "name, block", [("fused", None), ("checkpoint", L.B_MACD), ("chunked", L.B_SK)]
)
def test_kernel_compiles_for_a_real_gpu(monkeypatch, name: str, block: int | None):
    """The simulator runs Python; this compiles each kernel to PTX (sm_90) without a GPU:
    the fused one, and the chunked schedule's for one block each (Stochastic RSI-K's
    chunks are the largest)."""
    reason = _nvvm_missing()
    if reason:
        pytest.skip(reason)
    from numba import cuda
    from numba.cuda import dispatcher

    from tradeplane.kernels.gpu import kernel

    class Hopper:  # device functions compile for the "current" device: pretend an H100
        compute_capability = (9, 0)

    monkeypatch.setattr(dispatcher, "get_current_device", lambda: Hopper())
    made = kernel.fused if block is None else getattr(kernel, f"{name}_kernel")(block)
    ptx, _ = cuda.compile_ptx(made.py_func, _kernel_signatures()[name], cc=(9, 0))
    assert ".entry" in ptx and "call.uni" not in ptx  # one kernel, everything inlined
