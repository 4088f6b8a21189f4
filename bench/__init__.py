"""Benchmarks: `python -m bench` runs every sub-benchmark and prints its numbers."""
