"""gRPC adapter: `ScreenerService` over the screener's board (latest runs, announcement).

It translates messages and errors only; the runs and announcements happen in the service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from tradeplane.screening import UnknownSymbol
from tradeplane.services.screener import messages
from tradeplane.services.screener.board import Announcement, RunRecord, SelectionBoard
from tradeplane.services.screener.logic import decode_page_token, encode_page_token
from tradeplane.v1 import screener_service_pb2 as pb
from tradeplane.v1 import screener_service_pb2_grpc as pb_grpc
from tradeplane.v1 import screening_pb2

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class ScreenerServicer(pb_grpc.ScreenerServiceServicer):
    """Serves one universe's selection, explanations and scores from `board`."""

    def __init__(self, board: SelectionBoard, *, universe: str, exchange: str) -> None:
        self.board = board
        self.universe = universe
        self.exchange = exchange

    async def _check_universe(self, universe: str, context: grpc.aio.ServicerContext) -> None:
        if universe and universe != self.universe:
            await context.abort(
                grpc.StatusCode.NOT_FOUND,
                f"this screener serves universe {self.universe!r}, not {universe!r}",
            )

    async def _latest(self, context: grpc.aio.ServicerContext) -> RunRecord:
        latest = self.board.latest
        if latest is None:
            await context.abort(
                grpc.StatusCode.UNAVAILABLE,
                f"universe {self.universe!r} has not been screened yet (waiting for "
                f"tickers and closed candles of exchange {self.exchange!r}); retry later",
            )
        assert latest is not None
        return latest

    def _selection(self, announcement: Announcement | None) -> pb.GetSelectionResponse:
        response = pb.GetSelectionResponse()
        if announcement is None:
            response.selection.CopyFrom(
                screening_pb2.SelectionChanged(universe=self.universe, exchange=self.exchange)
            )
        else:
            response.selection.CopyFrom(announcement.selection)
            response.event_id = announcement.event_id
        latest = self.board.latest
        if latest is not None:
            response.run.CopyFrom(messages.screening_run(latest))
            response.breakdowns.extend(messages.selection_breakdowns(latest))
        return response

    async def GetSelection(
        self, request: pb.GetSelectionRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetSelectionResponse:
        await self._check_universe(request.universe, context)
        return self._selection(self.board.announcement)

    async def StreamSelections(
        self, request: pb.StreamSelectionsRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.GetSelectionResponse]:
        await self._check_universe(request.universe, context)
        async with self.board.subscribe() as announcements:
            async for announcement in announcements:
                yield self._selection(announcement)

    async def ExplainSymbol(
        self, request: pb.ExplainSymbolRequest, context: grpc.aio.ServicerContext
    ) -> pb.ExplainSymbolResponse:
        await self._check_universe(request.universe, context)
        if not request.symbol:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "symbol is required")
        latest = await self._latest(context)
        try:
            explained = latest.result.explain(request.symbol)
        except UnknownSymbol as error:
            await context.abort(
                grpc.StatusCode.NOT_FOUND,
                f"{error}: run {latest.number} of universe {self.universe!r} screened "
                f"{len(latest.result.symbols)} symbols of exchange {self.exchange!r} "
                "(symbols are unified, like 'ETH/BTC')",
            )
        return messages.explanation(latest, explained)

    async def GetScores(
        self, request: pb.GetScoresRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetScoresResponse:
        await self._check_universe(request.universe, context)
        if request.page_size > MAX_PAGE_SIZE:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, f"page_size is at most {MAX_PAGE_SIZE}"
            )
        size = request.page_size or DEFAULT_PAGE_SIZE
        if request.page_token:
            try:
                number, offset, min_stages = decode_page_token(request.page_token)
            except ValueError as error:
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            record = self.board.run(number)
            if record is None:
                await context.abort(
                    grpc.StatusCode.ABORTED,
                    f"run {number} of this page token is no longer kept; list again "
                    "without a page token",
                )
            assert record is not None
        else:
            record = await self._latest(context)
            offset, min_stages = 0, request.min_stages_passed
        order = record.order
        if min_stages:
            order = order[record.result.stages_passed[order] >= min_stages]
        page = order[offset : offset + size]
        response = pb.GetScoresResponse(
            scores=messages.symbol_scores(record, page.tolist()),
            total_size=len(order),
            run=messages.screening_run(record),
        )
        if offset + size < len(order):
            response.next_page_token = encode_page_token(record.number, offset + size, min_stages)
        return response
