"""科技型中小企业评价, as the rulebook describes it.

1. The enterprise registers on the evaluation service and self-assesses its figures of the
   previous year; the rules engine scores them. While the form is a draft (or was returned
   for correction) the enterprise may assess again (`assess`).
2. It submits the information form (`submit`) once the self-assessment passes; the formal
   review is due within 5 working days.
3. The province reviews the form: it passes (`pass`), returns it for correction with
   reasons (`return`), or rejects it with reasons (`reject`).
4. Forms that passed go on a public notice of 10 working days (`publish`, from the notice
   form). An objection upheld by the province keeps the enterprise out (`exclude`).
5. After a notice without an upheld or pending objection the province admits the
   enterprise (`admit`): a registration number, valid to the end the year's rules set.
6. An admission may be spot-checked (`spot_check_passed` / `spot_check_failed`); a failed
   check, or any ground of the rulebook, revokes it (`revoke`), which bars admission in
   the same year.

The admission has no state of its own: it is in force while its application is admitted and
revoked when the application is, so spot checks and revocation are transitions of the
application, and the admission page asks the application's workflow what may be done.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import Label, Transition, Workflow, owner, province
from kechuang.programs import deadlines
from kechuang.programs.common import emit
from kechuang.programs.notices.workflow import notice_steps
from kechuang.programs.techsme.models import TechSMEApplication

S = TechSMEApplication.Status
enterprise = owner("enterprise_id")
# Actions taken on a form of their own, reached from the application's page.
ON_PAGE = "programs:techsme_detail"


def review_period(app: TechSMEApplication, on: dt.date) -> None:
    """The formal review is due 5 working days after the day of submission."""
    app.submitted_on = on
    app.review_due = deadlines.review_due(on)


def passing(app: TechSMEApplication) -> Label:
    return "" if app.verdict == "pass" else _("自评未达到评价标准,不能提交")


TECH_SME: Workflow[TechSMEApplication] = Workflow(
    TechSMEApplication,
    [
        Transition(
            "assess",
            _("修改自评"),
            TechSMEApplication.EDITABLE,
            None,
            enterprise,
            "self_assessed",
            style="secondary",
            form=ON_PAGE,
        ),
        Transition(
            "submit",
            _("提交评价信息表"),
            TechSMEApplication.EDITABLE,
            S.SUBMITTED,
            enterprise,
            "submitted",
            confirm=_("提交后不能再修改自评数据,确定提交?"),
            deadline=review_period,
            guard=passing,
        ),
        Transition(
            "pass", _("形式审查通过"), (S.SUBMITTED,), S.PASSED_REVIEW, province, "review_passed"
        ),
        Transition(
            "return",
            _("退回修改"),
            (S.SUBMITTED,),
            S.RETURNED,
            province,
            "returned",
            reason=True,
            style="secondary",
        ),
        Transition(
            "reject",
            _("审查不通过"),
            (S.SUBMITTED,),
            S.REJECTED,
            province,
            "rejected",
            reason=True,
            confirm=_("审查不通过后该申请即告结束,确定?"),
            style="danger",
        ),
        *notice_steps(S.PASSED_REVIEW, S.IN_NOTICE, S.REJECTED, ON_PAGE),
        Transition(
            "admit",
            _("准予入库"),
            (S.IN_NOTICE,),
            S.ADMITTED,
            province,
            "admitted",
            confirm=_("准予入库并赋予登记编号,确定?"),
        ),
        Transition(
            "spot_check_passed",
            _("抽查合格"),
            (S.ADMITTED,),
            None,
            province,
            "spot_check_passed",
            form=ON_PAGE,
        ),
        Transition(
            "spot_check_failed",
            _("抽查不合格"),
            (S.ADMITTED,),
            None,
            province,
            "spot_check_failed",
            reason=True,
            form=ON_PAGE,
        ),
        Transition(
            "revoke",
            _("撤销入库登记编号"),
            (S.ADMITTED,),
            S.REVOKED,
            province,
            "revoked",
            confirm=_("撤销后该企业当年不得再次入库,确定撤销?"),
            style="danger",
            form=ON_PAGE,
        ),
    ],
    emit=emit,
    name="programs.techsme",
)
