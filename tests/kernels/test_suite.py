"""`compute` and the public API's contract: shapes, outputs, reuse, errors, backends."""

from __future__ import annotations

import numpy as np
import pytest

from tradeplane import kernels

from .helpers import assert_matches


def test_default_suite_is_the_screeners_thirteen_series(candles):
    got = kernels.compute(candles, backend="cpu")
    assert tuple(got) == kernels.DEFAULT_OUTPUTS
    assert len(got) == 13
    high, low, close, volume = (candles[f] for f in ("high", "low", "close", "volume"))
    expected = {
        "rsi": kernels.rsi(close, 14, backend="cpu"),
        "atr": kernels.atr(high, low, close, 14, backend="cpu"),
        "willr": kernels.willr(high, low, close, 14, backend="cpu"),
        "cci": kernels.cci(high, low, close, 20, backend="cpu"),
        "volume_sma": kernels.sma(volume, 20, backend="cpu"),
    }
    expected.update(zip(("macd", "macdsignal", "macdhist"), kernels.macd(close), strict=True))
    bands = kernels.bbands(close, 20, 2.0, 2.0, backend="cpu")
    expected.update(zip(("upperband", "middleband", "lowerband"), bands, strict=True))
    expected.update(zip(("stochrsi_k", "stochrsi_d"), kernels.stochrsi_kd(close), strict=True))
    # the real candles have no bar with only some fields missing, so the suite's valid
    # bars (all fields finite) equal each function's
    for name, want in expected.items():
        assert got[name].shape == close.shape
        assert_matches(got[name], want, name)


def test_every_output_in_one_pass_equals_separate_passes(walks):
    together = kernels.compute(walks, kernels.Suite(outputs=kernels.OUTPUTS), backend="cpu")
    for name in kernels.OUTPUTS:
        alone = kernels.compute(walks, kernels.Suite(outputs=(name,)), backend="cpu")[name]
        np.testing.assert_array_equal(together[name], alone, err_msg=name)


def test_out_is_reused(walks):
    suite = kernels.Suite()
    symbols, bars = walks["close"].shape
    out = np.empty((len(suite.outputs), symbols, bars))
    got = kernels.compute(walks, suite, backend="cpu", out=out)
    fresh = kernels.compute(walks, suite, backend="cpu")
    for plane, name in enumerate(suite.outputs):
        assert np.shares_memory(got[name], out[plane])
        np.testing.assert_array_equal(got[name], fresh[name])
    with pytest.raises(kernels.InvalidParameter, match="out"):
        kernels.compute(walks, suite, backend="cpu", out=np.empty((2, symbols, bars)))


def test_float32_and_integer_inputs_are_computed_in_float64(walks):
    close = walks["close"]
    want = kernels.sma(close.astype(np.float32).astype(np.float64), 10, backend="cpu")
    got = kernels.sma(close.astype(np.float32), 10, backend="cpu")
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)
    assert kernels.sma(np.arange(12), 3, backend="cpu")[-1] == 10.0


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda c: kernels.rsi(c, timeperiod=1), kernels.InvalidParameter, "timeperiod"),
        (lambda c: kernels.rsi(c, timeperiod=2.5), kernels.InvalidParameter, "integer"),
        (lambda c: kernels.macd(c, signalperiod=0), kernels.InvalidParameter, "signalperiod"),
        (lambda c: kernels.bbands(c, nbdevup=np.inf), kernels.InvalidParameter, "nbdevup"),
        (lambda c: kernels.bbands(c, matype=1), kernels.InvalidParameter, "matype"),
        (lambda c: kernels.stochrsi(c, fastd_matype=2), kernels.InvalidParameter, "fastd_matype"),
        (lambda c: kernels.rsi(c, backend="tpu"), kernels.InvalidParameter, "backend"),
        (lambda c: kernels.rsi(c[None]), kernels.InvalidInput, "dimensions"),
        (lambda c: kernels.rsi(c.astype(str)), kernels.InvalidInput, "dtype"),
        (lambda c: kernels.atr(c, c, c[:, :-1]), kernels.InvalidInput, "one shape"),
        (lambda c: kernels.compute({"close": c}), kernels.InvalidInput, "missing input"),
        (
            lambda c: kernels.compute({"close": c}, kernels.Suite(outputs=("nope",))),
            kernels.InvalidParameter,
            "unknown output",
        ),
    ],
)
def test_errors_name_what_to_fix(walks, call, error, message):
    with pytest.raises(error, match=message) as caught:
        call(walks["close"])
    assert isinstance(caught.value, kernels.KernelError)


def test_parameter_errors_carry_the_parameter_name(walks):
    with pytest.raises(kernels.InvalidParameter) as caught:
        kernels.willr(walks["high"], walks["low"], walks["close"], timeperiod=0)
    assert caught.value.parameter == "timeperiod"


def test_auto_backend_runs_without_a_gpu(walks):
    from tradeplane.kernels import gpu

    got = kernels.rsi(walks["close"], backend="auto")
    np.testing.assert_array_equal(got, kernels.rsi(walks["close"], backend="cpu"))
    if not gpu.usable()[0]:
        with pytest.raises(kernels.BackendUnavailable, match="backend='cpu'"):
            kernels.rsi(walks["close"], backend="gpu")


def test_warmup_compiles_without_error():
    kernels.warmup()
