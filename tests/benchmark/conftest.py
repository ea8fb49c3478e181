"""The peer fixtures of the benchmark page tests, shared with the distribution tests."""

from tests.benchmark.test_benchmark_page import make_peers, own  # noqa: F401
