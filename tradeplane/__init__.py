"""tradeplane: the shared core (config, logging, service runtime, embedded infrastructure, CLI).

Services, kernels, the operator and the generated protobuf contracts live in their own
top-level folders and are mapped into this namespace by the build (see setup.py).
"""

import os
from importlib.metadata import PackageNotFoundError, version

# gRPC's fork support restarts its poller thread in a forked child; when that child
# closes its descriptors before exec (subprocess does), the poller crashes it (grpcio
# 1.80-1.85, grpc/grpc#43055). The embedded PostgreSQL is started through fork+exec with
# `user=` while gRPC serves, and nothing here forks without exec, so fork support stays
# off unless the environment asks for it. Set before anything imports grpc.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

try:
    __version__ = version("tradeplane")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
