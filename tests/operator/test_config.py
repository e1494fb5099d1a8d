"""The operator's configuration: defaults, file, environment (images are never hard-coded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradeplane.errors import ConfigError
from tradeplane.operator.config import load_operator_config


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "operator.yaml"
    path.write_text("operator:\n  image: {repository: file.example/tp, tag: '1.0'}\n")
    monkeypatch.setenv("TRADEPLANE_OPERATOR__IMAGE__TAG", "2.0")
    monkeypatch.setenv("TRADEPLANE_OPERATOR__IMAGE__CUDA_VARIANT", "cuda13")
    config = load_operator_config(path)
    assert config.image.cpu == "file.example/tp:2.0"
    assert config.image.cuda == "file.example/tp:2.0-cuda13"


def test_invalid_values_name_the_field_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEPLANE_OPERATOR__PORTS__GRPC", "0")
    with pytest.raises(ConfigError, match=r"ports\.grpc.*TRADEPLANE_OPERATOR__PORTS__GRPC"):
        load_operator_config()
