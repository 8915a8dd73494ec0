"""Objections to a public notice (公示异议).

Anyone with a login may object to an entry while its notice runs (a record is created, with
no state before it). The province then decides, giving its reasons: the objection is upheld
(`uphold`), which keeps the enterprise out of this round, or dismissed (`dismiss`). While an
objection is pending the enterprise can be neither admitted nor filed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import Transition, Workflow, province
from kechuang.programs.models import Objection
from kechuang.programs.workflows.common import event

D = Objection.Decision


def _emit(kind: str, *, actor: Any, obj: Objection, reason: str = "", **data: Any) -> Any:
    """The decision is a milestone of the application objected to."""
    return event(kind, actor, application=obj.entry.application, reason=reason, objection=obj.pk)


OBJECTIONS: Workflow[Objection] = Workflow(
    Objection,
    [
        Transition(
            "uphold",
            _("异议成立"),
            (D.PENDING,),
            D.UPHELD,
            province,
            "objection_upheld",
            reason=True,
            confirm=_("异议成立将使该企业不能入库或备案,确定?"),
            style="danger",
        ),
        Transition(
            "dismiss",
            _("异议不成立"),
            (D.PENDING,),
            D.DISMISSED,
            province,
            "objection_dismissed",
            reason=True,
            style="secondary",
        ),
    ],
    field="decision",
    emit=_emit,
    name="programs.objection",
)
