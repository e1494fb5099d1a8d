"""plan_universe and plan_streams: pure, checked with plain asserts."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tradeplane.config import Settings
from tradeplane.operator import naming
from tradeplane.operator.api import SymbolUniverseSpec
from tradeplane.operator.config import OperatorConfig, load_operator_config
from tradeplane.operator.planning import plan_streams, plan_universe

CONFIG = load_operator_config(None, image={"repository": "repo.test/tp", "tag": "9.9.9"})
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}


def universe(name: str = "majors", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": naming.API_VERSION,
        "kind": naming.UNIVERSE_KIND,
        "metadata": {"name": name, "namespace": "trading", "uid": "uid-1", "generation": 1},
        "spec": spec,
    }


def plan(body: dict[str, Any], config: OperatorConfig = CONFIG) -> dict[tuple[str, str], Any]:
    spec = SymbolUniverseSpec.model_validate(body["spec"])
    manifests = plan_universe(body, spec, config=config, nats_url="nats://nats.messaging:4222")
    return {(m["kind"], m["metadata"]["name"]): m for m in manifests}


def indicators_pod(body: dict[str, Any], config: OperatorConfig = CONFIG) -> dict[str, Any]:
    return plan(body, config)[("Deployment", "majors-indicators")]["spec"]["template"]["spec"]


def service_config(body: dict[str, Any]) -> dict[str, Any]:
    config_map = plan(body)[("ConfigMap", "majors-universe")]
    return yaml.safe_load(config_map["data"]["config.yaml"])


def test_service_sections_carry_the_universe_into_each_service() -> None:
    stages = {"scoring": {"selection": {"topN": 3}}}
    config = service_config(universe(exchange="binance", quote="USDT", stages=stages))
    bus_name = naming.bus_name("trading", "majors")
    (feed,) = config["marketdata"]["exchanges"]
    assert feed["exchange"]["exchange_id"] == "binance"
    assert feed["quote_assets"] == ["USDT"]
    assert config["indicators"]["universe"] == config["screener"]["universe"] == bus_name
    assert config["indicators"]["exchange"] == config["screener"]["exchange"] == "binance"
    assert config["screener"]["stages"] == stages
    Settings.model_validate(config)  # the file loads as the pods' Settings


def test_children_are_a_config_map_and_a_deployment_and_service_per_component() -> None:
    assert sorted(plan(universe())) == sorted(
        [("ConfigMap", "majors-universe")]
        + [
            (kind, f"majors-{c}")
            for c in ("marketdata", "indicators", "screener")
            for kind in ("Deployment", "Service")
        ]
    )


def test_gpu_required_asks_for_gpus_on_gpu_nodes_with_the_cuda_image() -> None:
    body = universe(indicators={"gpu": "required", "gpuCount": 2})
    pod = indicators_pod(body)
    (container,) = pod["containers"]
    assert container["image"] == "repo.test/tp:9.9.9-cuda12"
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "2"
    assert "nvidia.com/gpu" not in container["resources"]["requests"]
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert pod["tolerations"] == [GPU_TOLERATION]
    assert "affinity" not in pod
    assert service_config(body)["indicators"]["backend"] == "gpu"


def test_gpu_auto_prefers_gpu_nodes_with_the_cpu_image() -> None:
    body = universe(indicators={"gpu": "auto"})
    pod = indicators_pod(body)
    (container,) = pod["containers"]
    assert container["image"] == "repo.test/tp:9.9.9"
    assert "nvidia.com/gpu" not in container["resources"]["limits"]
    assert "nodeSelector" not in pod
    assert pod["tolerations"] == [GPU_TOLERATION]
    (preferred,) = pod["affinity"]["nodeAffinity"][
        "preferredDuringSchedulingIgnoredDuringExecution"
    ]
    assert preferred["preference"]["matchExpressions"] == [
        {"key": "nvidia.com/gpu.present", "operator": "In", "values": ["true"]}
    ]
    assert "requiredDuringSchedulingIgnoredDuringExecution" not in pod["affinity"]["nodeAffinity"]
    assert service_config(body)["indicators"]["backend"] == "auto"


def test_gpu_off_is_plain_cpu() -> None:
    body = universe(indicators={"gpu": "off"})
    pod = indicators_pod(body)
    (container,) = pod["containers"]
    assert container["image"] == "repo.test/tp:9.9.9"
    assert "nvidia.com/gpu" not in container["resources"]["limits"]
    assert not {"nodeSelector", "tolerations", "affinity"} & set(pod)
    assert service_config(body)["indicators"]["backend"] == "cpu"


def test_only_indicators_follow_the_gpu_policy() -> None:
    children = plan(universe(indicators={"gpu": "required"}))
    for component in ("marketdata", "screener"):
        pod = children[("Deployment", f"majors-{component}")]["spec"]["template"]["spec"]
        assert pod["containers"][0]["image"] == "repo.test/tp:9.9.9"
        assert not {"nodeSelector", "tolerations", "affinity"} & set(pod)


def test_images_come_from_the_operator_configuration() -> None:
    config = load_operator_config(
        None, image={"repository": "mirror.local/tp", "tag": "2.0.0", "cuda_variant": "cuda13"}
    )
    pod = indicators_pod(universe(indicators={"gpu": "required"}), config)
    assert pod["containers"][0]["image"] == "mirror.local/tp:2.0.0-cuda13"


def test_children_are_owned_labelled_and_selected_consistently() -> None:
    for (kind, name), manifest in plan(universe()).items():
        metadata = manifest["metadata"]
        assert metadata["namespace"] == "trading"
        assert metadata["ownerReferences"] == [
            {
                "apiVersion": naming.API_VERSION,
                "kind": naming.UNIVERSE_KIND,
                "name": "majors",
                "uid": "uid-1",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
        assert metadata["labels"][naming.LABEL_MANAGED_BY] == naming.MANAGED_BY
        assert metadata["labels"][naming.LABEL_UNIVERSE] == "majors"
        if kind == "Deployment":
            selector = manifest["spec"]["selector"]["matchLabels"]
            template_labels = manifest["spec"]["template"]["metadata"]["labels"]
            assert selector.items() <= template_labels.items()
        if kind == "Service":
            deployment = plan(universe())[("Deployment", name)]
            assert manifest["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("name", ["a", "x" * naming.MAX_UNIVERSE_NAME, "y" * 63])
def test_names_and_label_values_stay_within_63_characters(name: str) -> None:
    for (_, child), manifest in plan(universe(name)).items():
        assert len(child) <= 63 and child == child.lower()
        assert all(len(value) <= 63 for value in manifest["metadata"]["labels"].values())


def test_the_config_map_holds_service_settings_and_the_universe() -> None:
    config_map = plan(universe(timeframes=["5m", "1h"], quote="USDC"))[
        ("ConfigMap", "majors-universe")
    ]
    settings = yaml.safe_load(config_map["data"]["config.yaml"])
    loaded = Settings(**settings)  # what `tradeplane serve --config` reads
    assert (loaded.nats.url, loaded.grpc.host, loaded.grpc.port) == (
        "nats://nats.messaging:4222",
        "0.0.0.0",
        50051,
    )
    document = yaml.safe_load(config_map["data"]["universe.yaml"])
    assert document["busName"] == "trading-majors" and document["quote"] == "USDC"
    assert document["timeframes"] == ["5m", "1h"]
    assert document["jetstream"] == {
        "stream": "UNIVERSE_TRADING_MAJORS_HISTORY",
        "kv": "UNIVERSE_TRADING_MAJORS_SELECTION",
    }


def test_a_config_change_rolls_the_pods_and_the_same_spec_plans_the_same() -> None:
    first, again = plan(universe()), plan(universe())
    assert first == again  # deterministic: applying twice changes nothing
    changed = plan(universe(quote="BTC"))
    key = ("Deployment", "majors-screener")
    annotation = naming.ANNOTATION_CONFIG_HASH
    hashes = [
        p[key]["spec"]["template"]["metadata"]["annotations"][annotation] for p in (first, changed)
    ]
    assert hashes[0] != hashes[1]


def test_probes_use_grpc_health_and_the_metrics_port() -> None:
    container = indicators_pod(universe())["containers"][0]
    assert container["readinessProbe"]["grpc"] == {"port": 50051}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["command"] == [
        "tradeplane",
        "--config",
        "/etc/tradeplane/config.yaml",
        "serve",
        "indicators",
    ]


def test_streams_source_only_this_universes_subjects() -> None:
    spec = SymbolUniverseSpec.model_validate({"timeframes": ["5m", "1h"]})
    stream, bucket = plan_streams("trading", "majors", spec)
    assert stream.kind == "stream" and bucket.kind == "kv"
    assert stream.sources == (
        ("INDICATORS", "ind.trading-majors.5m"),
        ("INDICATORS", "ind.trading-majors.1h"),
        ("SCREEN", "screen.trading-majors.results"),
        ("SCREEN", "screen.trading-majors.selection"),
    )
    assert plan_streams("other", "majors", spec)[0].name != stream.name
