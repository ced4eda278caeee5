"""Throughput benchmarks (`make bench`): they print figures and write `.bench/latest.json`; they are not tests."""
