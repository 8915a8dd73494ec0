"""The committed workflow diagrams (docs/workflows) are the ones the declarations draw."""

from __future__ import annotations

from pathlib import Path

from kechuang.web.management.commands.workflow_diagrams import documents

DOCS = Path(__file__).resolve().parents[2] / "docs" / "workflows"
HINT = "docs/workflows is out of date: run `kechuang workflow_diagrams docs/workflows`."


def test_committed_diagrams_match_the_declarations():
    expected = documents()
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    assert committed == expected, HINT


def test_every_workflow_state_is_drawn():
    for name, text in documents().items():
        if name == "README.md":
            continue
        assert text.startswith("# ") and "stateDiagram-v2" in text
