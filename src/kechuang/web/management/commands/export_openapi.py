"""`kechuang export_openapi openapi.json`: the API contract that is committed and diffed.

It lives in `web`, the top layer, because it reads the whole API (every app's router).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation


def openapi_text() -> str:
    """The OpenAPI document as committed: sorted keys, two-space indent, trailing newline."""
    from kechuang.api import api

    # The spec is the same whatever language the caller happens to have active.
    with translation.override("zh-hans"):
        schema = api.get_openapi_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Writes the OpenAPI document of /api/v1/ to a file (or '-' for standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default="openapi.json")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        text = openapi_text()
        if path == "-":
            self.stdout.write(text, ending="")
            return
        Path(path).write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
