"""The programs' background job handlers and exports, found by core's autodiscovery."""

from kechuang.programs import export_jobs as _exports  # noqa: F401
from kechuang.programs.services import runs as _runs  # noqa: F401
