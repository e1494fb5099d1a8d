"""The services package: one subpackage per gRPC microservice, each with the same shape."""
