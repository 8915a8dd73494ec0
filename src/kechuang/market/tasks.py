"""The market's background exports, found by core's autodiscovery (`<app>/tasks.py`)."""

from kechuang.market.contracts import export_jobs as _exports  # noqa: F401
