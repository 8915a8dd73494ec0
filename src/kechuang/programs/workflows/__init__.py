"""The programs' workflows, declared once as data (core.workflow)."""

from __future__ import annotations

from typing import Any

from kechuang.core.workflow import Workflow
from kechuang.programs.models import TechSMEApplication
from kechuang.programs.workflows.gradient import GRADIENT
from kechuang.programs.workflows.objections import OBJECTIONS
from kechuang.programs.workflows.techsme import TECH_SME


def workflow_of(application: Any) -> Workflow[Any]:
    """The workflow of a tech-SME or a gradient application."""
    return TECH_SME if isinstance(application, TechSMEApplication) else GRADIENT


__all__ = ["GRADIENT", "OBJECTIONS", "TECH_SME", "workflow_of"]
