"""ConfiguredService: its section from settings, errors naming the field, explicit binding."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from tradeplane.bus.config import BusConfig
from tradeplane.errors import ConfigError
from tradeplane.runtime import Host
from tradeplane.runtime.configured import ConfiguredService

from ..conftest import host_settings


class ScreenerLikeConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    universe: str = "default"
    interval_seconds: float = Field(5.0, gt=0)


class ScreenerLike(ConfiguredService):
    name = "screener"  # reads settings.screener
    config_model = ScreenerLikeConfig
    config: ScreenerLikeConfig

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None


def test_the_section_named_after_the_service_is_validated() -> None:
    host = Host(host_settings(screener={"universe": "majors"}), [ScreenerLike])
    (service,) = host.services
    assert service.config == ScreenerLikeConfig(universe="majors")
    assert service.bus == BusConfig()
    with pytest.raises(ConfigError, match=r"screener\.interval_seconds"):
        Host(host_settings(screener={"interval_seconds": 0}), [ScreenerLike])


def test_with_config_binds_explicit_models_without_touching_the_class() -> None:
    bound = ScreenerLike.with_config(config=ScreenerLikeConfig(universe="bound"))
    (service,) = Host(host_settings(screener={"universe": "ignored"}), [bound]).services
    assert service.config.universe == "bound"
    assert service.name == "screener"
    (plain,) = Host(host_settings(), [ScreenerLike]).services
    assert plain.config.universe == "default"
