"""`IndicatorServicer`: gRPC IndicatorService as a thin adapter over `computing`."""

from __future__ import annotations

from typing import NoReturn

import grpc

from tradeplane.kernels import BackendUnavailable
from tradeplane.services.indicators import metrics
from tradeplane.services.indicators.computing import compute_call, compute_response, run_compute
from tradeplane.services.indicators.config import IndicatorsConfig
from tradeplane.services.indicators.consuming import KernelThread
from tradeplane.services.indicators.errors import InvalidRequest
from tradeplane.v1 import indicators_service_pb2 as pb
from tradeplane.v1 import indicators_service_pb2_grpc as pb_grpc


class IndicatorServicer(pb_grpc.IndicatorServiceServicer):
    """Computes on the service's kernel thread, so requests and the stream take turns."""

    def __init__(self, config: IndicatorsConfig, kernels: KernelThread) -> None:
        self._config = config
        self._kernels = kernels
        self._seconds = metrics.COMPUTE_SECONDS.labels(config.universe, "", "rpc")

    async def Compute(
        self, request: pb.ComputeRequest, context: grpc.aio.ServicerContext
    ) -> pb.ComputeResponse:
        config = self._config
        try:
            call = compute_call(
                request,
                suite=config.suite,
                backend=config.backend,
                max_cells=config.max_compute_cells,
            )
            result = await self._kernels.run(run_compute, call)
        except InvalidRequest as error:
            await _abort(context, grpc.StatusCode.INVALID_ARGUMENT, str(error))
        except BackendUnavailable as error:
            await _abort(context, grpc.StatusCode.FAILED_PRECONDITION, str(error))
        self._seconds.observe(result.seconds)
        return compute_response(call, result)


async def _abort(
    context: grpc.aio.ServicerContext, code: grpc.StatusCode, message: str
) -> NoReturn:
    await context.abort(code, message)
    raise AssertionError("unreachable")  # context.abort raises
