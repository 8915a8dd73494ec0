"""Gradient cultivation (雏鹰 / 瞪羚 / 独角兽), as the call describes it.

1. The province opens the year's call; the enterprise applies while it is open.
2. The city bureau of the enterprise's reporting unit (its city, or the Shenfu zone)
   recommends it (`recommend`) or, with reasons, does not (`not_recommend`), within 3
   working days of the call's deadline.
3. The province assigns experts to a recommended application (`assign`); each assigned
   expert scores it once (`score`). When the call's number of experts have all scored, the
   majority decides (`experts_pass` / `experts_fail`), taken with the last score.
4. Applications the experts passed go on a public notice (`publish`, from the notice form);
   an objection upheld by the province keeps the enterprise out (`exclude`).
5. After a notice without an upheld or pending objection the province files the enterprise
   (`file`): it holds the status for three years.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.workflow import Label, May, Transition, Workflow, province
from kechuang.programs.common import emit
from kechuang.programs.gradient.models import GradientApplication
from kechuang.programs.notices.workflow import notice_steps

S = GradientApplication.Status
ON_PAGE = "programs:gradient_detail"


def _city_bureau(user: Any, app: GradientApplication) -> bool:
    return (
        scoping.role_of(user) == Role.CITY_ADMIN
        and getattr(user, "city_id", None) is not None
        and user.city_id == app.enterprise.city_id
    )


def _reviewer(user: Any, app: GradientApplication, *, open_only: bool) -> bool:
    if scoping.role_of(user) != Role.EXPERT:
        return False
    reviews = app.reviews.filter(expert_id=user.pk)
    return (reviews.filter(reviewed_on__isnull=True) if open_only else reviews).exists()


# The bureau of the enterprise's reporting unit: its city, or the Shenfu zone.
city_bureau = May(_city_bureau, "city_admin:enterprise.city_id")
# An expert assigned to the application who has not scored it yet.
open_reviewer = May(lambda u, a: _reviewer(u, a, open_only=True), "expert:assigned, open")
reviewer = May(lambda u, a: _reviewer(u, a, open_only=False), "expert:assigned")


@dataclass(frozen=True)
class Tally:
    """The experts' verdict once all of them have scored."""

    recommended: int
    reviewers: int
    mean_score: Decimal | None

    @property
    def passed(self) -> bool:
        return self.recommended * 2 > self.reviewers

    def data(self) -> dict[str, Any]:
        mean = self.mean_score
        return {
            "recommended": self.recommended,
            "reviewers": self.reviewers,
            "mean_score": str(mean.quantize(Decimal("0.01"))) if mean is not None else None,
        }


def tally(app: GradientApplication) -> Tally | None:
    """None while fewer than the call's number of experts have scored."""
    reviews = list(app.reviews.all())
    if len(reviews) < app.call.reviewers or not all(r.reviewed_on for r in reviews):
        return None
    scores = [r.score for r in reviews if r.score is not None]
    mean = sum(scores, Decimal(0)) / len(scores) if scores else None
    return Tally(sum(1 for r in reviews if r.recommend), len(reviews), mean)


def _majority(passed: bool) -> Any:
    def guard(app: GradientApplication) -> Label:
        found = tally(app)
        if found is None:
            return _("尚有专家未提交评审意见")
        return "" if found.passed == passed else _("与专家多数意见不符")

    return guard


GRADIENT: Workflow[GradientApplication] = Workflow(
    GradientApplication,
    [
        Transition(
            "recommend",
            _("推荐"),
            (S.APPLIED,),
            S.RECOMMENDED,
            city_bureau,
            "recommended",
            confirm=_("确定推荐该企业?"),
        ),
        Transition(
            "not_recommend",
            _("不予推荐"),
            (S.APPLIED,),
            S.NOT_RECOMMENDED,
            city_bureau,
            "not_recommended",
            reason=True,
            confirm=_("不予推荐后该申报即告结束,确定?"),
            style="danger",
        ),
        Transition(
            "assign",
            _("分配评审专家"),
            (S.RECOMMENDED, S.EXPERT_REVIEW),
            S.EXPERT_REVIEW,
            province,
            "expert_assigned",
            form=ON_PAGE,
        ),
        Transition(
            "score",
            _("提交评审意见"),
            (S.EXPERT_REVIEW,),
            None,
            open_reviewer,
            "expert_reviewed",
            form=ON_PAGE,
        ),
        Transition(
            "experts_pass",
            _("专家评审通过"),
            (S.EXPERT_REVIEW,),
            S.EXPERT_PASSED,
            reviewer,
            "expert_passed",
            guard=_majority(True),
        ),
        Transition(
            "experts_fail",
            _("专家评审未通过"),
            (S.EXPERT_REVIEW,),
            S.EXPERT_FAILED,
            reviewer,
            "expert_failed",
            guard=_majority(False),
        ),
        *notice_steps(S.EXPERT_PASSED, S.IN_NOTICE, S.REJECTED, ON_PAGE),
        Transition(
            "file",
            _("备案并认定"),
            (S.IN_NOTICE,),
            S.FILED,
            province,
            "filed",
            confirm=_("备案后该企业取得三年资格,确定备案?"),
        ),
    ],
    emit=emit,
    name="programs.gradient",
)
