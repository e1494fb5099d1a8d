"""The screener service: runs a universe's three-stage screen on live market data,
announces selection changes on the bus, records every symbol's scores, and explains any
symbol's outcome over gRPC."""

from tradeplane.services.screener.service import ScreenerService

__all__ = ["ScreenerService"]
