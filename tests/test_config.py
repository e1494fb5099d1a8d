"""Config: defaults, YAML file, environment overrides, and errors that name the field."""

from pathlib import Path

import pytest

from tradeplane.config import load_settings
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
