"""Finds services by name through the `tradeplane.services` entry-point group.

The core never imports service packages directly; pyproject.toml lists them.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from tradeplane.errors import UnknownServiceError
from tradeplane.runtime.service import Service

GROUP = "tradeplane.services"


def available_services() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load_service(name: str) -> type[Service]:
    available = available_services()
    if name not in available:
        known = ", ".join(sorted(available)) or "none installed"
        raise UnknownServiceError(
            f"unknown service {name!r}; available: {known} "
            "(run `make install` if a service was added to pyproject.toml)"
        )
    service_class = available[name].load()
    if not (isinstance(service_class, type) and issubclass(service_class, Service)):
        raise UnknownServiceError(f"entry point {name!r} is not a tradeplane Service subclass")
    return service_class
