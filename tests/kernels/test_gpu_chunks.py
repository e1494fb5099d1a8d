"""The chunked GPU schedule's plan (`kernels.gpu.chunks`); its kernels run in test_gpu."""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane import kernels
from tradeplane.kernels import layout as L
from tradeplane.kernels.errors import InvalidParameter
from tradeplane.kernels.gpu.chunks import (
    C_COUNT,
    C_FIRST,
    C_PARAMS,
    C_QUIET,
    C_RESTORE,
    C_SLOT,
    C_WARM,
    CHECKPOINT_FLOATS,
    RESTORED,
    STOCHASTIC,
    TABLE_COLUMNS,
    chunk_bars,
    field_planes,
    launch_table,
    plan_chunks,
    warmup_bars,
)
from tradeplane.kernels.plan import make_plan


def _block(chunks, group: int) -> int:
    return int(np.flatnonzero(chunks.need[group])[0])


def _stochastic_groups(chunks) -> range:
    """The Stochastic RSI groups, checked to be the last ones launched (they read the RSI
    planes the others write)."""
    stochastic = [g for g in range(chunks.groups) if _block(chunks, g) in STOCHASTIC]
    first = chunks.groups - len(stochastic)
    assert stochastic == list(range(first, chunks.groups))
    return range(first, chunks.groups)


def test_default_suite_checkpoints_the_recurrences_and_warms_up_the_windows():
    plan = make_plan(kernels.Suite())
    chunks = plan_chunks(plan)
    blocks = [_block(chunks, g) for g in range(chunks.groups)]
    assert sorted(blocks) == sorted(np.flatnonzero(plan.need))  # RSI provides StochRSI's plane
    assert chunks.planes == len(plan.suite.outputs)
    assert [blocks[g] for g in _stochastic_groups(chunks)] == [L.B_SK]  # after the RSI plane
    restored = [blocks[g] for g in chunks.restored]
    assert sorted(restored) == sorted((L.B_RSI, L.B_MACD, L.B_ATR))
    np.testing.assert_array_equal(chunks.restore[chunks.restored], np.arange(len(restored)))
    warm = dict(zip(blocks, chunks.warm.tolist(), strict=True))
    assert warm[L.B_BB] == 19 and warm[L.B_WILLR] == 13 and warm[L.B_CCI] == 19
    assert warm[L.B_VOL] == 19 and warm[L.B_SK] == 14 + 13 + 2 + 2
    assert all(warm[block] == 0 for block in restored)
    assert chunks.fits()


def test_stochastic_rsi_reads_the_rsi_plane_and_writes_nothing_while_warming_up():
    plan = make_plan(kernels.Suite())
    chunks = plan_chunks(plan)
    (group,) = _stochastic_groups(chunks)
    assert chunks.int_params[group, L.P_RSI] == plan.int_params[L.P_SK]
    assert chunks.slot[group, L.O_RSI] == plan.slot[L.O_RSI]
    quiet = chunks.quiet_slot[group]
    assert quiet[L.O_RSI] == plan.slot[L.O_RSI] and (np.delete(quiet, L.O_RSI) == -1).all()
    assert (chunks.quiet_slot[:group] == -1).all()


def test_rsi_periods_no_output_provides_get_scratch_planes():
    suite = kernels.Suite(
        outputs=("rsi", "stochrsi_fastk", "stochrsi_k", "stochrsi_d"),
        rsi_period=10,
        stochrsi_period=9,
        stochk_rsi_period=9,
    )
    plan = make_plan(suite)
    chunks = plan_chunks(plan)
    assert chunks.planes == len(suite.outputs) + 1  # one scratch plane serves period 9
    rsi_groups = [g for g in range(chunks.groups) if _block(chunks, g) == L.B_RSI]
    periods = {int(chunks.int_params[g, L.P_RSI]): int(chunks.slot[g, L.O_RSI]) for g in rsi_groups}
    assert periods == {10: plan.slot[L.O_RSI], 9: len(suite.outputs)}
    scratch = next(g for g in rsi_groups if chunks.int_params[g, L.P_RSI] == 9)
    assert (np.delete(chunks.slot[scratch], L.O_RSI) == -1).all()  # it writes its plane only
    stochastic = _stochastic_groups(chunks)
    assert len(stochastic) == 2
    for group in stochastic:
        assert chunks.slot[group, L.O_RSI] == len(suite.outputs)


def test_launch_table_holds_each_groups_rows_and_its_checkpoint_floats():
    chunks = plan_chunks(make_plan(kernels.Suite(outputs=kernels.OUTPUTS)))
    table = launch_table(chunks)
    assert table.shape == (chunks.groups, TABLE_COLUMNS) and table.dtype == np.int64
    np.testing.assert_array_equal(table[:, C_PARAMS:C_SLOT], chunks.int_params)
    np.testing.assert_array_equal(table[:, C_SLOT:C_QUIET], chunks.slot)
    np.testing.assert_array_equal(table[:, C_QUIET:C_WARM], chunks.quiet_slot)
    np.testing.assert_array_equal(table[:, C_WARM], chunks.warm)
    np.testing.assert_array_equal(table[:, C_RESTORE], chunks.restore)
    for group in range(chunks.groups):
        block = _block(chunks, group)
        saves = tuple(table[group, C_FIRST : C_COUNT + 1])
        assert saves == RESTORED.get(block, (0, 0))
    assert table[:, C_COUNT].max() == CHECKPOINT_FLOATS


@pytest.mark.parametrize("block", [b for b in range(L.N_BLOCKS) if b not in RESTORED])
def test_every_windowed_block_warms_up(block):
    assert warmup_bars(make_plan(kernels.Suite()).int_params, block) > 0


@pytest.mark.parametrize(
    "symbols, bars, expected",
    [(5000, 1000, 50), (100_000, 1000, 1000), (10, 1000, 33), (5000, 20, 20), (1, 1, 1)],
)
def test_chunks_give_about_a_hundred_thousand_threads_per_block(symbols, bars, expected):
    assert chunk_bars(symbols, bars) == expected


def test_windows_too_long_for_a_chunk_thread_are_reported():
    chunks = plan_chunks(make_plan(kernels.Suite(outputs=("willr",), willr_period=200)))
    assert not chunks.fits()


def test_an_unknown_schedule_is_refused_with_the_known_ones():
    from tradeplane.kernels.gpu import driver

    with pytest.raises(InvalidParameter, match=r"unknown GPU schedule 'fast'.*'fused', 'chunked'"):
        driver.workspace_for(make_plan(kernels.Suite()), 2, 3, schedule="fast")


@pytest.mark.parametrize(
    "block, planes",
    [
        (L.B_RSI, (2, 2, 2, 2)),  # close alone: one load per bar
        (L.B_ATR, (0, 1, 2, 0)),
        (L.B_VOL, (3, 3, 3, 3)),
        (L.B_OBV, (2, 2, 2, 3)),
    ],
)
def test_each_group_reads_only_the_fields_of_its_block(block, planes):
    """On masked candles any field a block reads holds the whole validity test, so the
    fields it does not read are stood in by one it does."""
    assert field_planes(block) == planes
