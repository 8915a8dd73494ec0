"""The programs' background job handlers and exports, found by core's autodiscovery."""

from kechuang.programs.runs import exports as _exports  # noqa: F401
from kechuang.programs.runs import services as _runs  # noqa: F401
