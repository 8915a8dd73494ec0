"""Market templates ask the workflows (or a model property) what a record allows: no status
string is compared in a template."""

from __future__ import annotations

import re
from pathlib import Path

import kechuang.market

TEMPLATES = Path(kechuang.market.__file__).parent / "templates"
STATUS_TEST = re.compile(r"status\s*(==|!=|in\s)")


def test_no_status_string_in_market_templates():
    found = [
        f"{path.relative_to(TEMPLATES)}:{n}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STATUS_TEST.search(line)
    ]
    assert not found, found


def test_no_javascript_urls_in_market_templates():
    # The CSP refuses javascript: URLs; `href="#" data-back` goes back instead.
    found = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(TEMPLATES.rglob("*.html"))
        if "javascript:" in path.read_text(encoding="utf-8")
    ]
    assert not found, found
