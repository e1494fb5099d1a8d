"""Building blocks of the planned manifests: a service's container, Deployment, Service
and ConfigMap, with the probes, security context and labels every tradeplane pod has."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from tradeplane.operator import naming
from tradeplane.operator.api.common import ResourcesSpec
from tradeplane.operator.config import OperatorConfig, ResourceConfig

Manifest = dict[str, Any]

CONFIG_DIRECTORY = "/etc/tradeplane"
CONFIG_FILE = f"{CONFIG_DIRECTORY}/config.yaml"
CONFIG_VOLUME = "config"
SCRATCH_VOLUME = "scratch"
RUN_AS_USER = 10001


def metadata(
    name: str, namespace: str, labels: Mapping[str, str], owner: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": namespace,
        "labels": dict(labels),
        "ownerReferences": [naming.owner_reference(owner)],
    }


def service_settings(config: OperatorConfig, *, nats_url: str) -> dict[str, Any]:
    """The `config.yaml` every service pod reads (`tradeplane.config.Settings` fields)."""
    return {
        "grpc": {"host": "0.0.0.0", "port": config.ports.grpc},
        "metrics": {"host": "0.0.0.0", "port": config.ports.metrics},
        "logging": {"level": "INFO", "json_format": True},
        "nats": {"url": config.services_nats_url or nats_url},
    }


def config_map(
    name: str,
    namespace: str,
    *,
    labels: Mapping[str, str],
    owner: Mapping[str, Any],
    files: Mapping[str, Any],
) -> Manifest:
    """A ConfigMap with one YAML file per entry of `files`."""
    data = {
        file_name: yaml.safe_dump(content, sort_keys=True, default_flow_style=False)
        for file_name, content in files.items()
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(name, namespace, labels, owner),
        "data": data,
    }


def resources(override: ResourcesSpec, default: ResourceConfig) -> dict[str, dict[str, str]]:
    """Container resources: the resource's own values where given, else the operator's."""
    requests = {
        "cpu": override.requests.cpu or default.cpu_request,
        "memory": override.requests.memory or default.memory_request,
    }
    limits = {
        "cpu": override.limits.cpu or default.cpu_limit,
        "memory": override.limits.memory or default.memory_limit,
    }
    return {
        "requests": {key: value for key, value in requests.items() if value},
        "limits": {key: value for key, value in limits.items() if value},
    }


@dataclass(frozen=True)
class Workload:
    """One service Deployment to plan: which service, image, config and scheduling."""

    name: str
    namespace: str
    service: str  # the `tradeplane serve` argument
    labels: Mapping[str, str]
    selector: Mapping[str, str]
    config_map: str
    config_hash: str
    image: str
    resources: dict[str, dict[str, str]]
    env: tuple[dict[str, Any], ...] = ()
    replicas: int = 1
    recreate: bool = False
    node_selector: Mapping[str, str] = field(default_factory=dict)
    tolerations: tuple[dict[str, Any], ...] = ()
    affinity: Mapping[str, Any] = field(default_factory=dict)


def container(workload: Workload, config: OperatorConfig) -> dict[str, Any]:
    env = [
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "NUMBA_CACHE_DIR", "value": "/tmp/numba"},
        *workload.env,
    ]
    grpc_port, metrics_port = config.ports.grpc, config.ports.metrics
    return {
        "name": workload.service,
        "image": workload.image,
        "imagePullPolicy": config.image.pull_policy,
        "command": ["tradeplane", "--config", CONFIG_FILE, "serve", workload.service],
        "env": env,
        "ports": [
            {"name": "grpc", "containerPort": grpc_port, "protocol": "TCP"},
            {"name": "metrics", "containerPort": metrics_port, "protocol": "TCP"},
        ],
        "startupProbe": {
            "grpc": {"port": grpc_port},
            "periodSeconds": 2,
            "failureThreshold": 60,
        },
        "readinessProbe": {"grpc": {"port": grpc_port}, "periodSeconds": 5},
        "livenessProbe": {
            "httpGet": {"path": "/healthz", "port": "metrics"},
            "periodSeconds": 10,
            "failureThreshold": 3,
        },
        "resources": workload.resources,
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": CONFIG_VOLUME, "mountPath": CONFIG_DIRECTORY, "readOnly": True},
            {"name": SCRATCH_VOLUME, "mountPath": "/tmp"},
        ],
    }


def deployment(workload: Workload, *, owner: Mapping[str, Any], config: OperatorConfig) -> Manifest:
    """A Deployment running `tradeplane serve <service>`; the pod template carries the
    config hash, so a config change rolls the pods."""
    pod_spec: dict[str, Any] = {
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": RUN_AS_USER,
            "runAsGroup": RUN_AS_USER,
            "fsGroup": RUN_AS_USER,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "terminationGracePeriodSeconds": 30,
        "containers": [container(workload, config)],
        "volumes": [
            {"name": CONFIG_VOLUME, "configMap": {"name": workload.config_map}},
            {"name": SCRATCH_VOLUME, "emptyDir": {}},
        ],
    }
    if config.service_account:
        pod_spec["serviceAccountName"] = config.service_account
    if config.image.pull_secrets:
        pod_spec["imagePullSecrets"] = [{"name": name} for name in config.image.pull_secrets]
    if workload.node_selector:
        pod_spec["nodeSelector"] = dict(workload.node_selector)
    if workload.tolerations:
        pod_spec["tolerations"] = list(workload.tolerations)
    if workload.affinity:
        pod_spec["affinity"] = dict(workload.affinity)
    strategy: dict[str, Any] = (
        {"type": "Recreate"}
        if workload.recreate
        else {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    )
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(workload.name, workload.namespace, workload.labels, owner),
        "spec": {
            "replicas": workload.replicas,
            "revisionHistoryLimit": 3,
            "strategy": strategy,
            "selector": {"matchLabels": dict(workload.selector)},
            "template": {
                "metadata": {
                    "labels": dict(workload.labels),
                    "annotations": {naming.ANNOTATION_CONFIG_HASH: workload.config_hash},
                },
                "spec": pod_spec,
            },
        },
    }


def service(
    name: str,
    namespace: str,
    *,
    labels: Mapping[str, str],
    selector: Mapping[str, str],
    owner: Mapping[str, Any],
    config: OperatorConfig,
) -> Manifest:
    """A ClusterIP Service for a Deployment's gRPC and metrics ports."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(name, namespace, labels, owner),
        "spec": {
            "type": "ClusterIP",
            "selector": dict(selector),
            "ports": [
                {
                    "name": "grpc",
                    "port": config.ports.grpc,
                    "targetPort": "grpc",
                    "protocol": "TCP",
                    "appProtocol": "grpc",
                },
                {
                    "name": "metrics",
                    "port": config.ports.metrics,
                    "targetPort": "metrics",
                    "protocol": "TCP",
                },
            ],
        },
    }


def selector_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """The immutable subset of `labels` a Deployment selects its pods by."""
    keys = (
        naming.LABEL_INSTANCE,
        naming.LABEL_COMPONENT,
        naming.LABEL_TRACK,
        naming.LABEL_UNIVERSE,
        naming.LABEL_STRATEGY,
    )
    return {key: labels[key] for key in keys if key in labels}
