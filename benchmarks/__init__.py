"""Benchmarks, run on demand: `python -m benchmarks [name]`."""

# The package first, so that its process settings (Polars' allocator) are those of `kechuang`.
import kechuang  # noqa: F401
