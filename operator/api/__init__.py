"""The custom resources' specs as typed models, written once: the plans read them and the
CRD generator (`tradeplane.operator.crds`) turns them into the OpenAPI schemas.

Field names are snake_case in Python and camelCase on the wire (`SymbolUniverseSpec.
model_validate(body["spec"])`); every field has a description, which `kubectl explain`
shows, and the defaults here are the CRD's defaults.
"""

from tradeplane.operator.api.common import ComponentSpec, Quantities, ResourcesSpec
from tradeplane.operator.api.strategy import (
    CanarySpec,
    RiskLimits,
    RolloutSpec,
    SecretRef,
    SignalsSpec,
    SignalWeights,
    SizingSpec,
    TradingStrategySpec,
    UniverseRef,
)
from tradeplane.operator.api.universe import IndicatorsSpec, SymbolUniverseSpec

__all__ = [
    "CanarySpec",
    "ComponentSpec",
    "IndicatorsSpec",
    "Quantities",
    "ResourcesSpec",
    "RiskLimits",
    "RolloutSpec",
    "SecretRef",
    "SignalWeights",
    "SignalsSpec",
    "SizingSpec",
    "SymbolUniverseSpec",
    "TradingStrategySpec",
    "UniverseRef",
]
