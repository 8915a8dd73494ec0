"""The engine imports no Django and nothing else of the project; the reference no Polars."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kechuang.rules

RULES = Path(kechuang.rules.__file__).parent

CHECK = """
import sys
import kechuang.rules
import kechuang.rules.io
from kechuang.rules import load_program, evaluate
import polars as pl
spec = load_program("tech-sme", 2023)
evaluate(spec, pl.DataFrame({"uscc": ["A"], "year": [2022]}))
bad = sorted(m for m in sys.modules
             if m == "django" or m.startswith("django.")
             or (m.startswith("kechuang.") and not m.startswith("kechuang.rules")))
print(",".join(bad))
"""


def test_rules_imports_no_django_and_nothing_of_the_project():
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.stdout.strip() == ""


def _imports(module: str) -> set[str]:
    tree = ast.parse((RULES / f"{module.rsplit('.', 1)[1]}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_reference_evaluator_does_not_use_polars():
    seen, todo = set(), ["kechuang.rules.reference"]
    while todo:
        module = todo.pop()
        seen.add(module)
        imports = _imports(module)
        assert not any(i == "polars" or i.startswith("polars.") for i in imports), module
        todo += [i for i in imports if i.startswith("kechuang.rules.") and i not in seen]
    assert "kechuang.rules.reference_values" in seen
