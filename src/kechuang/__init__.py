"""Kechuang: the programs of a regional innovation system on one data model."""

import os

# Polars' allocator (jemalloc) hands freed pages back to the system at once. An evaluation
# allocates and frees gigabytes in turn, and each page taken back is a page fault when it is
# used again: 2.8 s of system time in one run of all programs over 1 M enterprises, 0.5 s with
# freed pages kept for 10 s (a background thread still returns them when the process idles).
# Blocks of 8 MiB and more (a column of a million decimals) would still be handed back at once:
# jemalloc gives them an arena of their own that ignores the decay time, unless
# oversize_threshold is 0. jemalloc reads this once, when Polars is first imported: the package
# sets it before that.
os.environ.setdefault(
    "_RJEM_MALLOC_CONF",
    "background_thread:true,dirty_decay_ms:10000,muzzy_decay_ms:10000,oversize_threshold:0",
)
