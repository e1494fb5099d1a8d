"""`ConfiguredService`: a service with its own settings section and the bus settings.

The section is `settings.<name>`, validated against the service's `config_model` at
construction (errors name the dotted field); `with_config` binds explicit models instead,
for tests and embedding.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from tradeplane.bus.config import BusConfig
from tradeplane.config import service_section
from tradeplane.runtime.service import Service, ServiceContext


class ConfiguredService(Service):
    """Subclasses set `config_model` and annotate `config` with it."""

    config_model: ClassVar[type[BaseModel]]
    _bound_bus: ClassVar[BusConfig | None] = None
    _bound_config: ClassVar[BaseModel | None] = None

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        settings = context.settings
        self.bus: BusConfig = self._bound_bus or settings.bus
        self.config: Any = self._bound_config or service_section(
            settings, self.name, self.config_model
        )

    @classmethod
    def with_config(
        cls, *, bus: BusConfig | None = None, config: BaseModel | None = None
    ) -> type[ConfiguredService]:
        """A subclass bound to explicit configuration (tests, embedding)."""
        return type(cls.__name__, (cls,), {"_bound_bus": bus, "_bound_config": config})
