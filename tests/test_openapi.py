"""The committed API contract (`openapi.json`) is the one the code serves."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from django.core.management import call_command

from kechuang.web.management.commands.export_openapi import openapi_text

COMMITTED = Path(__file__).resolve().parent.parent / "openapi.json"
HINT = "openapi.json is out of date: run `make openapi` and commit the result."


def test_committed_openapi_matches_the_code():
    assert COMMITTED.exists(), HINT
    committed = COMMITTED.read_text(encoding="utf-8")
    generated = openapi_text()
    if committed != generated:
        diff = difflib.unified_diff(
            committed.splitlines(),
            generated.splitlines(),
            "openapi.json (committed)",
            "openapi.json (generated)",
            lineterm="",
            n=2,
        )
        lines = list(diff)
        shown = "\n".join(lines[:80]) + ("\n..." if len(lines) > 80 else "")
        raise AssertionError(f"{HINT}\n{shown}")


def test_every_operation_declares_its_errors_and_has_a_unique_id():
    spec = json.loads(openapi_text())
    seen: set[str] = set()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op["operationId"] not in seen, op["operationId"]
            seen.add(op["operationId"])
            assert "422" in op["responses"], f"{method.upper()} {path} declares no 422"
            if op.get("security"):
                for code in ("400", "401", "403", "404"):
                    assert code in op["responses"], f"{method.upper()} {path} lacks {code}"


def test_export_command_writes_the_same_text(tmp_path):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))
    assert target.read_text(encoding="utf-8") == openapi_text()
    assert target.read_text(encoding="utf-8").endswith("}\n")
