"""Generated protobuf and gRPC stubs for package `tradeplane.v1` (run `make protos`)."""
