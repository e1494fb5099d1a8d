"""The indicators service: per universe and timeframe, keeps a rolling window of the candle
frames on `md.<exchange>.candles.<tf>`, advances every indicator incrementally on each
closed bar, publishes indicator frames on `ind.<universe>.<tf>`, and serves gRPC
IndicatorService.Compute (arrays in, arrays out) on the kernels' backend."""

from tradeplane.services.indicators.config import IndicatorsConfig
from tradeplane.services.indicators.service import IndicatorsService

__all__ = ["IndicatorsConfig", "IndicatorsService"]
