"""The Kubernetes operator: kopf handlers that reconcile SymbolUniverse and TradingStrategy
resources into the services, their ConfigMaps and Services, and their JetStream streams.

Decisions are pure (`tradeplane.operator.planning`: spec -> desired manifests); the
handlers (`handlers`) and the thin API layer (`applying`, `kube`) do the I/O.
"""
