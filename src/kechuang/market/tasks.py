"""The market's background exports, found by core's autodiscovery."""

from kechuang.market import export_jobs as _exports  # noqa: F401
