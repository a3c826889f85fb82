"""Benchmarks: read-path throughput of the GraphQL API against a hand-written SQL reference."""
