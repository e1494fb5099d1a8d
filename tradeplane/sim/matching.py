"""The account and its orders: limit and market orders matched against the books.

Amounts are `Decimal`; prices and quantities travel as integer ticks and lot steps inside.
Takers pay `taker_fee`, resting orders filled later pay `maker_fee`; the fee is taken from
what the order receives (base asset for a buy, quote asset for a sell), as on Binance.
A user's incoming order never matches the same user's resting orders.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from tradeplane.sim import errors
from tradeplane.sim.book import BUY, SELL, Books, Levels
from tradeplane.sim.market import Market

OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED")
EIGHT = Decimal("0.00000001")


@dataclass(frozen=True)
class Fill:
    trade_id: int
    price: int  # ticks
    qty: int  # steps
    commission: Decimal
    commission_asset: str
    maker: bool
    time_ms: int


@dataclass(eq=False)
class Order:
    order_id: int
    client_order_id: str
    symbol: int
    side: str
    type: str  # LIMIT, MARKET, LIMIT_MAKER
    time_in_force: str
    price: int  # ticks; 0 for market orders
    quantity: int  # steps ordered (for quoteOrderQty market buys: steps filled)
    quote_quantity: Decimal  # quoteOrderQty, or 0
    time_ms: int
    executed: int = 0
    cumulative_quote: Decimal = Decimal(0)
    status: str = "NEW"
    update_ms: int = 0
    fills: list[Fill] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.quantity - self.executed

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Account:
    """One API key's balances, orders and trades; all trading goes through here."""

    def __init__(
        self,
        market: Market,
        books: Books,
        *,
        balances: dict[str, str],
        maker_fee: str,
        taker_fee: str,
    ) -> None:
        self.market = market
        self.books = books
        self.maker_fee = Decimal(maker_fee)
        self.taker_fee = Decimal(taker_fee)
        self.free: dict[str, Decimal] = {a: Decimal(v) for a, v in balances.items()}
        self.locked: dict[str, Decimal] = {a: Decimal(0) for a in balances}
        self.orders: dict[int, Order] = {}
        self._by_client_id: dict[tuple[int, str], Order] = {}
        self._ids = itertools.count(1_000_001)

    # -- units ----------------------------------------------------------------------------
    def price_of(self, index: int, ticks: int) -> Decimal:
        return Decimal(ticks).scaleb(-int(self.market.universe.price_decimals[index]))

    def qty_of(self, index: int, steps: int) -> Decimal:
        return Decimal(steps).scaleb(-int(self.market.universe.qty_decimals[index]))

    def _units(self, index: int, value: Decimal, decimals: int, name: str) -> int:
        scaled = value.scaleb(decimals)
        if scaled != scaled.to_integral_value() or scaled <= 0:
            raise errors.filter_failure(name)
        return int(scaled)

    def to_ticks(self, index: int, price: Decimal) -> int:
        return self._units(
            index, price, int(self.market.universe.price_decimals[index]), "PRICE_FILTER"
        )

    def to_steps(self, index: int, qty: Decimal) -> int:
        return self._units(index, qty, int(self.market.universe.qty_decimals[index]), "LOT_SIZE")

    def _credit(self, asset: str, amount: Decimal, *, locked: bool = False) -> None:
        book = self.locked if locked else self.free
        book[asset] = book.get(asset, Decimal(0)) + amount
        self.free.setdefault(asset, Decimal(0))
        self.locked.setdefault(asset, Decimal(0))

    # -- placing ----------------------------------------------------------------------------
    def place(
        self,
        index: int,
        *,
        side: str,
        type: str,
        quantity: Decimal | None,
        price: Decimal | None,
        quote_quantity: Decimal | None,
        time_in_force: str,
        client_order_id: str | None,
    ) -> Order:
        """Validate, reserve funds, match against the book and rest what is left."""
        universe = self.market.universe
        if not universe.trading[index]:
            raise errors.market_closed()
        client_order_id = client_order_id or f"sim{next(self._ids)}"
        existing = self._by_client_id.get((index, client_order_id))
        if existing is not None and existing.is_open:
            raise errors.duplicate_order()
        base, quote = universe.bases[index], universe.quotes[index]
        limit = type in ("LIMIT", "LIMIT_MAKER")
        ticks = self.to_ticks(index, price) if limit and price is not None else 0
        if limit and not ticks:
            raise errors.mandatory_parameter("price")
        steps = self.to_steps(index, quantity) if quantity is not None else 0
        if not steps and not (type == "MARKET" and side == BUY and quote_quantity):
            raise errors.mandatory_parameter("quantity")
        order = Order(
            next(self._ids),
            client_order_id,
            index,
            side,
            type,
            time_in_force,
            ticks,
            steps,
            quote_quantity or Decimal(0),
            self.market.now_ms,
        )
        order.update_ms = order.time_ms
        opposite = self.books.maker_levels(index, SELL if side == BUY else BUY)
        plan = self._plan(order, opposite)
        notional = (
            self.price_of(index, ticks) * self.qty_of(index, steps)
            if limit
            else sum((self.price_of(index, p) * self.qty_of(index, q) for p, q in plan), Decimal(0))
        )
        if limit and notional < self._min_notional(index):
            raise errors.filter_failure("NOTIONAL")
        if type == "LIMIT_MAKER" and plan:
            raise errors.order_would_take()
        if time_in_force == "FOK" and sum(q for _, q in plan) < steps:
            plan = []
        need_asset, need = (quote, notional) if side == BUY else (base, self.qty_of(index, steps))
        if type == "MARKET" and side == BUY and quote_quantity:
            need = quote_quantity
        if self.free.get(need_asset, Decimal(0)) < need:
            raise errors.insufficient_balance()
        self.orders[order.order_id] = order
        self._by_client_id[(index, client_order_id)] = order
        if limit:  # reserve for the whole order; fills release it
            self.free[need_asset] -= need
            self._credit(need_asset, need, locked=True)
        for level_price, qty in plan:
            self._fill(order, level_price, qty, maker=False, reserved=limit)
        if type == "MARKET" and side == BUY and quote_quantity:
            order.quantity = order.executed
        if order.remaining <= 0:
            order.status = "FILLED"
        elif limit and time_in_force == "GTC":
            order.status = "PARTIALLY_FILLED" if order.executed else "NEW"
            self.books.add(index, order.order_id, side, ticks, order.remaining)
        else:
            order.status = "EXPIRED"
            self._release(order)
        return order

    def _min_notional(self, index: int) -> Decimal:
        usd = float(self.market.universe.quote_usd[index])
        return (Decimal(5) / Decimal(str(usd))).quantize(EIGHT, rounding=ROUND_DOWN)

    def _plan(self, order: Order, levels: Levels) -> list[tuple[int, int]]:
        """Which opposite levels an incoming order takes: [(price ticks, steps)]."""
        plan: list[tuple[int, int]] = []
        left = order.quantity
        budget = order.quote_quantity
        for price, available in levels:
            if order.price and (price > order.price if order.side == BUY else price < order.price):
                break
            if order.type == "MARKET" and order.side == BUY and budget:
                unit = self.price_of(order.symbol, price) * self.qty_of(order.symbol, 1)
                take = min(available, int(budget / unit))
                budget -= unit * take
            else:
                take = min(available, left)
                left -= take
            if take <= 0:
                break
            plan.append((price, take))
            if (left <= 0 and not budget) or (budget and take < available):
                break
        return plan

    # -- fills ------------------------------------------------------------------------------
    def _fill(
        self,
        order: Order,
        price: int,
        qty: int,
        *,
        maker: bool,
        reserved: bool,
        level: int | None = None,
    ) -> None:
        """Execute `qty` steps at `price`, taking market-maker liquidity at `level`."""
        index = order.symbol
        universe = self.market.universe
        base, quote = universe.bases[index], universe.quotes[index]
        amount = self.qty_of(index, qty)
        cost = self.price_of(index, price) * amount
        rate = self.maker_fee if maker else self.taker_fee
        if order.side == BUY:
            commission, commission_asset = (amount * rate).quantize(EIGHT), base
            if reserved:
                self.locked[quote] -= self.price_of(index, order.price) * amount
                self.free[quote] += self.price_of(index, order.price) * amount - cost
            else:
                self.free[quote] -= cost
            self._credit(base, amount - commission)
        else:
            commission, commission_asset = (cost * rate).quantize(EIGHT), quote
            if reserved:
                self.locked[base] -= amount
            else:
                self.free[base] -= amount
            self._credit(quote, cost - commission)
        self.books.take(index, SELL if order.side == BUY else BUY, level or price, qty)
        trade_id = self.market.record_user_trade(
            index,
            float(self.price_of(index, price)),
            float(amount),
            buyer_maker=(order.side == BUY) == maker,
        )
        order.executed += qty
        order.cumulative_quote += cost
        order.update_ms = self.market.now_ms
        order.fills.append(
            Fill(trade_id, price, qty, commission, commission_asset, maker, self.market.now_ms)
        )

    def _release(self, order: Order) -> None:
        """Give back what a limit order still reserves (cancel, expiry)."""
        if order.type == "MARKET" or order.remaining <= 0:
            return
        universe = self.market.universe
        index = order.symbol
        if order.side == BUY:
            asset = universe.quotes[index]
            amount = self.price_of(index, order.price) * self.qty_of(index, order.remaining)
        else:
            asset, amount = universe.bases[index], self.qty_of(index, order.remaining)
        self.locked[asset] -= amount
        self.free[asset] += amount

    def on_tick(self) -> list[Order]:
        """Fill resting orders that the new market-maker quotes cross; returns those filled."""
        touched: list[Order] = []
        for index in list(self.books.resting):
            for resting in list(self.books.resting.get(index, [])):
                order = self.orders[resting.order_id]
                executed = order.executed
                opposite = self.books.maker_levels(index, SELL if order.side == BUY else BUY)
                for level, available in opposite:
                    crosses = level <= order.price if order.side == BUY else level >= order.price
                    if not crosses or order.remaining <= 0:
                        break
                    qty = min(available, order.remaining)
                    self._fill(order, order.price, qty, maker=True, reserved=True, level=level)
                    self.books.reduce(index, order.order_id, qty)
                if order.executed > executed:
                    touched.append(order)
                    order.status = "FILLED" if order.remaining <= 0 else "PARTIALLY_FILLED"
                    if order.remaining <= 0:
                        self.books.remove(index, order.order_id)
        return touched

    # -- queries and cancels ----------------------------------------------------------------
    def find(
        self,
        index: int,
        *,
        order_id: int | None,
        client_order_id: str | None,
        cancelling: bool = False,
    ) -> Order:
        order = (
            self.orders.get(order_id)
            if order_id is not None
            else self._by_client_id.get((index, client_order_id or ""))
        )
        if order is None or order.symbol != index:
            raise errors.unknown_order(cancelling=cancelling)
        return order

    def cancel(self, order: Order) -> Order:
        if not order.is_open:
            raise errors.unknown_order(cancelling=True)
        self._release(order)
        order.status = "CANCELED"
        order.update_ms = self.market.now_ms
        self.books.remove(order.symbol, order.order_id)
        return order

    def open_orders(self, index: int | None) -> list[Order]:
        return [
            o for o in self.orders.values() if o.is_open and (index is None or o.symbol == index)
        ]

    def balances(self) -> list[tuple[str, Decimal, Decimal]]:
        return [
            (asset, self.free.get(asset, Decimal(0)), self.locked.get(asset, Decimal(0)))
            for asset in sorted(set(self.free) | set(self.locked))
        ]
