"""The GPU kernels give the CPU kernels' outputs.

No GPU in CI: the CUDA simulator (NUMBA_ENABLE_CUDASIM=1, read when numba starts) runs the
very kernel in a child process on a tiny ragged array. On a machine with a CUDA device the
real-device test runs as well.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from tradeplane import kernels
from tradeplane.kernels import gpu

from .helpers import assert_matches, random_walk

FIELDS = ("high", "low", "close", "volume")
SUITE = kernels.Suite(outputs=kernels.OUTPUTS)

CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np
    from tradeplane import kernels
    from tradeplane.kernels import gpu

    assert gpu.simulator() and gpu.usable()[0] and not gpu.device_present()
    data = dict(np.load(sys.argv[1]))
    kernels.warmup("gpu")
    got = kernels.compute(data, kernels.Suite(outputs=kernels.OUTPUTS), backend="gpu")
    np.savez(sys.argv[2], **got)
    """
)


def _ragged_sample() -> dict[str, np.ndarray]:
    data = random_walk(4, 120, seed=5)
    data["close"][1, :30] = np.nan
    data["high"][2, 60:63] = np.nan
    return {field: data[field] for field in FIELDS}


def test_simulated_gpu_matches_cpu(tmp_path: Path):
    data = _ragged_sample()
    inputs = tmp_path / "inputs.npz"
    outputs = tmp_path / "outputs.npz"
    np.savez(inputs, **data)
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(inputs), str(outputs)],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    simulated = np.load(outputs)
    expected = kernels.compute(data, SUITE, backend="cpu")
    for name in kernels.OUTPUTS:
        assert_matches(simulated[name], expected[name], f"gpu {name}")


@pytest.mark.skipif(
    not gpu.device_present(),
    reason="no CUDA device here (numba.cuda.is_available() is False); "
    "the simulator test covers the kernel",
)
def test_real_gpu_matches_cpu(candles):
    got = kernels.compute(candles, SUITE, backend="gpu")
    expected = kernels.compute(candles, SUITE, backend="cpu")
    for name in kernels.OUTPUTS:
        assert_matches(got[name], expected[name], f"gpu {name}")
    assert kernels.rsi(candles["close"]).shape == candles["close"].shape  # "auto" picks the GPU


def _nvvm_missing() -> str | None:
    """Why the CUDA compiler (libNVVM) cannot run here, or None when it can."""
    try:
        from numba.cuda.cudadrv import nvvm

        nvvm.NVVM()
    except Exception as error:  # numba reports a missing toolkit in several ways
        return f"libNVVM not found ({type(error).__name__}); set CUDA_HOME to a CUDA toolkit"
    return None


def test_kernel_compiles_for_a_real_gpu(monkeypatch):
    """The simulator runs Python; this compiles the kernel to PTX (sm_90) without a GPU."""
    reason = _nvvm_missing()
    if reason:
        pytest.skip(reason)
    from numba import cuda, types
    from numba.cuda import dispatcher

    from tradeplane.kernels.gpu.kernel import fused

    class Hopper:  # device functions compile for the "current" device: pretend an H100
        compute_capability = (9, 0)

    monkeypatch.setattr(dispatcher, "get_current_device", lambda: Hopper())
    matrix = types.Array(types.float64, 2, "C")
    signature = (
        *(matrix,) * 4,
        types.Array(types.int64, 1, "C"),
        types.Array(types.float64, 1, "C"),
        types.Array(types.int64, 1, "C"),
        types.Array(types.int64, 1, "C"),
        matrix,
        types.Array(types.int64, 2, "C"),
        matrix,
        types.Array(types.float64, 3, "C"),
    )
    ptx, _ = cuda.compile_ptx(fused.py_func, signature, cc=(9, 0))
    assert ".entry" in ptx and "call.uni" not in ptx  # one kernel, everything inlined
