"""`jitable`: make a plain function callable from numba code on the CPU and on CUDA.

numba's own `register_jitable` serves the CPU and numba's built-in CUDA target. The
separate numba-cuda package (what a CUDA machine usually has, and what numba's CUDA
target is moving to) keeps a type system and registry of its own and cannot type calls to
functions registered only with numba core, so where numba-cuda is installed the function
is registered there too. The function itself is returned unchanged (the CUDA simulator
calls it as Python).

`cuda=` gives CUDA code its own implementation of the same arithmetic (see
`kernels.steps`: window loops that issue their loads in batches).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

from numba.extending import overload

HAS_NUMBA_CUDA = importlib.util.find_spec("numba_cuda") is not None

Function = Callable[..., Any]


def register_cuda(function: Function, implementation: Function | None = None, **options: Any):
    """Make `function` callable from numba-cuda kernels, when numba-cuda is installed."""
    if not HAS_NUMBA_CUDA:
        return
    from numba.cuda.extending import overload as overload_for_numba_cuda

    chosen = implementation or function
    inline = options.pop("inline", "never")
    overload_for_numba_cuda(function, jit_options=options, inline=inline, strict=False)(
        lambda *args: chosen
    )


def jitable(*, cuda: Function | None = None, **options: Any) -> Callable[[Function], Function]:
    """Decorator: callable from numba code on every target (`register_jitable(**options)`),
    with `cuda` as the implementation in CUDA kernels when given."""

    def register(function: Function) -> Function:
        inline = options.get("inline", "never")
        jit_options = {key: value for key, value in options.items() if key != "inline"}
        if cuda is None:
            overload(function, jit_options=jit_options, inline=inline, strict=False)(
                lambda *args: function
            )
        else:
            for target, chosen in (("cpu", function), ("cuda", cuda)):
                overload(
                    function, target=target, jit_options=jit_options, inline=inline, strict=False
                )(lambda *args, chosen=chosen: chosen)
        register_cuda(function, cuda, **options)
        return function

    return register
