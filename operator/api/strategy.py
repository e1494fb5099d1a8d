"""TradingStrategy: signals and execution over one SymbolUniverse, in paper or live mode,
with risk limits, sizing and a canary rollout for spec changes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from tradeplane.operator.api.common import (
    DNS_LABEL_PATTERN,
    ComponentSpec,
    ComponentStatus,
    Condition,
    Spec,
    cel,
    conditions_field,
    validations,
)
from tradeplane.operator.api.universe import TIMEFRAMES


class UniverseRef(Spec):
    """A SymbolUniverse in the strategy's namespace."""

    name: str = Field(
        ..., min_length=1, max_length=63, pattern=DNS_LABEL_PATTERN, description="Its name."
    )


class SecretRef(Spec):
    """A Secret in the strategy's namespace holding the exchange API credentials. Only the
    reference travels: the pods read the keys as environment variables from the Secret."""

    name: str = Field(
        ..., min_length=1, max_length=253, pattern=DNS_LABEL_PATTERN, description="Secret name."
    )
    api_key_key: str = Field("apiKey", max_length=253, description="Key of the API key.")
    api_secret_key: str = Field("apiSecret", max_length=253, description="Key of the secret.")
    passphrase_key: str | None = Field(
        None, max_length=253, description="Key of the passphrase, for exchanges that use one."
    )


class SignalWeights(Spec):
    """Weight of each factor in the multi-factor technical score (normalised to sum 1)."""

    rsi: float = Field(0.2, ge=0, le=1, description="RSI on several timeframes.")
    stoch_rsi: float = Field(0.1, ge=0, le=1, description="Stochastic RSI.")
    williams_r: float = Field(0.1, ge=0, le=1, description="Williams %R.")
    cci: float = Field(0.1, ge=0, le=1, description="Commodity Channel Index.")
    macd: float = Field(0.15, ge=0, le=1, description="MACD histogram and crossovers.")
    bollinger: float = Field(0.1, ge=0, le=1, description="Position within Bollinger Bands.")
    volume: float = Field(0.15, ge=0, le=1, description="Volume surge ratio.")
    momentum: float = Field(0.1, ge=0, le=1, description="Price velocity.")


class SignalsSpec(ComponentSpec):
    """The signals service."""

    model_config = ConfigDict(
        json_schema_extra=validations(
            cel(
                "self.weights.rsi + self.weights.stochRsi + self.weights.williamsR"
                " + self.weights.cci + self.weights.macd + self.weights.bollinger"
                " + self.weights.volume + self.weights.momentum > 0.0",
                "at least one signal weight must be above 0",
                field_path=".weights",
            )
        )
    )

    weights: SignalWeights = Field(SignalWeights(), description="Factor weights.")
    timeframe: str = Field(
        "15m",
        max_length=3,
        description="Main timeframe of the signals; must be one of the universe's timeframes.",
        json_schema_extra=validations(
            cel(
                "self in [" + ", ".join(f"'{t}'" for t in TIMEFRAMES) + "]",
                f"timeframe must be one of {', '.join(TIMEFRAMES)}",
                reason="FieldValueNotSupported",
            )
        ),
    )
    min_confidence: float = Field(
        0.6, ge=0, le=1, description="Signals below this confidence are not traded."
    )
    adapt_to_regime: bool = Field(
        True, description="Shift weights with the detected regime (trend, range, volatile)."
    )


class RiskLimits(Spec):
    """Pre-trade risk checks; an order breaking one is denied with a reason code. Live mode
    needs at least `maxNotionalPerOrder` and `maxDrawdown`."""

    max_notional_per_order: float | None = Field(
        None, gt=0, description="Largest order value in quote currency."
    )
    max_position_notional: float | None = Field(
        None, gt=0, description="Largest position value per symbol, in quote currency."
    )
    max_gross_exposure: float | None = Field(
        None, gt=0, description="Sum of absolute position values, in quote currency."
    )
    max_open_orders: int | None = Field(None, ge=1, le=1000, description="Open orders at once.")
    max_orders_per_minute: int | None = Field(None, ge=1, le=6000, description="Order rate.")
    max_drawdown: float | None = Field(
        None, gt=0, le=1, description="Trading halts below this fraction under the equity peak."
    )
    max_correlated_exposure: float | None = Field(
        None, gt=0, le=1, description="Largest capital fraction in highly correlated symbols."
    )
    kill_switch: bool = Field(False, description="When true, no new order is accepted.")


class SizingSpec(Spec):
    """How capital is split across the selected symbols."""

    method: Literal["volatilityTarget", "riskParity", "fixedFraction"] = Field(
        "volatilityTarget", description="Position sizing method."
    )
    target_volatility: float = Field(
        0.2, gt=0, le=5, description="Annualised portfolio volatility aimed at (volatilityTarget)."
    )
    fixed_fraction: float = Field(
        0.1, gt=0, le=1, description="Capital fraction per position (fixedFraction)."
    )
    max_positions: int = Field(5, ge=1, le=100, description="Positions held at once.")
    rebalance_seconds: int = Field(300, ge=10, le=86400, description="Rebalancing period.")


class CanarySpec(Spec):
    """A spec change first runs as a canary beside the stable revision."""

    weight: int = Field(
        20,
        ge=1,
        le=100,
        description=(
            "Percent of the capital the canary trades at the first step, added again at "
            "every further step (20: 20 %, 40 %, 60 %, 80 %, then promotion)."
        ),
    )
    pause_seconds: int = Field(
        300, ge=1, le=604800, description="How long each step runs before the next."
    )
    max_error_rate: float = Field(
        0.05, ge=0, le=1, description="Rolled back when its error ratio (failed/all) exceeds this."
    )
    max_drawdown: float = Field(
        0.05, ge=0, le=1, description="Rolled back when its drawdown exceeds this fraction."
    )
    min_samples: int = Field(
        0, ge=0, le=1000000, description="Requests and orders seen before the error ratio counts."
    )


class RolloutSpec(Spec):
    """How spec changes reach the running strategy."""

    strategy: Literal["Canary", "Immediate"] = Field(
        "Canary", description="`Canary`: gradual, judged on live metrics; `Immediate`: replace."
    )
    canary: CanarySpec = Field(CanarySpec(), description="Canary steps and rollback limits.")


class TradingStrategySpec(Spec):
    """Signals and execution over one SymbolUniverse's selection."""

    model_config = ConfigDict(
        json_schema_extra=validations(
            cel(
                "self.mode != 'live' || has(self.credentialsSecretRef)",
                "live mode needs credentialsSecretRef (the Secret with the exchange API key)",
                field_path=".credentialsSecretRef",
                reason="FieldValueRequired",
            ),
            cel(
                "self.mode != 'live' || (has(self.risk) && has(self.risk.maxNotionalPerOrder)"
                " && has(self.risk.maxDrawdown))",
                "live mode needs risk limits: risk.maxNotionalPerOrder and risk.maxDrawdown",
                field_path=".risk",
                reason="FieldValueRequired",
            ),
        )
    )

    universe_ref: UniverseRef = Field(
        ..., description="The SymbolUniverse whose selection it trades."
    )
    mode: Literal["paper", "live"] = Field(
        "paper", description="`paper`: simulated fills; `live`: real orders on the exchange."
    )
    capital: float = Field(
        10000.0, gt=0, le=1e12, description="Capital allocated, in the universe's quote currency."
    )
    credentials_secret_ref: SecretRef | None = Field(
        None, description="Exchange API credentials, by Secret reference only (live mode)."
    )
    signals: SignalsSpec = Field(SignalsSpec(), description="Signal generation.")
    risk: RiskLimits | None = Field(None, description="Pre-trade risk limits.")
    sizing: SizingSpec = Field(SizingSpec(), description="Position sizing.")
    execution: ComponentSpec = Field(ComponentSpec(), description="The execution service.")
    rollout: RolloutSpec = Field(RolloutSpec(), description="How spec changes are rolled out.")


class RolloutStatus(Spec):
    """Where a rollout stands."""

    phase: Literal["Stable", "Progressing", "RolledBack"] = Field(
        "Stable", description="Stable: one revision; Progressing: canary beside stable."
    )
    stable_revision: str = Field("", max_length=16, description="Revision trading the bulk.")
    canary_revision: str = Field("", max_length=16, description="Revision under test, if any.")
    canary_weight: int = Field(0, ge=0, le=100, description="Capital percent of the canary.")
    step: int = Field(0, ge=0, description="Current canary step, from 1.")
    step_started_at: str = Field("", max_length=64, description="When the current step began.")
    rolled_back_revision: str = Field(
        "", max_length=16, description="Last revision rolled back (not retried until changed)."
    )
    message: str = Field("", max_length=1024, description="Why the rollout is where it is.")
    stable_spec: dict[str, Any] = Field(
        {},
        description="The stable revision's spec: what the stable pods run and a rollback keeps.",
        json_schema_extra={"x-kubernetes-preserve-unknown-fields": True},
    )


class TradingStrategyStatus(Spec):
    """What the operator and the services report about a strategy."""

    observed_generation: int = Field(0, ge=0, description="Generation last reconciled.")
    conditions: list[Condition] = conditions_field()
    phase: Literal["Pending", "Running", "Progressing", "Degraded"] = Field(
        "Pending", description="Summary for `kubectl get`."
    )
    components: list[ComponentStatus] = Field(
        [],
        max_length=8,
        description="Readiness of the signals and execution Deployments.",
        json_schema_extra={"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"]},
    )
    rollout: RolloutStatus = Field(RolloutStatus(), description="Stable and canary revisions.")
    pnl: float = Field(0.0, description="Profit and loss in quote currency, from execution.")
    drawdown: float = Field(0.0, ge=0, description="Drawdown from the equity peak, a fraction.")
