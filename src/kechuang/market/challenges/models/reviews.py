"""Expert review of the bids on a challenge, before the issuer selects one.

The province assigns experts once bidding has closed, to every live bid of a challenge or
to one bid; each expert scores (0–100) and gives an opinion per bid. Only the province and
the expert see a review row; the issuer sees the averages and the opinions, unnamed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import TimeStampedModel, user_fk
from kechuang.core.scoping import ScopePolicy
from kechuang.market.challenges.models import Challenge, ChallengeBid


class BidReview(TimeStampedModel):
    """One expert's review of one bid; `reviewed_on` is empty until the expert has scored."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("待评审")
        REVIEWED = "reviewed", _("已评审")

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("榜单项目"), on_delete=models.CASCADE, related_name="reviews"
    )
    bid = models.ForeignKey(
        ChallengeBid, verbose_name=_("揭榜申请"), on_delete=models.CASCADE, related_name="reviews"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审专家"),
        on_delete=models.PROTECT,
        related_name="bid_reviews",
    )
    assigned_by = user_fk(_("分配人"))
    score = models.PositiveSmallIntegerField(
        _("评分"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    opinion = models.TextField(_("评审意见"), blank=True)
    reviewed_on = models.DateField(_("评审日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )

    # The province and the expert itself; experts stay unnamed to the issuer and solvers.
    scope_policy = ScopePolicy(people="expert_id", editable_by_owner=False)

    class Meta:
        verbose_name = _("揭榜申请专家评审")
        verbose_name_plural = _("揭榜申请专家评审")
        ordering = ["challenge_id", "bid_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "expert"],
                name="bid_review_once",
                violation_error_message=_("该专家已分配评审此揭榜申请"),
            ),
            models.CheckConstraint(
                condition=models.Q(status="assigned", reviewed_on__isnull=True)
                | models.Q(status="reviewed", reviewed_on__isnull=False),
                name="bid_review_reviewed_has_date",
                violation_error_message=_("已评审的意见须有评审日期"),
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=100),
                name="bid_review_score_range",
                violation_error_message=_("评分须在0至100之间"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bid.solver_name} · {self.challenge.title}"
