"""The operator's own configuration: images, ports, timings and where metrics are read.

Defaults, then the `operator:` mapping of an optional YAML file, then environment
variables `TRADEPLANE_OPERATOR__*` (nested with `__`, e.g.
`TRADEPLANE_OPERATOR__IMAGE__TAG=0.2.0`). Nothing the plans put into a manifest is
hard-coded elsewhere: images, ports and resource defaults all come from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from tradeplane import __version__
from tradeplane.config import describe_validation_error
from tradeplane.errors import ConfigError

ENV_PREFIX = "TRADEPLANE_OPERATOR__"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageConfig(_Section):
    repository: str = Field("ghcr.io/tradeplane/tradeplane", description="Image repository.")
    tag: str = Field(
        default_factory=lambda: __version__.split("+")[0],
        description="Tag of the CPU image (default: the operator's own version).",
    )
    cuda_variant: str = Field(
        "cuda12", description="Suffix of the CUDA image tag: `<tag>-<cuda_variant>`."
    )
    pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    pull_secrets: tuple[str, ...] = Field((), description="imagePullSecrets of every pod.")

    @property
    def cpu(self) -> str:
        return f"{self.repository}:{self.tag}"

    @property
    def cuda(self) -> str:
        return f"{self.repository}:{self.tag}-{self.cuda_variant}"


class ResourceConfig(_Section):
    cpu_request: str = "100m"
    memory_request: str = "256Mi"
    cpu_limit: str = ""
    memory_limit: str = "1Gi"


class ComponentResources(_Section):
    """Default requests/limits per service; a resource's spec may override them."""

    marketdata: ResourceConfig = ResourceConfig()
    indicators: ResourceConfig = ResourceConfig(
        cpu_request="500m", memory_request="1Gi", memory_limit="4Gi"
    )
    screener: ResourceConfig = ResourceConfig()
    signals: ResourceConfig = ResourceConfig()
    execution: ResourceConfig = ResourceConfig()


class ServicePorts(_Section):
    grpc: int = Field(50051, ge=1, le=65535, description="gRPC port of every service pod.")
    metrics: int = Field(9464, ge=1, le=65535, description="/metrics, /healthz, /readyz port.")


class RolloutTimings(_Section):
    resync_seconds: float = Field(
        30.0, gt=0, description="Every resource is re-checked this often (drift, figures, canary)."
    )
    backoff_initial_seconds: float = Field(2.0, gt=0, description="First retry delay.")
    backoff_max_seconds: float = Field(120.0, gt=0, description="Longest retry delay.")
    nats_connect_seconds: float = Field(
        5.0, gt=0, description="How long a NATS connection is attempted before a retry."
    )


class MetricsReading(_Section):
    url_template: str = Field(
        "http://{service}.{namespace}.svc:{port}/metrics",
        description="Where a service's metrics are read; {service}, {namespace}, {port}.",
    )
    timeout_seconds: float = Field(2.0, gt=0)


class PeeringConfig(_Section):
    name: str = Field("tradeplane", description="The KopfPeering object operators meet in.")
    priority: int | None = Field(
        None, description="Highest acts, others pause; default: start time (newest wins)."
    )
    standalone: bool = Field(False, description="Run without peering (one replica only!).")
    lifetime_seconds: int = Field(60, ge=1, description="How long a silent peer counts as alive.")


class OperatorConfig(BaseSettings):
    """Everything the operator decides with besides the resources it watches."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", frozen=True
    )

    image: ImageConfig = Field(default_factory=ImageConfig)
    resources: ComponentResources = ComponentResources()
    ports: ServicePorts = ServicePorts()
    timings: RolloutTimings = RolloutTimings()
    metrics: MetricsReading = MetricsReading()
    peering: PeeringConfig = PeeringConfig()
    services_nats_url: str = Field(
        "", description="NATS URL given to the services; empty: the operator's own nats.url."
    )
    service_account: str = Field("", description="ServiceAccount of the service pods.")
    field_manager: str = Field("tradeplane-operator", description="Server-side apply manager.")
    liveness_endpoint: str = Field(
        "", description="kopf's liveness probe URL, e.g. `http://0.0.0.0:8080/healthz`."
    )
    kubeconfig: Path | None = Field(
        None, description="Explicit kubeconfig; default: in-cluster, then $KUBECONFIG."
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
        return (env_settings, init_settings)  # environment beats the file


def load_operator_config(path: str | Path | None = None, **values: Any) -> OperatorConfig:
    """The `operator:` mapping of YAML file `path` (if any), overridden by the environment.

    Raises `ConfigError` naming the field and its environment variable.
    """
    data: dict[str, Any] = {}
    if path:
        try:
            loaded = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ConfigError(f"operator config {path} is unreadable: {error}") from None
        section = loaded.get("operator", {}) if isinstance(loaded, dict) else None
        if not isinstance(section, dict):
            raise ConfigError(f"operator config {path}: `operator` must be a mapping")
        data.update(section)
    data.update(values)
    try:
        return OperatorConfig(**data)
    except ValidationError as error:
        message = describe_validation_error(error, source=path)
        raise ConfigError(message.replace("TRADEPLANE_", ENV_PREFIX, -1)) from None
