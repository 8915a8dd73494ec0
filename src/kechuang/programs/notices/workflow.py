"""Public notices (公示) and the objections to them (公示异议).

Every application, tech-SME or gradient, takes two steps through the notice, declared here
once and included in its own workflow: it is put on a notice batch (`publish`, from the
notice form, one batch for many applications), or kept out of the round by an upheld
objection (`exclude`).

Anyone with a login may object to an entry while its notice runs (a record is created, with
no state before it). The province then decides, giving its reasons: the objection is upheld
(`uphold`), which keeps the enterprise out of this round, or dismissed (`dismiss`). While an
objection is pending the enterprise can be neither admitted nor filed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import Label, Transition, Workflow, province
from kechuang.programs.common import event
from kechuang.programs.notices.models import Objection

if TYPE_CHECKING:
    from kechuang.programs.common import Application

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


def upheld_objection(app: Application) -> Label:
    entry = getattr(app, "notice_entry", None)
    if entry is not None and entry.objections.filter(decision=Objection.Decision.UPHELD).exists():
        return ""
    return _("公示异议成立后方可办理")


def notice_steps(ready: str, in_notice: str, rejected: str, form: str) -> list[Transition]:
    """Publication on a notice batch (from the notice form, one batch for many applications)
    and the exclusion an upheld objection brings about."""
    return [
        Transition(
            "publish",
            _("列入公示"),
            (ready,),
            in_notice,
            province,
            "publicised",
            confirm=_("发布后公示即对外公开,确定发布?"),
            form=form,
        ),
        Transition(
            "exclude",
            _("异议成立,不予通过"),
            (in_notice,),
            rejected,
            province,
            guard=upheld_objection,
        ),
    ]
