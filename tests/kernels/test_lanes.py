"""The lane path: groups of W symbols valid on the same bars computed together.

`compute` sends each group of W symbols whose valid bars coincide through the lane kernel
and every other symbol (ragged groups, the last symbols) through the per-symbol kernel;
both must give TA-Lib's values. The data below has groups of both kinds.
"""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane import kernels
from tradeplane.kernels.cpu import run_batch, run_batch_lanes
from tradeplane.kernels.cpu.lanes import W
from tradeplane.kernels.engine import gather_inputs
from tradeplane.kernels.plan import make_plan

from .helpers import assert_matches, per_symbol, random_walk
from .test_talib_parity import CASES

FIELDS = ("high", "low", "close", "volume")
ALL = kernels.Suite(outputs=kernels.OUTPUTS)


@pytest.fixture(scope="module")
def wide() -> dict[str, np.ndarray]:
    """4 groups of W symbols and 3 more: complete, listed late with a shared outage,
    one symbol with its own gap (per-symbol path), complete with a flat stretch."""
    data = random_walk(4 * W + 3, 420, seed=5)
    group = slice(W, 2 * W)
    for field in FIELDS:
        data[field][group, :60] = np.nan  # listed together
        data[field][group, 200:203] = np.nan  # a market-wide outage
    data["close"][2 * W + 3, 100] = np.nan  # one symbol's own gap
    flat = 3 * W + 2
    for field in ("high", "low", "close"):
        data[field][flat, 300:308] = data["close"][flat, 299]
    data["volume"][4 * W + 1, 50] = np.nan  # in the last symbols
    return data


def _per_symbol_kernel(data, suite):
    plan = make_plan(suite)
    arrays, _ = gather_inputs(data, plan)
    symbols, bars = arrays[2].shape
    out = np.empty((len(suite.outputs), symbols, bars))
    args = (plan.int_params, plan.float_params, plan.need, plan.slot)
    run_batch(*arrays, *args, plan.new_state(symbols), out)
    return {name: out[plane] for plane, name in enumerate(suite.outputs)}


def test_groups_take_the_lane_path_only_when_their_bars_agree(wide):
    plan = make_plan(ALL)
    arrays, _ = gather_inputs(wide, plan)
    out = np.empty((len(ALL.outputs), *arrays[2].shape))
    args = (plan.int_params, plan.float_params, plan.need, plan.slot)
    done = run_batch_lanes(*arrays, *args, plan.new_state, out)
    np.testing.assert_array_equal(done, [True, True, False, True])


SUITES = [
    ALL,
    kernels.Suite(),
    kernels.Suite(outputs=("stochrsi_fastk", "stochrsi_d", "macdhist", "volume_surge")),
    kernels.Suite(
        outputs=kernels.OUTPUTS,
        rsi_period=2,
        stochrsi_period=3,
        stochrsi_fastk=1,
        stochrsi_fastd=1,
        stochk_rsi_period=5,
        stochk_fastk=2,
        stochk_slowk=1,
        stochk_slowd=4,
        macd_fast=2,
        macd_slow=3,
        macd_signal=1,
        bb_period=2,
        atr_period=1,
        willr_period=2,
        cci_period=3,
        sma_period=2,
        ema_period=2,
        volume_period=2,
        donchian_period=1,
    ),
    kernels.Suite(
        outputs=kernels.OUTPUTS,
        willr_period=37,
        donchian_period=64,
        cci_period=41,
        bb_period=33,
        stochk_fastk=23,
        stochrsi_fastk=16,
        macd_signal=30,
    ),
]


@pytest.mark.parametrize("suite", SUITES, ids=["all", "default", "some", "short", "long"])
def test_the_lane_path_equals_the_per_symbol_path(wide, suite):
    got = kernels.compute(wide, suite, backend="cpu")
    want = _per_symbol_kernel(wide, suite)
    for name in suite.outputs:
        assert_matches(got[name], want[name], name)


@pytest.mark.parametrize(
    ("kernel", "reference", "fields", "params"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_lane_groups_match_talib(wide, kernel, reference, fields, params):
    got = kernel(*(wide[f] for f in fields), **params, backend="cpu")
    want = per_symbol(lambda *a: reference(*a, **params), *(wide[f] for f in fields))
    got = got if isinstance(got, tuple) else (got,)
    for k, (mine, theirs) in enumerate(zip(got, want, strict=True)):
        assert_matches(mine, theirs, f"{kernel.__name__}[{k}]")


def test_one_output_alone_equals_the_full_pass(wide):
    together = kernels.compute(wide, ALL, backend="cpu")
    # symbols whose bars are valid alike whichever fields a single output reads
    same = [s for s in range(wide["close"].shape[0]) if s not in (2 * W + 3, 4 * W + 1)]
    for name in kernels.OUTPUTS:
        alone = kernels.compute(wide, kernels.Suite(outputs=(name,)), backend="cpu")[name]
        np.testing.assert_array_equal(together[name][same], alone[same], err_msg=name)


def test_invalid_bars_are_nan_in_every_output(wide):
    got = kernels.compute(wide, ALL, backend="cpu")
    valid = np.all([np.isfinite(wide[f]) for f in FIELDS], axis=0)
    for name in kernels.OUTPUTS:
        assert np.all(np.isnan(got[name][~valid])), name


def test_incremental_updates_match_the_lane_batch(wide):
    bars = wide["close"].shape[1]
    split = bars - 40
    state, _ = kernels.IncrementalSuite.from_history({f: wide[f][:, :split] for f in FIELDS}, ALL)
    batch = kernels.compute(wide, ALL, backend="cpu")
    for t in range(split, bars):
        latest = state.update({f: wide[f][:, t] for f in FIELDS})
        for name in kernels.OUTPUTS:
            assert_matches(latest[name][None], batch[name][:, t][None], f"{name} at bar {t}")
