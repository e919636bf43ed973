"""Benchmarks of frontwatch, run with `make bench`."""
