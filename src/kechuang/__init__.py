"""Kechuang: the programs of a regional innovation system on one data model."""

import os

# Polars' allocator (jemalloc) hands freed pages back to the system at once. An evaluation
# allocates and frees gigabytes in turn, and each page taken back is a page fault when it is
# used again: 2.8 s of system time in one run of all programs over 1 M enterprises, 0.5 s with
# freed pages kept for 10 s (a background thread still returns them when the process idles).
# - oversize_threshold:0: blocks of 8 MiB and more (a column of a million decimals) would
#   otherwise go to an arena of their own that ignores the decay time and frees them at once.
# - narenas: one arena per core rather than four. Each arena reuses only its own freed pages,
#   so with more arenas than cores a page freed by one thread is faulted in afresh by another:
#   a first evaluation of all programs faulted 750,000 pages with the default and 180,000
#   with two arenas on two cores, and took 1.8 s rather than 3.2 s.
# jemalloc reads this once, when Polars is first imported: the package sets it before that.
os.environ.setdefault(
    "_RJEM_MALLOC_CONF",
    "background_thread:true,dirty_decay_ms:10000,muzzy_decay_ms:10000,oversize_threshold:0,"
    f"narenas:{max(1, os.cpu_count() or 1)}",
)
