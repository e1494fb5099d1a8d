"""The 8 x 8 tile transpose behind the lane path's gather and scatter."""

from __future__ import annotations

import numpy as np
from numba import njit

from tradeplane.kernels.cpu.transpose import transpose8


@njit
def _transpose_tile(src, src_start, src_stride, dst, dst_start, dst_stride):
    transpose8(src, src_start, src_stride, dst, dst_start, dst_stride)


def test_a_tile_lands_transposed_and_nothing_else_is_written():
    rng = np.random.default_rng(3)
    src = rng.random((3, 10, 12))
    dst = np.full((2, 9, 11), -1.0)
    # the tile at src[1, 2:10, 3:11] into dst[1, 1:9, 2:10], both given as flat offsets
    _transpose_tile(src, (1 * 10 + 2) * 12 + 3, 12, dst, (1 * 9 + 1) * 11 + 2, 11)
    np.testing.assert_array_equal(dst[1, 1:9, 2:10], src[1, 2:10, 3:11].T)
    untouched = np.ones(dst.shape, dtype=bool)
    untouched[1, 1:9, 2:10] = False
    assert (dst[untouched] == -1.0).all()


def test_nan_and_signed_zero_pass_through_bit_for_bit():
    src = np.arange(64, dtype=np.float64).reshape(8, 8)
    src[0, 5] = np.nan
    src[7, 1] = -0.0
    dst = np.empty((8, 8))
    _transpose_tile(src, 0, 8, dst, 0, 8)
    np.testing.assert_array_equal(dst.view(np.int64), src.T.copy().view(np.int64))
