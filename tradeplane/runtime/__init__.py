"""Service runtime: the `Service` base, the gRPC server, /metrics, and the `Host` that runs them.

A host runs one service per process (`tradeplane serve NAME`, one per pod) or many in one
process (`tradeplane up`); the services' code is the same both ways.
"""

from tradeplane.runtime.host import Host, run_host
from tradeplane.runtime.service import GrpcBinding, Service, ServiceContext, ServiceState

__all__ = ["GrpcBinding", "Host", "Service", "ServiceContext", "ServiceState", "run_host"]
