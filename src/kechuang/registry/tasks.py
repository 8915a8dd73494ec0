"""The registry's background job handlers and exports, found by core's autodiscovery."""

from kechuang.registry import export_jobs as _exports  # noqa: F401
from kechuang.registry.importing import jobs as _imports  # noqa: F401
