import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderSide(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_SIDE_UNSPECIFIED: _ClassVar[OrderSide]
    ORDER_SIDE_BUY: _ClassVar[OrderSide]
    ORDER_SIDE_SELL: _ClassVar[OrderSide]

class OrderType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_TYPE_UNSPECIFIED: _ClassVar[OrderType]
    ORDER_TYPE_MARKET: _ClassVar[OrderType]
    ORDER_TYPE_LIMIT: _ClassVar[OrderType]

class TimeInForce(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIME_IN_FORCE_UNSPECIFIED: _ClassVar[TimeInForce]
    TIME_IN_FORCE_GTC: _ClassVar[TimeInForce]
    TIME_IN_FORCE_IOC: _ClassVar[TimeInForce]
    TIME_IN_FORCE_FOK: _ClassVar[TimeInForce]

class Liquidity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LIQUIDITY_UNSPECIFIED: _ClassVar[Liquidity]
    LIQUIDITY_MAKER: _ClassVar[Liquidity]
    LIQUIDITY_TAKER: _ClassVar[Liquidity]

class DenialReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DENIAL_REASON_UNSPECIFIED: _ClassVar[DenialReason]
    NOTIONAL_EXCEEDS_MAX_PER_ORDER: _ClassVar[DenialReason]
    POSITION_EXCEEDS_MAX: _ClassVar[DenialReason]
    EXPOSURE_EXCEEDS_MAX: _ClassVar[DenialReason]
    OPEN_ORDERS_EXCEED_MAX: _ClassVar[DenialReason]
    ORDER_RATE_EXCEEDS_MAX: _ClassVar[DenialReason]
    DRAWDOWN_HALT_ACTIVE: _ClassVar[DenialReason]
    CORRELATED_EXPOSURE_EXCEEDS_MAX: _ClassVar[DenialReason]
    KILL_SWITCH_ENGAGED: _ClassVar[DenialReason]
    INSUFFICIENT_BALANCE: _ClassVar[DenialReason]
    INVALID_ORDER: _ClassVar[DenialReason]
    DUPLICATE_CLIENT_ORDER_ID: _ClassVar[DenialReason]
ORDER_SIDE_UNSPECIFIED: OrderSide
ORDER_SIDE_BUY: OrderSide
ORDER_SIDE_SELL: OrderSide
ORDER_TYPE_UNSPECIFIED: OrderType
ORDER_TYPE_MARKET: OrderType
ORDER_TYPE_LIMIT: OrderType
TIME_IN_FORCE_UNSPECIFIED: TimeInForce
TIME_IN_FORCE_GTC: TimeInForce
TIME_IN_FORCE_IOC: TimeInForce
TIME_IN_FORCE_FOK: TimeInForce
LIQUIDITY_UNSPECIFIED: Liquidity
LIQUIDITY_MAKER: Liquidity
LIQUIDITY_TAKER: Liquidity
DENIAL_REASON_UNSPECIFIED: DenialReason
NOTIONAL_EXCEEDS_MAX_PER_ORDER: DenialReason
POSITION_EXCEEDS_MAX: DenialReason
EXPOSURE_EXCEEDS_MAX: DenialReason
OPEN_ORDERS_EXCEED_MAX: DenialReason
ORDER_RATE_EXCEEDS_MAX: DenialReason
DRAWDOWN_HALT_ACTIVE: DenialReason
CORRELATED_EXPOSURE_EXCEEDS_MAX: DenialReason
KILL_SWITCH_ENGAGED: DenialReason
INSUFFICIENT_BALANCE: DenialReason
INVALID_ORDER: DenialReason
DUPLICATE_CLIENT_ORDER_ID: DenialReason

class SubmitOrder(_message.Message):
    __slots__ = ("client_order_id", "strategy", "venue", "symbol", "side", "type", "quantity", "limit_price", "time_in_force", "reduce_only")
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    TIME_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    REDUCE_ONLY_FIELD_NUMBER: _ClassVar[int]
    client_order_id: str
    strategy: str
    venue: str
    symbol: str
    side: OrderSide
    type: OrderType
    quantity: float
    limit_price: float
    time_in_force: TimeInForce
    reduce_only: bool
    def __init__(self, client_order_id: _Optional[str] = ..., strategy: _Optional[str] = ..., venue: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[OrderSide, str]] = ..., type: _Optional[_Union[OrderType, str]] = ..., quantity: _Optional[float] = ..., limit_price: _Optional[float] = ..., time_in_force: _Optional[_Union[TimeInForce, str]] = ..., reduce_only: _Optional[bool] = ...) -> None: ...

class CancelOrder(_message.Message):
    __slots__ = ("client_order_id", "strategy", "venue", "symbol", "reason")
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    client_order_id: str
    strategy: str
    venue: str
    symbol: str
    reason: str
    def __init__(self, client_order_id: _Optional[str] = ..., strategy: _Optional[str] = ..., venue: _Optional[str] = ..., symbol: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class OrderAccepted(_message.Message):
    __slots__ = ("client_order_id", "venue_order_id", "strategy", "venue", "symbol", "side", "type", "quantity", "limit_price")
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    client_order_id: str
    venue_order_id: str
    strategy: str
    venue: str
    symbol: str
    side: OrderSide
    type: OrderType
    quantity: float
    limit_price: float
    def __init__(self, client_order_id: _Optional[str] = ..., venue_order_id: _Optional[str] = ..., strategy: _Optional[str] = ..., venue: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[OrderSide, str]] = ..., type: _Optional[_Union[OrderType, str]] = ..., quantity: _Optional[float] = ..., limit_price: _Optional[float] = ...) -> None: ...

class OrderDenied(_message.Message):
    __slots__ = ("client_order_id", "strategy", "symbol", "reason", "detail")
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    client_order_id: str
    strategy: str
    symbol: str
    reason: DenialReason
    detail: str
    def __init__(self, client_order_id: _Optional[str] = ..., strategy: _Optional[str] = ..., symbol: _Optional[str] = ..., reason: _Optional[_Union[DenialReason, str]] = ..., detail: _Optional[str] = ...) -> None: ...

class OrderRejected(_message.Message):
    __slots__ = ("client_order_id", "strategy", "venue", "symbol", "detail")
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    client_order_id: str
    strategy: str
    venue: str
    symbol: str
    detail: str
    def __init__(self, client_order_id: _Optional[str] = ..., strategy: _Optional[str] = ..., venue: _Optional[str] = ..., symbol: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class OrderCanceled(_message.Message):
    __slots__ = ("client_order_id", "venue_order_id", "strategy", "symbol", "filled_quantity", "reason")
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    FILLED_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    client_order_id: str
    venue_order_id: str
    strategy: str
    symbol: str
    filled_quantity: float
    reason: str
    def __init__(self, client_order_id: _Optional[str] = ..., venue_order_id: _Optional[str] = ..., strategy: _Optional[str] = ..., symbol: _Optional[str] = ..., filled_quantity: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...

class Fill(_message.Message):
    __slots__ = ("trade_id", "quantity", "price", "fee", "fee_currency", "liquidity", "time")
    TRADE_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    FEE_CURRENCY_FIELD_NUMBER: _ClassVar[int]
    LIQUIDITY_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    trade_id: str
    quantity: float
    price: float
    fee: float
    fee_currency: str
    liquidity: Liquidity
    time: _timestamp_pb2.Timestamp
    def __init__(self, trade_id: _Optional[str] = ..., quantity: _Optional[float] = ..., price: _Optional[float] = ..., fee: _Optional[float] = ..., fee_currency: _Optional[str] = ..., liquidity: _Optional[_Union[Liquidity, str]] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OrderFilled(_message.Message):
    __slots__ = ("client_order_id", "venue_order_id", "strategy", "venue", "symbol", "side", "fill", "cumulative_quantity", "leaves_quantity", "average_price", "complete")
    CLIENT_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    VENUE_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    VENUE_FIELD_NUMBER: _ClassVar[int]
    SYMBOL_FIELD_NUMBER: _ClassVar[int]
    SIDE_FIELD_NUMBER: _ClassVar[int]
    FILL_FIELD_NUMBER: _ClassVar[int]
    CUMULATIVE_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    LEAVES_QUANTITY_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_PRICE_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    client_order_id: str
    venue_order_id: str
    strategy: str
    venue: str
    symbol: str
    side: OrderSide
    fill: Fill
    cumulative_quantity: float
    leaves_quantity: float
    average_price: float
    complete: bool
    def __init__(self, client_order_id: _Optional[str] = ..., venue_order_id: _Optional[str] = ..., strategy: _Optional[str] = ..., venue: _Optional[str] = ..., symbol: _Optional[str] = ..., side: _Optional[_Union[OrderSide, str]] = ..., fill: _Optional[_Union[Fill, _Mapping]] = ..., cumulative_quantity: _Optional[float] = ..., leaves_quantity: _Optional[float] = ..., average_price: _Optional[float] = ..., complete: _Optional[bool] = ...) -> None: ...
