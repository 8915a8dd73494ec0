"""Tech-based SME evaluation (科技型中小企业评价): registrations, applications, admissions,
revocations and spot checks."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region, TimeStampedModel, user_fk
from kechuang.core.scoping import ScopePolicy
from kechuang.programs.common import Program

NUMBER_PATTERN = r"^\d{4}\d{6}[A-Z]\d{7}$"
validate_number = RegexValidator(
    NUMBER_PATTERN, _("登记编号须为年份4位、区县代码6位、字母1位、序号7位")
)


class EvaluationRegistration(TimeStampedModel):
    """An enterprise's account on the tech-SME evaluation service (注册).

    Counted by the bulletin (new and total registrations); distinct from admission (入库),
    which only follows review and public notice.
    """

    enterprise = models.OneToOneField(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="evaluation_registration",
    )
    registered_on = models.DateField(_("注册日期"), db_index=True)
    registered_by = user_fk(_("操作人"))

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("评价系统注册")
        verbose_name_plural = _("评价系统注册")
        ordering = ["-registered_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.registered_on.isoformat()}"


class TechSMEApplication(TimeStampedModel):
    """One enterprise's evaluation for one year: the figures it self-assessed, what the
    rules engine made of them, and where the application stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("自评中")
        SUBMITTED = "submitted", _("待形式审查")
        RETURNED = "returned", _("退回修改")
        PASSED_REVIEW = "passed_review", _("待公示")
        IN_NOTICE = "in_notice", _("公示中")
        ADMITTED = "admitted", _("已入库")
        REJECTED = "rejected", _("未通过")
        REVOKED = "revoked", _("已撤销")

    # An enterprise has at most one application of a year in these states.
    LIVE = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.PASSED_REVIEW,
        Status.IN_NOTICE,
        Status.ADMITTED,
    )
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    # The name of the link to it on an event row and a notice entry (GradientApplication's
    # is "gradient"): what code shared by both kinds of application reads.
    LINK = "tech_sme"

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="tech_sme_applications",
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    status = models.CharField(
        _("状态"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    # The self-assessed figures as entered: {"fiscal_year": N-1, "values": {field: text}}.
    figures = models.JSONField(_("自评数据"), default=dict)
    source_year = models.ForeignKey(
        "registry.EnterpriseYear",
        verbose_name=_("预填来源年度数据"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    spec_version = models.CharField(_("评价规则版本"), max_length=40, blank=True)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    verdict = models.CharField(_("自评结论"), max_length=4, blank=True)  # pass | fail
    qualified_by = models.CharField(_("通过方式"), max_length=40, blank=True)
    result = models.JSONField(_("评价明细"), default=dict, blank=True)
    # Sentences of the engine's explanation, by language code.
    explanation = models.JSONField(_("评价说明"), default=dict, blank=True)

    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    review_due = models.DateField(_("形式审查期限"), null=True, blank=True)
    reviewed_on = models.DateField(_("形式审查日期"), null=True, blank=True)

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("科技型中小企业评价申请")
        verbose_name_plural = _("科技型中小企业评价申请")
        ordering = ["-year", "-id"]
        indexes = [
            models.Index(fields=["status", "review_due"], name="techsme_due_idx"),
            models.Index(fields=["year", "status"], name="techsme_year_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                condition=Q(
                    status__in=[
                        "draft",
                        "submitted",
                        "returned",
                        "passed_review",
                        "in_notice",
                        "admitted",
                    ]
                ),
                name="techsme_one_live_application",
                violation_error_message=_("该企业本年度已有评价申请"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    @property
    def program(self) -> str:
        """Always the tech-SME evaluation, where a gradient application stores its program."""
        return Program.TECH_SME

    @property
    def returned_for_correction(self) -> bool:
        """The province returned the form with its reasons; the enterprise assesses again."""
        return self.status == self.Status.RETURNED


class AdmissionSerial(models.Model):
    """The last serial given out in one county in one year; locked while a number is taken."""

    year = models.PositiveSmallIntegerField()
    county = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "county"], name="admission_serial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.county_id}: {self.last}"


class Admission(TimeStampedModel):
    """Admission to the tech-SME database (入库) with its registration number.

    Valid from the day of admission to the end the year's spec sets (`[validity]`).
    """

    application = models.OneToOneField(
        TechSMEApplication,
        verbose_name=_("评价申请"),
        on_delete=models.PROTECT,
        related_name="admission",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="tech_sme_admissions",
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    county = models.ForeignKey(
        Region, verbose_name=_("所在区县"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.PositiveIntegerField(_("序号"))
    number = models.CharField(
        _("入库登记编号"), max_length=18, unique=True, validators=[validate_number]
    )
    admitted_on = models.DateField(_("入库日期"))
    valid_from = models.DateField(_("有效期起"))
    valid_to = models.DateField(_("有效期至"))
    admitted_by = user_fk(_("操作人"))
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    reevaluation_due_on = models.DateField(_("标记重新评价日期"), null=True, blank=True)

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        public=Q(revoked_on__isnull=True),
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("科技型中小企业入库")
        verbose_name_plural = _("科技型中小企业入库")
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "county", "serial"],
                name="admission_serial_per_year_county",
                violation_error_message=_("该年度该区县的序号已被使用"),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="admission_validity_ordered",
                violation_error_message=_("有效期至不能早于有效期起"),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def in_force(self) -> bool:
        return self.revoked_on is None


class Revocation(TimeStampedModel):
    """The revocation of an admission on one of the rulebook's grounds. A revoked enterprise
    cannot be admitted again in the same evaluation year."""

    class Ground(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", _("不再符合评价条件")
        FRAUD = "fraud", _("存在严重弄虚作假行为")
        INTEGRITY = "integrity", _("发生科研严重失信行为")
        INCIDENT = "incident", _("发生重大安全、重大质量事故或有严重环境违法行为")
        LISTED = "listed", _("被列入经营异常名录或严重违法失信企业名单")
        SPOT_CHECK = "spot_check", _("抽查不合格或被抽查时未按要求提交材料")

    admission = models.OneToOneField(
        Admission, verbose_name=_("入库"), on_delete=models.PROTECT, related_name="revocation"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="tech_sme_revocations",
    )
    year = models.PositiveSmallIntegerField(_("评价年度"))
    ground = models.CharField(_("撤销理由"), max_length=14, choices=Ground.choices)
    reason = models.TextField(_("说明"), blank=True)
    revoked_on = models.DateField(_("撤销日期"))
    revoked_by = user_fk(_("操作人"))

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("撤销入库")
        verbose_name_plural = _("撤销入库")
        ordering = ["-revoked_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "year"])]

    def __str__(self) -> str:
        return f"{self.admission} {self.get_ground_display()}"


class SpotCheck(TimeStampedModel):
    """A spot check of an admitted enterprise; a failed one revokes the admission."""

    class Result(models.TextChoices):
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")
        NO_MATERIALS = "no_materials", _("未按要求提交材料")

    FAILING = (Result.FAILED, Result.NO_MATERIALS)

    admission = models.ForeignKey(
        Admission, verbose_name=_("入库"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    checked_on = models.DateField(_("抽查日期"))
    result = models.CharField(_("抽查结果"), max_length=14, choices=Result.choices)
    note = models.TextField(_("说明"), blank=True)
    checked_by = user_fk(_("操作人"))

    scope_policy = ScopePolicy(
        city="admission__enterprise__city",
        zone="admission__enterprise__zone",
        own={"enterprise": "admission__enterprise_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.admission} {self.get_result_display()}"
