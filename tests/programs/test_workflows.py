"""What the programs' workflows declare alike: confirmations on the irreversible steps, and
diagrams drawn from the declarations (each workflow's steps are tested in its sub-domain's
test_workflow.py)."""

from __future__ import annotations

import pytest

from kechuang.programs.gradient.workflow import GRADIENT
from kechuang.programs.notices.workflow import OBJECTIONS
from kechuang.programs.techsme.workflow import TECH_SME

pytestmark = pytest.mark.django_db


def test_confirmations_guard_the_irreversible_steps():
    for name in ("submit", "reject", "publish", "admit", "revoke"):
        assert TECH_SME[name].confirm, name
    for name in ("return", "pass"):
        assert not TECH_SME[name].confirm, name
    assert GRADIENT["file"].confirm and GRADIENT["not_recommend"].confirm
    assert OBJECTIONS["uphold"].confirm


def test_the_diagrams_are_drawn_from_the_declarations():
    assert "submitted --> returned: 退回修改" in TECH_SME.mermaid()
    assert "applied --> recommended" in GRADIENT.mermaid()
    assert "pending --> upheld" in OBJECTIONS.mermaid()
