"""Typed configuration: defaults, then a YAML file, then `TRADEPLANE_*` environment variables.

Environment variables override the file; nested fields use a double underscore, e.g.
`TRADEPLANE_GRPC__PORT=50052` or `TRADEPLANE_NATS__URL=nats://nats:4222`. Validation
errors are raised as `ConfigError` naming the dotted field and where the value came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

import platformdirs
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from tradeplane.bus.config import BusConfig
from tradeplane.errors import ConfigError

ENV_PREFIX = "TRADEPLANE_"
CONFIG_PATH_ENV = "TRADEPLANE_CONFIG"


def default_data_dir() -> Path:
    """Where embedded servers keep their data unless told otherwise."""
    return Path(platformdirs.user_data_dir("tradeplane"))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GrpcConfig(_Section):
    host: str = Field("127.0.0.1", description="Address the gRPC server binds.")
    port: int = Field(50051, ge=0, le=65535, description="gRPC port; 0 picks a free port.")
    grace_seconds: float = Field(5.0, ge=0, description="In-flight RPCs get this long on stop.")


class MetricsConfig(_Section):
    host: str = Field("127.0.0.1", description="Address the /metrics endpoint binds.")
    port: int = Field(9464, ge=0, le=65535, description="Prometheus port; 0 picks a free port.")


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_format: bool = Field(True, description="One JSON object per line (services); else text.")


class NatsConfig(_Section):
    url: str = Field("nats://127.0.0.1:4222", description="NATS server URL(s), comma-separated.")


class PostgresConfig(_Section):
    dsn: str = Field(
        "postgresql://tradeplane@127.0.0.1:5432/tradeplane",
        description="asyncpg connection string of the event store database.",
    )


class InfraConfig(_Section):
    data_dir: Path = Field(default_factory=default_data_dir, description="Embedded data.")
    nats_port: int = Field(0, ge=0, le=65535, description="Embedded NATS port; 0 picks one.")
    postgres_port: int = Field(0, ge=0, le=65535, description="Embedded PostgreSQL port.")
    start_timeout_seconds: float = Field(30.0, gt=0)


class Settings(BaseSettings):
    """Everything a host needs; one instance per process."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    grpc: GrpcConfig = GrpcConfig()
    metrics: MetricsConfig = MetricsConfig()
    logging: LoggingConfig = LoggingConfig()
    nats: NatsConfig = NatsConfig()
    postgres: PostgresConfig = PostgresConfig()
    infra: InfraConfig = Field(default_factory=InfraConfig)
    bus: BusConfig = Field(default_factory=BusConfig)
    # Service sections: the core cannot import service packages, so each is kept as a
    # mapping here and validated by its service through `service_section` at start-up.
    eventstore: dict[str, Any] = Field(default_factory=dict, description="Event store service.")
    marketdata: dict[str, Any] = Field(default_factory=dict, description="Market data service.")
    indicators: dict[str, Any] = Field(default_factory=dict, description="Indicators service.")
    screener: dict[str, Any] = Field(default_factory=dict, description="Screener service.")
    services: list[str] = Field(
        default_factory=list, description="Services this host runs; empty means all installed."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file (passed as init kwargs); no .env or secrets dir.
        return (env_settings, init_settings)


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Build `Settings` from an optional YAML file, the environment and explicit overrides.

    `path` defaults to `$TRADEPLANE_CONFIG` when set. Raises `ConfigError` naming the
    field for any invalid value, and the file for unreadable YAML.
    """
    source = path or os.environ.get(CONFIG_PATH_ENV)
    data: dict[str, Any] = _read_yaml(Path(source)) if source else {}
    for dotted, value in overrides.items():
        _set_dotted(data, dotted, value)
    try:
        return Settings(**data)
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error, source=source)) from None


Section = TypeVar("Section", bound=BaseModel)


def service_section(settings: Settings, name: str, model: type[Section]) -> Section:
    """The service section `settings.<name>` validated as `model` (defaults when absent).

    Raises `ConfigError` naming the dotted field, e.g. `marketdata.exchanges.0.timeframes`.
    """
    value = getattr(settings, name, None)
    if isinstance(value, model):
        return value
    if value is not None and not isinstance(value, Mapping):
        raise ConfigError(f"config section {name!r} must be a mapping, got {type(value).__name__}")
    try:
        return model.model_validate(dict(value or {}))
    except ValidationError as error:
        raise ConfigError(
            describe_validation_error(error, source=os.environ.get(CONFIG_PATH_ENV), prefix=(name,))
        ) from None


def describe_validation_error(
    error: ValidationError, *, source: str | Path | None, prefix: tuple[str, ...] = ()
) -> str:
    origin = f"{source} or {ENV_PREFIX}* environment" if source else f"{ENV_PREFIX}* environment"
    problems = []
    for item in error.errors():
        location = (*prefix, *item["loc"])
        field = ".".join(str(part) for part in location) or "<root>"
        env_name = ENV_PREFIX + "__".join(str(part) for part in location).upper()
        shown = "" if item["type"] == "missing" else f" (got {item.get('input')!r})"
        problems.append(f"  {field}: {item['msg']}{shown} [env {env_name}]")
    return f"invalid configuration from {origin}:\n" + "\n".join(problems)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"config file {path} is not valid YAML: {error}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"config file {path} must hold a mapping at the top level")
    return loaded


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
