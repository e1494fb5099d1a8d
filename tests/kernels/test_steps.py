"""The CUDA forms of the window statistics give the plain loops' results to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane.kernels import steps

PAIRS = [
    (steps.window_sum, steps._window_sum_in_batches, False),
    (steps.window_abs_deviation, steps._window_abs_deviation_in_batches, True),
    (steps.window_square_deviation, steps._window_square_deviation_in_batches, True),
    (steps.window_max, steps._window_max_in_batches, False),
    (steps.window_min, steps._window_min_in_batches, False),
]


@pytest.mark.parametrize(("plain", "batched", "centred"), PAIRS)
def test_batched_window_statistics_equal_the_plain_loops(plain, batched, centred):
    rng = np.random.default_rng(4)
    for n in range(0, 23):  # every remainder after the batches of four
        window = rng.normal(100.0, 30.0, n + 3)[1 : n + 1]  # a view, as the kernels pass
        window[rng.random(n) < 0.2] = 100.0  # ties
        first = float(rng.normal(100.0, 30.0))
        args = (window, n, 99.5, first) if centred else (window, n, first)
        assert batched(*args) == plain(*args), n
