"""SymbolUniverse -> its ConfigMap, the marketdata/indicators/screener Deployments and
Services, and its JetStream stream and KV bucket (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tradeplane.bus import subjects
from tradeplane.operator import naming
from tradeplane.operator.api.universe import IndicatorsSpec, SymbolUniverseSpec
from tradeplane.operator.config import OperatorConfig
from tradeplane.operator.planning import workloads
from tradeplane.operator.planning.workloads import Manifest, Workload

GPU_RESOURCE = "nvidia.com/gpu"
GPU_NODE_LABEL = "nvidia.com/gpu.present"
GPU_TOLERATION = {"key": GPU_RESOURCE, "operator": "Exists", "effect": "NoSchedule"}
UNIVERSE_FILE = "universe.yaml"
#: The indicators service's kernel backend (`indicators.backend`) for each GPU policy.
BACKEND_BY_GPU_POLICY = {"required": "gpu", "auto": "auto", "off": "cpu"}
_COMPONENT_FIELDS = ("marketdata", "indicators", "screener")  # Deployment settings only


def service_sections(body: Mapping[str, Any], spec: SymbolUniverseSpec) -> dict[str, Any]:
    """The `marketdata`, `indicators` and `screener` sections of the pods' `config.yaml`.

    Each service validates its own section at start-up; the universe's bus name is the
    token its indicator and screening subjects carry.
    """
    metadata = body["metadata"]
    bus_name = naming.bus_name(metadata["namespace"], metadata["name"])
    timeframes = list(spec.timeframes)
    return {
        "marketdata": {
            "exchanges": [
                {
                    "exchange": {"exchange_id": spec.exchange, "name": spec.exchange},
                    "quote_assets": [spec.quote],
                    "timeframes": timeframes,
                }
            ]
        },
        "indicators": {
            "universe": bus_name,
            "exchange": spec.exchange,
            "timeframes": timeframes,
            "backend": BACKEND_BY_GPU_POLICY[spec.indicators.gpu],
        },
        "screener": {
            "universe": bus_name,
            "exchange": spec.exchange,
            "stages": spec.stages,
        },
    }


@dataclass(frozen=True)
class StreamPlan:
    """A JetStream stream or KV bucket that belongs to one universe."""

    name: str
    kind: Literal["stream", "kv"]
    description: str
    #: (origin stream, filter subject) pairs a stream copies messages from.
    sources: tuple[tuple[str, str], ...] = ()
    max_age_seconds: float = 0.0
    history: int = 1


def plan_streams(namespace: str, name: str, spec: SymbolUniverseSpec) -> list[StreamPlan]:
    """The universe's own history stream (sourced from the shared INDICATORS and SCREEN
    streams, filtered to this universe) and its selection KV bucket."""
    bus = naming.bus_name(namespace, name)
    sources = [(subjects.INDICATORS.name, subjects.indicators(bus, tf)) for tf in spec.timeframes]
    sources += [
        (subjects.SCREEN.name, subjects.screen_results(bus)),
        (subjects.SCREEN.name, subjects.selection(bus)),
    ]
    return [
        StreamPlan(
            name=naming.stream_name(namespace, name, "history"),
            kind="stream",
            description=f"indicator frames and screening results of universe {namespace}/{name}",
            sources=tuple(sources),
            max_age_seconds=7 * 24 * 3600,
        ),
        StreamPlan(
            name=naming.stream_name(namespace, name, "selection"),
            kind="kv",
            description=f"current selection and per-symbol explanations of {namespace}/{name}",
            history=16,
        ),
    ]


def universe_document(
    body: Mapping[str, Any], spec: SymbolUniverseSpec, streams: list[StreamPlan]
) -> dict[str, Any]:
    """`universe.yaml`: what the universe's services read besides `config.yaml`."""
    metadata = body["metadata"]
    wire = {key: value for key, value in spec.wire().items() if key not in _COMPONENT_FIELDS}
    return {
        "name": metadata["name"],
        "namespace": metadata["namespace"],
        "busName": naming.bus_name(metadata["namespace"], metadata["name"]),
        **wire,
        "jetstream": {plan.kind: plan.name for plan in streams},
    }


@dataclass(frozen=True)
class Scheduling:
    """Where and with which image a Deployment's pods run."""

    image: str
    limits: Mapping[str, str] = field(default_factory=dict)
    node_selector: Mapping[str, str] = field(default_factory=dict)
    tolerations: tuple[dict[str, Any], ...] = ()
    affinity: Mapping[str, Any] = field(default_factory=dict)


def gpu_scheduling(indicators: IndicatorsSpec, config: OperatorConfig) -> Scheduling:
    """The indicators pods' image, GPU limit, node selector, tolerations and affinity."""
    if indicators.gpu == "required":
        return Scheduling(
            image=config.image.cuda,
            limits={GPU_RESOURCE: str(indicators.gpu_count)},
            node_selector={GPU_NODE_LABEL: "true"},
            tolerations=(dict(GPU_TOLERATION),),
        )
    if indicators.gpu == "auto":
        preference = {
            "matchExpressions": [{"key": GPU_NODE_LABEL, "operator": "In", "values": ["true"]}]
        }
        return Scheduling(
            image=config.image.cpu,
            # Tolerated so that the preference can be met on tainted GPU nodes.
            tolerations=(dict(GPU_TOLERATION),),
            affinity={
                "nodeAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 100, "preference": preference}
                    ]
                }
            },
        )
    return Scheduling(image=config.image.cpu)


def plan_universe(
    body: Mapping[str, Any],
    spec: SymbolUniverseSpec,
    *,
    config: OperatorConfig,
    nats_url: str,
) -> list[Manifest]:
    """Every Kubernetes object of the universe in `body`, in apply order."""
    metadata = body["metadata"]
    name, namespace = metadata["name"], metadata["namespace"]
    streams = plan_streams(namespace, name, spec)
    files = {
        "config.yaml": {
            **workloads.service_settings(config, nats_url=nats_url),
            **service_sections(body, spec),
        },
        UNIVERSE_FILE: universe_document(body, spec, streams),
    }
    config_name = naming.child_name(name, "universe")
    config_labels = naming.common_labels(
        owner_kind=naming.UNIVERSE_KIND, owner_name=name, component="config"
    )
    manifests = [
        workloads.config_map(config_name, namespace, labels=config_labels, owner=body, files=files)
    ]
    config_hash = naming.content_hash(files)
    components = {
        "marketdata": spec.marketdata,
        "indicators": spec.indicators,
        "screener": spec.screener,
    }
    for component, component_spec in components.items():
        labels = naming.common_labels(
            owner_kind=naming.UNIVERSE_KIND, owner_name=name, component=component
        )
        child = naming.child_name(name, component)
        default_resources = getattr(config.resources, component)
        container_resources = workloads.resources(component_spec.resources, default_resources)
        scheduling = Scheduling(image=config.image.cpu)
        env: tuple[dict[str, Any], ...] = ()
        if isinstance(component_spec, IndicatorsSpec):
            scheduling = gpu_scheduling(component_spec, config)
            container_resources["limits"].update(scheduling.limits)
        workload = Workload(
            name=child,
            namespace=namespace,
            service=component,
            labels=labels,
            selector=workloads.selector_labels(labels),
            config_map=config_name,
            config_hash=config_hash,
            image=scheduling.image,
            resources=container_resources,
            env=env,
            # One ingestion per universe: a second replica would double the API weight.
            recreate=component == "marketdata",
            node_selector=scheduling.node_selector,
            tolerations=scheduling.tolerations,
            affinity=scheduling.affinity,
        )
        manifests.append(workloads.deployment(workload, owner=body, config=config))
        manifests.append(
            workloads.service(
                child,
                namespace,
                labels=labels,
                selector=workload.selector,
                owner=body,
                config=config,
            )
        )
    return manifests
