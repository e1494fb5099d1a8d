"""GPU kernel variants side by side, timed with CUDA events (needs a CUDA device).

For the screener suite on symbols x bars candles already on the device: the device's
copy bandwidth (the ceiling) and the suite's bytes over it (the floor); then the fused
kernel as shipped (one thread per symbol and block, rings in global memory) against its
rings in shared memory, other thread-block sizes, one thread per symbol running every
block, and the staged kernel below; each block's thread group alone, shipped and staged
(the slowest group bounds the kernel); and the layout transposes on their own. Each
variant's outputs are checked against the shipped one's. Then the chunked schedule
(`kernels.gpu.chunks`: one thread per symbol, chunk of bars and block) at several chunk
lengths and block sizes, serial and on a stream per group; its checkpoint passes and each
launch alone; and end to end with the transposes or with the outputs written symbols-major
by the kernels. Each chunked row also gives the host time to queue its launches ("queue":
numba spends microseconds of Python on each launch and each argument). Its running sums
restart at each chunk, so its outputs are checked within the parity tolerance (1e-9 of each
plane's range) rather than to 1e-12.

The staged kernel is an experiment kept here until a device has measured it. The shipped
kernel's per-bar loop loads the bar's candles and uses them at once (its SASS: four
LDG.E.64 then the DADDs of the validity test), and the loads of the next bar cannot move
above this bar's output stores, so every bar waits one DRAM latency. The staged kernel
loads STAGE bars of candles into per-thread local memory in one unrolled burst, then runs
the same fused body (`run_symbol`) over them, so a thread waits once per chunk.

    python benchmarks/gpu_variants.py [--symbols 5000] [--bars 1000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from indicators import candles, device_name  # the CPU benchmark's candles
from numba import cuda

from tradeplane import kernels
from tradeplane.kernels import layout as L
from tradeplane.kernels.body import run_symbol
from tradeplane.kernels.gpu import driver
from tradeplane.kernels.gpu.chunked import ChunkedWorkspace
from tradeplane.kernels.gpu.groups import GroupPlan
from tradeplane.kernels.gpu.kernel import FLOAT_DTYPE
from tradeplane.kernels.plan import make_plan

FIELDS = ("high", "low", "close", "volume")
BLOCK_NAMES = {
    L.B_RSI: "RSI",
    L.B_SK: "StochRSI (K-smoothed)",
    L.B_SRSI: "StochRSI",
    L.B_MACD: "MACD",
    L.B_BB: "Bollinger",
    L.B_ATR: "ATR",
    L.B_WILLR: "Williams %R",
    L.B_CCI: "CCI",
    L.B_VOL: "volume SMA",
}


STAGES = (8, 16)  # bars per staged chunk (at 32 ptxas splits the burst of loads)
CHUNKS = (25, 50, 100, 200)  # bars per chunk of the chunked schedule
TOLERANCE = 1e-9


def make_staged(stage: int) -> Callable[..., None]:
    """The fused kernel with candles staged `stage` bars at a time (a closure constant);
    it takes `fused`'s arguments, so `Workspace.run_resident(kernel)` launches it."""

    @cuda.jit
    def staged(
        high, low, close, volume, P, F, need, slot, fs, ks, rg, out, rings_in_shared
    ):  # pragma: no cover
        s = cuda.blockIdx.x * cuda.blockDim.x + cuda.threadIdx.x
        g = cuda.blockIdx.y
        symbols = close.shape[1]
        bars = close.shape[0]
        if s >= symbols:
            return
        # the preamble of `fused`, repeated: as a shared device function it took the
        # shipped kernel from 126 to 208 registers (ptxas -v, sm_90)
        floats = fs[g].T
        ints = ks[g].T
        for slot_index in range(L.N_FLOAT_STATE):
            floats[s, slot_index] = 0.0
        for slot_index in range(L.N_INT_STATE):
            ints[s, slot_index] = 0
        if rings_in_shared:
            shared = cuda.shared.array(0, dtype=FLOAT_DTYPE)
            rings = shared[cuda.threadIdx.x :: cuda.blockDim.x]
        else:
            rings = rg[g].T[s]
        # (field, one symbol, bars): the body indexes inputs as [symbol, bar]
        tile = cuda.local.array((4, 1, stage), FLOAT_DTYPE)
        mine = out[:, s : s + 1, :]
        for c0 in range(0, bars, stage):
            n = min(stage, bars - c0)
            # a constant trip count without branches: unrolled, the loads issue together
            # (a short last chunk repeats its last bar in the unused places)
            for c in range(stage):
                t = min(c0 + c, bars - 1)
                tile[0, 0, c] = high[t, s]
                tile[1, 0, c] = low[t, s]
                tile[2, 0, c] = close[t, s]
                tile[3, 0, c] = volume[t, s]
            run_symbol(
                0, tile[0], tile[1], tile[2], tile[3], 0, n, P[g], F, need[g], slot,
                floats[s], ints[s], rings, mine, c0,
            )  # fmt: skip

    return staged


def timed(function: Callable[[], object], repeat: int = 20) -> tuple[float, float]:
    """(best, median) milliseconds between CUDA events around `function`, after a warm-up."""
    function()
    cuda.synchronize()
    start, stop = cuda.event(), cuda.event()
    samples = []
    for _ in range(repeat):
        start.record()
        function()
        stop.record()
        stop.synchronize()
        samples.append(start.elapsed_time(stop))
    return min(samples), float(np.median(samples))


def within_tolerance(result: np.ndarray, reference: np.ndarray) -> bool:
    """Same NaNs, and every value within TOLERANCE of its plane's largest magnitude."""
    if not np.array_equal(np.isnan(result), np.isnan(reference)):
        return False
    for plane, expected in enumerate(reference):
        scale = np.nanmax(np.abs(expected)) if not np.isnan(expected).all() else 0.0
        error = np.nan_to_num(np.abs(result[plane] - expected))
        if error.max(initial=0.0) > TOLERANCE * scale:
            return False
    return True


def enqueue_time(function: Callable[[], object], repeat: int = 20) -> float:
    """Median host milliseconds `function` takes to queue its launches (no waiting for the
    device): when it exceeds the device time, the launches themselves bound the run."""
    samples = []
    for _ in range(repeat):
        cuda.synchronize()
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1e3)
    cuda.synchronize()
    return float(np.median(samples))


def chunked_rows(
    plan: object, workspace: driver.Workspace, reference: np.ndarray, device: list
) -> None:
    """Time the chunked schedule over the fused workspace's candles; print its rows."""
    symbols, bars = workspace.symbols, workspace.bars
    planes = reference.shape[0]
    header = f"{'block':>5s} {'chunk':>6s} {'best ms':>9s} {'median':>9s} {'queue':>7s}  same"
    print(f"{'chunked schedule':24s} {header}")
    shapes = [(chunk, 128, False) for chunk in CHUNKS] + [(50, 64, False), (50, 256, False)]
    shapes += [(chunk, 128, True) for chunk in CHUNKS[:3]]
    chosen = None
    masked = None  # the chunked schedule's masked candles, loaded once and shared
    for chunk, threads, concurrent in shapes:
        chunked = ChunkedWorkspace.allocate(
            plan, symbols, bars, chunk=chunk, candles=masked, out=workspace.out,
            concurrent=concurrent,
        )  # fmt: skip
        if masked is None:
            chunked.load(*device)
            masked = chunked.candles
        chunked.threads_per_block = threads
        chunked.out[:planes].copy_to_device(np.full((planes, bars, symbols), np.nan))
        chunked.run_resident()
        same = within_tolerance(chunked.out[:planes].copy_to_host(), reference)
        best, median = timed(chunked.run_resident)
        queue = enqueue_time(chunked.run_resident)
        label = "  on a stream per group" if concurrent else "checkpoints + chunks"
        figures = f"{threads:5d} {chunk:6d} {best:9.3f} {median:9.3f} {queue:7.3f}  {same}"
        print(f"{label:24s} {figures}")
        if (chunk, threads, concurrent) == (50, 128, False):
            chosen = chunked
    assert chosen is not None
    alone = timed(chosen.run_checkpoints)
    print(f"{'checkpoint passes alone':24s} {128:5d} {50:6d} {alone[0]:9.3f} {alone[1]:9.3f}")
    print("  each launch alone, best ms (chunks of 50, 128 threads):")
    for group, block in enumerate(chosen.blocks):
        name = BLOCK_NAMES.get(block, str(block))
        if chosen.chunks.restore[group] >= 0:
            checkpoint = timed(lambda: chosen.run_checkpoints([group]), repeat=10)[0]  # noqa: B023
            print(f"    {name + ' checkpoints':30s} {checkpoint:9.3f}")
        chunks = timed(lambda: chosen.run_chunks([group]), repeat=10)[0]  # noqa: B023
        print(f"    {name + ' chunks':30s} {chunks:9.3f}")
    device_out = cuda.device_array((planes, symbols, bars))

    def end_to_end() -> None:
        chosen.load(*device)
        chosen.run_resident()
        chosen.unload(device_out)

    whole = timed(end_to_end)
    print(f"{'chunked with transposes':24s} {128:5d} {50:6d} {whole[0]:9.3f} {whole[1]:9.3f}")
    if chosen.chunks.planes == planes:  # no scratch planes: the kernels can write the API's
        # layout themselves, each thread along its symbol's row (uncoalesced stores, which
        # L2 merges into whole sectors), instead of the bars-major planes and a transpose
        chosen.out_view = device_out
        device_out.copy_to_device(np.full((planes, symbols, bars), np.nan))

        def direct() -> None:
            chosen.load(*device)
            chosen.run_resident()

        direct()
        same = within_tolerance(device_out.copy_to_host().transpose(0, 2, 1), reference)
        written = timed(direct)
        figures = f"{128:5d} {50:6d} {written[0]:9.3f} {written[1]:9.3f}  {same}"
        print(f"{'  outputs symbols-major':24s} {figures}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbols", type=int, default=5000)
    parser.add_argument("--bars", type=int, default=1000)
    args = parser.parse_args()
    if not driver.device_present():
        print("GPU variants skipped: no CUDA device (numba.cuda.is_available() is False)")
        return
    symbols, bars = args.symbols, args.bars
    suite = kernels.Suite()
    plan = make_plan(suite)
    planes = len(suite.outputs)

    data = candles(symbols, bars)
    device = [cuda.to_device(data[field]) for field in FIELDS]
    device_out = cuda.device_array((planes, symbols, bars))
    workspace = driver.workspace_for(plan, symbols, bars)
    workspace.load(*device)

    copy_bytes = 1 << 30
    source = cuda.device_array(copy_bytes // 8)
    target = cuda.device_array(copy_bytes // 8)
    copy_best, _ = timed(lambda: target.copy_to_device(source), repeat=10)
    bandwidth = 2 * copy_bytes / max(copy_best * 1e-3, 1e-9)  # bytes read plus written
    suite_bytes = (len(FIELDS) + planes) * symbols * bars * 8
    floor = suite_bytes / bandwidth * 1e3
    print(f"{device_name()}: {symbols} symbols x {bars} bars, {planes} outputs, float64")
    print(f"device copy {bandwidth / 1e12:.2f} TB/s; the suite moves {suite_bytes / 1e6:.0f} MB:")
    print(f"  bandwidth floor {floor:.3f} ms (kernel alone, bars-major)")

    workspace.run_resident()  # the shipped outputs, which every variant must give
    chunked_rows(plan, workspace, workspace.out.copy_to_host(), device)  # the newest first

    default = (workspace.threads_per_block, workspace.rings_in_shared)
    whole_symbol = driver.Workspace.with_groups(
        plan,
        symbols,
        bars,
        GroupPlan(
            need=plan.need[None, :],
            int_params=plan.int_params[None, :],
            ring_slots=max(plan.ring_size, 1),
        ),
        candles=workspace.candles,
        out=workspace.out,
    )
    resident = driver.Workspace.run_resident
    staged = {stage: make_staged(stage) for stage in STAGES}

    def staged_run(stage: int) -> Callable[[driver.Workspace], None]:
        return lambda chosen: chosen.run_resident(staged[stage])

    variants = [("shipped", workspace, *default, resident)]
    for threads in (32, 64, 128, 256):
        for in_shared in (False, True):
            fits = not in_shared or driver.rings_fit_in_shared(workspace.groups.ring_slots, threads)
            if (threads, in_shared) != default and fits:
                variants.append(("per (symbol, block)", workspace, threads, in_shared, resident))
    for threads in (64, 128):
        variants.append(("per symbol, all blocks", whole_symbol, threads, False, resident))
    for stage in STAGES:
        for threads, in_shared in ((128, False), (64, True)):
            label = f"staged {stage} bars"
            variants.append((label, workspace, threads, in_shared, staged_run(stage)))

    poison = cuda.to_device(np.full((planes, bars, symbols), np.nan))
    reference = None
    rows = []
    for label, chosen, threads, in_shared, run in variants:
        chosen.threads_per_block, chosen.rings_in_shared = threads, in_shared
        chosen.out.copy_to_device(poison)  # every output must be written again
        run(chosen)
        result = chosen.out.copy_to_host()
        if reference is None:
            reference = result
        same = np.array_equal(np.isnan(result), np.isnan(reference)) and np.allclose(
            result, reference, rtol=1e-12, atol=0.0, equal_nan=True
        )
        best, median = timed(lambda: run(chosen))  # noqa: B023 (timed at once)
        where = "shared" if in_shared else "global"
        rows.append((label, threads, where, best, median, same))
    workspace.threads_per_block, workspace.rings_in_shared = default

    print(f"{'variant':24s} {'block':>5s} {'rings':>6s} {'best ms':>9s} {'median':>9s}  same")
    for label, threads, where, best, median, same in rows:
        print(f"{label:24s} {threads:5d} {where:>6s} {best:9.3f} {median:9.3f}  {same}")

    groups = workspace.groups
    shapes = [("shipped", *default, resident)] + [
        (f"staged {stage}", threads, in_shared, staged_run(stage))
        for stage in STAGES
        for threads, in_shared in ((128, False), (64, True))
    ]
    print("each block's threads alone, best ms:")
    headers = (label + (" sh" if in_shared else "") for label, _, in_shared, _ in shapes)
    print(f"  {'block':22s}" + "".join(f" {header:>12s}" for header in headers))
    for group in range(groups.groups):
        block = int(np.flatnonzero(groups.need[group])[0])
        alone = driver.Workspace.with_groups(
            plan,
            symbols,
            bars,
            GroupPlan(
                need=groups.need[group : group + 1],
                int_params=groups.int_params[group : group + 1],
                ring_slots=groups.ring_slots,
            ),
            candles=workspace.candles,
            out=workspace.out,
        )
        figures = []
        for _, threads, in_shared, run in shapes:
            alone.threads_per_block, alone.rings_in_shared = threads, in_shared
            figures.append(timed(lambda: run(alone), repeat=10)[0])  # noqa: B023
        row = "".join(f" {figure:12.3f}" for figure in figures)
        print(f"  {BLOCK_NAMES.get(block, str(block)):22s}{row}")
    load = timed(lambda: workspace.load(*device))
    unload = timed(lambda: workspace.unload(device_out))
    whole = timed(lambda: driver.run_batch_device(*device, plan, device_out))
    print(f"transpose candles in        {load[0]:9.3f} {load[1]:9.3f}")
    print(f"transpose outputs out       {unload[0]:9.3f} {unload[1]:9.3f}")
    print(f"run_batch_device (all)      {whole[0]:9.3f} {whole[1]:9.3f}   target < 1 ms")


if __name__ == "__main__":
    main()
