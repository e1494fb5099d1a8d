-- The product's tables beside the event log: market snapshots, screening scores, orders,
-- trades, positions and performance. Quantities and money are numeric (exact).

-- A ticker snapshot per symbol, with the data's age and quality when it was served.
CREATE TABLE enhanced_market_data (
    exchange            text             NOT NULL,
    symbol              text             NOT NULL,
    captured_at         timestamptz      NOT NULL,
    last_price          double precision NOT NULL,
    bid                 double precision,
    ask                 double precision,
    spread_percent      double precision,
    high_24h            double precision,
    low_24h             double precision,
    base_volume_24h     double precision,
    quote_volume_24h    double precision,
    percent_change_24h  double precision,
    -- Seconds between the exchange's timestamp and captured_at.
    data_age_seconds    double precision NOT NULL DEFAULT 0,
    quality             text             NOT NULL DEFAULT 'fresh'
                        CHECK (quality IN ('fresh', 'stale', 'degraded')),
    -- Where the data came from: 'rest', 'websocket' or 'cache'.
    origin              text             NOT NULL DEFAULT 'rest',
    PRIMARY KEY (exchange, symbol, captured_at)
);
CREATE INDEX enhanced_market_data_captured_at ON enhanced_market_data (captured_at);

-- Each symbol's outcome per screening stage and run, so any selection can be explained.
CREATE TABLE symbol_scores (
    universe        text             NOT NULL,
    symbol          text             NOT NULL,
    scored_at       timestamptz      NOT NULL,
    stage           smallint         NOT NULL CHECK (stage BETWEEN 1 AND 3),
    passed          boolean          NOT NULL,
    score           double precision,
    -- Per-criterion values and thresholds, e.g. {"quote_volume": {"value": 8e7, "min": 5e7}}.
    components      jsonb            NOT NULL DEFAULT '{}',
    regime          text,
    rank            integer,
    selected        boolean          NOT NULL DEFAULT false,
    PRIMARY KEY (universe, scored_at, stage, symbol)
);
CREATE INDEX symbol_scores_symbol ON symbol_scores (universe, symbol, scored_at);

CREATE TABLE orders (
    client_order_id     text        PRIMARY KEY,
    strategy            text        NOT NULL,
    venue               text        NOT NULL,
    venue_order_id      text,
    symbol              text        NOT NULL,
    side                text        NOT NULL CHECK (side IN ('buy', 'sell')),
    type                text        NOT NULL CHECK (type IN ('market', 'limit')),
    time_in_force       text        NOT NULL DEFAULT 'gtc',
    quantity            numeric     NOT NULL CHECK (quantity > 0),
    limit_price         numeric,
    reduce_only         boolean     NOT NULL DEFAULT false,
    -- submitted, accepted, denied, rejected, partially_filled, filled, canceled
    status              text        NOT NULL,
    filled_quantity     numeric     NOT NULL DEFAULT 0,
    average_fill_price  numeric,
    denial_reason       text,
    detail              text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (venue, venue_order_id)
);
CREATE INDEX orders_strategy_status ON orders (strategy, status);

CREATE TABLE trades (
    venue           text        NOT NULL,
    trade_id        text        NOT NULL,
    client_order_id text        NOT NULL REFERENCES orders (client_order_id),
    strategy        text        NOT NULL,
    symbol          text        NOT NULL,
    side            text        NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity        numeric     NOT NULL,
    price           numeric     NOT NULL,
    fee             numeric     NOT NULL DEFAULT 0,
    fee_currency    text,
    liquidity       text        CHECK (liquidity IN ('maker', 'taker')),
    executed_at     timestamptz NOT NULL,
    PRIMARY KEY (venue, trade_id)
);
CREATE INDEX trades_strategy_executed_at ON trades (strategy, executed_at);

CREATE TABLE positions (
    strategy            text        NOT NULL,
    venue               text        NOT NULL,
    symbol              text        NOT NULL,
    -- Signed: negative is short.
    quantity            numeric     NOT NULL DEFAULT 0,
    average_entry_price numeric,
    realized_pnl        numeric     NOT NULL DEFAULT 0,
    unrealized_pnl      numeric     NOT NULL DEFAULT 0,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (strategy, venue, symbol)
);

CREATE TABLE performance_metrics (
    strategy        text             NOT NULL,
    measured_at     timestamptz      NOT NULL,
    equity          numeric          NOT NULL,
    realized_pnl    numeric          NOT NULL DEFAULT 0,
    unrealized_pnl  numeric          NOT NULL DEFAULT 0,
    drawdown        double precision,
    sharpe          double precision,
    hit_rate        double precision,
    exposure        numeric,
    -- Attribution and anything else measured, e.g. {"by_symbol": {...}}.
    details         jsonb            NOT NULL DEFAULT '{}',
    PRIMARY KEY (strategy, measured_at)
);
