"""Fixtures for the operator tests: the emulated API server (with the CRDs installed, as
the Helm chart would), a kubeconfig for it, a stand-in for the services' /metrics, and the
real operator running in a thread of its own with short timings."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import kmock
import pytest
import yaml
from aiohttp import web

from tests.operator.kube_emulator import KubeEmulator
from tradeplane.operator import naming
from tradeplane.operator.config import OperatorConfig, load_operator_config
from tradeplane.operator.runner import run_operator

REPOSITORY = Path(__file__).resolve().parents[2]
CRD_DIRECTORY = REPOSITORY / "crds"
EXAMPLES = REPOSITORY / "examples"
T = TypeVar("T")


def load_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@dataclass
class Cluster:
    """The emulator, its URL and a kubeconfig pointing at it."""

    emulator: KubeEmulator
    url: str
    kubeconfig: Path

    def create(self, body: dict[str, Any], namespace: str | None = "default") -> dict[str, Any]:
        group, _, version = body["apiVersion"].rpartition("/")
        kind = next(
            t
            for t in self.emulator.store.types.values()
            if (t.group, t.version, t.kind) == (group, version, body["kind"])
        )
        return self.emulator.store.create(kind, namespace if kind.namespaced else None, body)

    def get(self, group: str, plural: str, name: str, namespace: str = "default") -> Any:
        return self.emulator.find(group, plural, namespace, name)

    def list(self, group: str, plural: str, namespace: str | None = "default") -> Any:
        return self.emulator.objects(group, plural, namespace)

    def patch(
        self, group: str, plural: str, name: str, patch: dict[str, Any], namespace: str = "default"
    ) -> dict[str, Any]:
        kind = self.emulator.kind(group, plural)
        return self.emulator.store.patch(
            kind, namespace, name, patch, "application/merge-patch+json"
        )[0]

    def delete(self, group: str, plural: str, name: str, namespace: str = "default") -> Any:
        return self.emulator.store.delete(self.emulator.kind(group, plural), namespace, name)

    def universe(self, name: str) -> Any:
        return self.get(naming.GROUP, naming.UNIVERSE_PLURAL, name)

    def strategy(self, name: str) -> Any:
        return self.get(naming.GROUP, naming.STRATEGY_PLURAL, name)

    def events(self, reason: str | None = None) -> list[dict[str, Any]]:
        events = self.list("", "events")
        return [event for event in events if reason is None or event.get("reason") == reason]


def write_kubeconfig(path: Path, url: str) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "emulator", "cluster": {"server": url}}],
                "users": [{"name": "tester", "user": {"token": "test-token"}}],
                "contexts": [
                    {
                        "name": "emulator",
                        "context": {
                            "cluster": "emulator",
                            "user": "tester",
                            "namespace": "default",
                        },
                    }
                ],
                "current-context": "emulator",
            }
        )
    )
    return path


@asynccontextmanager
async def serve_cluster(directory: Path, *, install_crds: bool) -> AsyncIterator[Cluster]:
    async with KubeEmulator() as emulator, kmock.Server(emulator) as server:
        url = f"http://{server.host}:{server.port}"
        result = Cluster(emulator, url, write_kubeconfig(directory / "kubeconfig", url))
        if install_crds:
            for path in sorted(CRD_DIRECTORY.glob("*.yaml")):
                for document in load_documents(path):
                    result.create(document, None)
        yield result


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    """A fresh emulated API server with crds/ installed (as the Helm chart would)."""
    async with serve_cluster(tmp_path, install_crds=True) as result:
        yield result


@pytest.fixture
async def bare_cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    """A fresh emulated API server with only the built-in resources."""
    async with serve_cluster(tmp_path, install_crds=False) as result:
        yield result


@dataclass
class FakeMetrics:
    """Stands in for the services' /metrics: `texts[(namespace, service)] = "..."`."""

    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    url_template: str = ""
    scrapes: list[tuple[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        key = (request.match_info["namespace"], request.match_info["service"])
        self.scrapes.append(key)
        if key not in self.texts:
            return web.Response(status=503, text="unreachable")
        return web.Response(text=self.texts[key], content_type="text/plain")


@pytest.fixture
async def metrics() -> AsyncIterator[FakeMetrics]:
    fake = FakeMetrics()
    app = web.Application()
    app.router.add_get("/{namespace}/{service}/metrics", fake.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.url_template = f"http://127.0.0.1:{port}/{{namespace}}/{{service}}/metrics"
    yield fake
    await runner.cleanup()


def operator_config(cluster: Cluster, metrics: FakeMetrics, **overrides: Any) -> OperatorConfig:
    """Short timings so that a test sees resyncs, retries and canary steps in seconds."""
    values: dict[str, Any] = {
        "kubeconfig": cluster.kubeconfig,
        "image": {
            "repository": "registry.test/tradeplane",
            "tag": "1.2.3",
            "cuda_variant": "cuda12",
        },
        "timings": {
            "resync_seconds": 0.5,
            "backoff_initial_seconds": 0.2,
            "backoff_max_seconds": 1.0,
            "nats_connect_seconds": 1.0,
        },
        "metrics": {"url_template": metrics.url_template, "timeout_seconds": 1.0},
        "peering": {"name": "tradeplane", "lifetime_seconds": 10},
    }
    for key, value in overrides.items():
        values[key] = {**values[key], **value} if isinstance(value, dict) else value
    return load_operator_config(None, **values)


class OperatorThread:
    """The real operator (kopf) in a thread with its own event loop."""

    def __init__(self, config: OperatorConfig, *, nats_url: str, namespace: str | None) -> None:
        self.stop_flag = threading.Event()
        self.ready_flag = threading.Event()
        self.error: BaseException | None = None
        self._arguments = (config, nats_url, namespace)
        self._thread = threading.Thread(target=self._run, name="operator", daemon=True)

    def _run(self) -> None:
        config, nats_url, namespace = self._arguments
        try:
            asyncio.run(
                run_operator(
                    config,
                    nats_url=nats_url,
                    namespace=namespace,
                    stop_flag=self.stop_flag,
                    ready_flag=self.ready_flag,
                )
            )
        except BaseException as error:  # reported by stop()
            self.error = error

    async def start(self, timeout: float = 20.0) -> None:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.ready_flag.is_set():
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"operator did not start: {self.error!r}")
            await asyncio.sleep(0.05)

    async def stop(self, timeout: float = 20.0) -> None:
        self.stop_flag.set()
        await asyncio.to_thread(self._thread.join, timeout)
        if self._thread.is_alive():
            raise RuntimeError("operator did not stop")


@pytest.fixture
def operator(cluster: Cluster, metrics: FakeMetrics, nats: Any) -> Callable[..., Any]:
    """`async with operator(**config_overrides) as running:` runs the operator."""

    @asynccontextmanager
    async def running(
        namespace: str | None = None, nats_url: str | None = None, **overrides: Any
    ) -> AsyncIterator[OperatorThread]:
        config = operator_config(cluster, metrics, **overrides)
        thread = OperatorThread(config, nats_url=nats_url or nats.url, namespace=namespace)
        await thread.start()
        try:
            yield thread
        finally:
            await thread.stop()

    return running


async def eventually(
    probe: Callable[[], T | Awaitable[T]],
    *,
    timeout: float = 15.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Poll `probe` until it returns a truthy value; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = probe()
            if asyncio.iscoroutine(last):
                last = await last
            if last:
                return last  # type: ignore[no-any-return]
        except (KeyError, TypeError, IndexError, AssertionError) as error:
            last = error
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


@pytest.fixture
def examples() -> Iterator[dict[str, dict[str, Any]]]:
    yield {path.stem: load_documents(path)[0] for path in EXAMPLES.glob("*.yaml")}
