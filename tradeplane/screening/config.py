"""`ScreeningConfig`: the pydantic model of a SymbolUniverse's `stages` section.

It is generated from the stages' declarations (`STAGE_GROUPS`), so adding a parameter
to a stage adds it here, to the CRD schema and to the docs. Keys are camelCase in
configuration (`universe.quoteVolume.minUsd`); snake_case is accepted too. Errors raise
`InvalidScreeningConfig` naming the dotted field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError, create_model, model_validator

from .base import MODEL_CONFIG, FieldError, Stage, camel, validation_message
from .errors import InvalidScreeningConfig
from .scoring import (
    CompositeScore,
    RegimeDetector,
    ReturnCorrelation,
    RsiAgreement,
    TopSelection,
    TrendStrength,
)
from .universe import FILTERS, UsdConversion
from .volatility_momentum import MEASURES, TopRanking


@dataclass(frozen=True)
class StageGroup:
    """One stage of the pipeline as configuration sees it: a section of stage classes."""

    number: int
    key: str
    title: str
    description: str
    stages: tuple[type[Stage], ...]

    @property
    def alias(self) -> str:
        return camel(self.key)


STAGE_GROUPS: tuple[StageGroup, ...] = (
    StageGroup(
        1,
        "universe",
        "Stage 1: universe screen",
        "Markets and tickers: volume, spread, status, listing age, price, symbol patterns "
        "and stale data. A symbol must pass every filter.",
        (UsdConversion, *FILTERS),
    ),
    StageGroup(
        2,
        "volatility_momentum",
        "Stage 2: volatility and momentum",
        "Candles of the stage-1 survivors: ATR %, price velocity, volume surge and breakout "
        "potential; the top K by their weighted score go on to stage 3.",
        (*MEASURES, TopRanking),
    ),
    StageGroup(
        3,
        "scoring",
        "Stage 3: quantitative scoring",
        "Market regime, composite score with regime-dependent weights, return correlations "
        "and the greedy top-N selection under diversity limits.",
        (
            RegimeDetector,
            CompositeScore,
            TrendStrength,
            RsiAgreement,
            ReturnCorrelation,
            TopSelection,
        ),
    ),
)


def _group_model(group: StageGroup) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for stage in group.stages:
        model = stage.settings_model()
        fields[stage.key] = (
            model,
            Field(default_factory=model, alias=stage.alias(), description=model.__doc__),
        )
    return create_model(  # type: ignore[call-overload,no-any-return]
        "".join(part.capitalize() for part in group.key.split("_")) + "Stages",
        __config__=MODEL_CONFIG,
        __doc__=f"{group.title}. {group.description}",
        **fields,
    )


def _check_across_stages(config: BaseModel) -> BaseModel:
    """Constraints between stages (the operator's CRD carries them as CEL rules)."""
    top_n = config.scoring.selection.top_n  # type: ignore[attr-defined]
    keep_top = config.volatility_momentum.ranking.keep_top  # type: ignore[attr-defined]
    if top_n > keep_top:
        raise FieldError(
            "scoring.selection.topN",
            f"scoring.selection.topN ({top_n}) must be at most "
            f"volatilityMomentum.ranking.keepTop ({keep_top})",
        )
    return config


def _config_model() -> type[BaseModel]:
    validators: dict[str, Any] = {
        "across_stages": model_validator(mode="after")(_check_across_stages)
    }
    fields: dict[str, Any] = {}
    for group in STAGE_GROUPS:
        model = _group_model(group)
        fields[group.key] = (
            model,
            Field(default_factory=model, alias=group.alias, description=model.__doc__),
        )
    return create_model(  # type: ignore[call-overload,no-any-return]
        "ScreeningConfig",
        __config__=MODEL_CONFIG,
        __doc__="Parameters of the three screening stages (a SymbolUniverse's `stages`).",
        __validators__=validators,
        **fields,
    )


if TYPE_CHECKING:

    class ScreeningConfig(BaseModel):
        """Parameters of the three screening stages (a SymbolUniverse's `stages`)."""

        universe: Any
        volatility_momentum: Any
        scoring: Any

else:
    ScreeningConfig = _config_model()


def load_config(
    data: ScreeningConfig | Mapping[str, Any] | None = None, *, prefix: str = "stages"
) -> ScreeningConfig:
    """A validated `ScreeningConfig` from a mapping (camelCase or snake_case keys).

    Missing sections and parameters take their defaults. Raises `InvalidScreeningConfig`
    whose `field` is the dotted path of the first bad value, e.g.
    `stages.universe.quoteVolume.minUsd`.
    """
    if isinstance(data, ScreeningConfig):
        return data
    try:
        return ScreeningConfig.model_validate(dict(data or {}))
    except ValidationError as error:
        first_field, message = validation_message(error, prefix)
        raise InvalidScreeningConfig(message, field=first_field) from None


def stage_settings(config: ScreeningConfig, group: str, stage: type[Stage]) -> BaseModel:
    """The validated settings of one stage inside a config."""
    return getattr(getattr(config, group), stage.key)  # type: ignore[no-any-return]
