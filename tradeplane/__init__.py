"""tradeplane: the shared core (config, logging, service runtime, embedded infrastructure, CLI).

Services, kernels, the operator and the generated protobuf contracts live in their own
top-level folders and are mapped into this namespace by the build (see setup.py).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tradeplane")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
