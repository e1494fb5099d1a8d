"""Config: defaults, YAML file, environment overrides, and errors that name the field."""

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from tradeplane.config import load_settings, service_section
from tradeplane.errors import ConfigError


def test_defaults_are_valid() -> None:
    settings = load_settings()
    assert settings.grpc.port == 50051
    assert settings.logging.json_format is True


def test_yaml_file_then_environment_override(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("grpc:\n  port: 6000\nnats:\n  url: nats://from-file:4222\n")
    monkeypatch.setenv("TRADEPLANE_NATS__URL", "nats://from-env:4222")
    settings = load_settings(config)
    assert settings.grpc.port == 6000
    assert settings.nats.url == "nats://from-env:4222"


def test_config_path_from_environment(tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("metrics:\n  port: 9999\n")
    monkeypatch.setenv("TRADEPLANE_CONFIG", str(config))
    assert load_settings().metrics.port == 9999


def test_invalid_value_in_file_names_the_field(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("grpc:\n  port: 70000\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert "grpc.port" in message
    assert "70000" in message
    assert "TRADEPLANE_GRPC__PORT" in message
    assert str(config) in message


def test_invalid_environment_value_names_the_field(monkeypatch) -> None:
    monkeypatch.setenv("TRADEPLANE_LOGGING__LEVEL", "LOUD")
    with pytest.raises(ConfigError, match=r"logging\.level"):
        load_settings()


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("grpc:\n  prot: 1\n")
    with pytest.raises(ConfigError, match=r"grpc\.prot"):
        load_settings(config)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("grpc: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(listing)


def test_settings_are_immutable() -> None:
    settings = load_settings()
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type is internal
        settings.grpc.port = 1  # type: ignore[misc]


class _ExampleSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    interval_seconds: float = Field(5.0, gt=0)
    symbols: list[str] = []


def test_service_section_validates_and_names_the_dotted_field(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("marketdata:\n  interval_seconds: 2\n  symbols: [BTC/USDT]\n")
    section = service_section(load_settings(config), "marketdata", _ExampleSection)
    assert section == _ExampleSection(interval_seconds=2, symbols=["BTC/USDT"])
    assert service_section(load_settings(), "screener", _ExampleSection) == _ExampleSection()

    config.write_text("marketdata:\n  interval_seconds: -1\n")
    with pytest.raises(ConfigError) as caught:
        service_section(load_settings(config), "marketdata", _ExampleSection)
    assert "marketdata.interval_seconds" in str(caught.value)
    assert "TRADEPLANE_MARKETDATA__INTERVAL_SECONDS" in str(caught.value)


def test_service_section_from_nested_environment(monkeypatch) -> None:
    monkeypatch.setenv("TRADEPLANE_SCREENER__INTERVAL_SECONDS", "7")
    section = service_section(load_settings(), "screener", _ExampleSection)
    assert section.interval_seconds == 7


def test_bus_section_is_typed(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("bus:\n  connection:\n    connect_timeout_seconds: 0\n")
    with pytest.raises(ConfigError, match=r"bus\.connection\.connect_timeout_seconds"):
        load_settings(config)
