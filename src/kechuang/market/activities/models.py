"""Matchmaking events (roadshows, matchmaking and bank–enterprise sessions), technology
brokers and their training (rules.md §7)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region, TimeStampedModel, user_fk
from kechuang.core.scoping import ScopePolicy
from kechuang.market.contracts.models import TechContract


class Organiser(models.TextChoices):
    PROVINCE = "province", _("省科技厅")
    CITY_BUREAU = "city_bureau", _("市科技局")
    SERVICE = "service", _("服务机构")
    INSTITUTION = "institution", _("高校院所")
    ENTERPRISE = "enterprise", _("企业")
    BANK = "bank", _("银行")


# Organiser kind -> the field naming the registered organisation.
ORGANISER_FIELDS = {
    Organiser.SERVICE: "organiser_service",
    Organiser.INSTITUTION: "organiser_institution",
    Organiser.ENTERPRISE: "organiser_enterprise",
    Organiser.BANK: "organiser_bank",
}
# Users of a registered organiser see what it organised.
ORGANISER_OWN = {
    "service": "organiser_service_id",
    "institution": "organiser_institution_id",
    "enterprise": "organiser_enterprise_id",
    "bank": "organiser_bank_id",
}


def _fk(model: str, verbose: object) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        verbose_name=verbose,  # type: ignore[arg-type]
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class Organised(TimeStampedModel):
    """Something held by the province, a city bureau or a registered organisation, in a city."""

    organiser_kind = models.CharField(_("主办方类型"), max_length=12, choices=Organiser.choices)
    organiser_service = _fk("registry.ServiceInstitution", _("主办服务机构"))
    organiser_institution = _fk("registry.Institution", _("主办高校院所"))
    organiser_enterprise = _fk("registry.Enterprise", _("主办企业"))
    organiser_bank = _fk("registry.Bank", _("主办银行"))
    organiser_name = models.CharField(_("主办方"), max_length=200)
    city = models.ForeignKey(
        Region,
        verbose_name=_("举办地(市)"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__in": ["city", "reporting_unit"]},
    )
    created_by = user_fk(_("录入人"))

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        wanted = ORGANISER_FIELDS.get(self.organiser_kind)  # type: ignore[call-overload]
        for kind_field in ORGANISER_FIELDS.values():
            given = getattr(self, f"{kind_field}_id") is not None
            if kind_field == wanted and not given:
                raise ValidationError({kind_field: _("请选择主办机构")})
            if kind_field != wanted and given:
                raise ValidationError({kind_field: _("主办方类型与主办机构不符")})


class MatchmakingActivity(Organised):
    """A roadshow, matchmaking session or bank–enterprise session, and what came of it."""

    class Kind(models.TextChoices):
        ROADSHOW = "roadshow", _("路演")
        MATCHMAKING = "matchmaking", _("对接会")
        BANK_ENTERPRISE = "bank_enterprise", _("银企对接会")

    kind = models.CharField(_("活动类型"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("举办日期"), db_index=True)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    description = models.TextField(_("活动简介"), blank=True)

    scope_policy = ScopePolicy(city="city", own=dict(ORGANISER_OWN))

    class Meta:
        verbose_name = _("对接活动")
        verbose_name_plural = _("对接活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class EventParticipant(models.Model):
    """An organisation that took part in an event: registered, or named."""

    event = models.ForeignKey(
        MatchmakingActivity,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    enterprise = _fk("registry.Enterprise", _("企业"))
    institution = _fk("registry.Institution", _("高校院所"))
    service_institution = _fk("registry.ServiceInstitution", _("服务机构"))
    bank = _fk("registry.Bank", _("银行"))
    name = models.CharField(_("参与机构"), max_length=200)

    scope_policy = ScopePolicy(
        city="event__city", own={k: f"event__{v}" for k, v in ORGANISER_OWN.items()}
    )

    class Meta:
        verbose_name = _("参与机构")
        verbose_name_plural = _("参与机构")
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name"],
                name="event_participant_once",
                violation_error_message=_("该机构已在参与名单中"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class EventOutcome(models.Model):
    """A result of an event: an intention, or a contract signed (linked to its record)."""

    class Kind(models.TextChoices):
        INTENTION = "intention", _("合作意向")
        CONTRACT = "contract", _("签约")

    event = models.ForeignKey(
        MatchmakingActivity,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    kind = models.CharField(_("成果类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("项目"), max_length=200)
    parties = models.CharField(_("合作各方"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("金额(元)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    contract = models.ForeignKey(
        TechContract,
        verbose_name=_("技术合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_outcomes",
    )

    scope_policy = ScopePolicy(
        city="event__city", own={k: f"event__{v}" for k, v in ORGANISER_OWN.items()}
    )

    class Meta:
        verbose_name = _("活动成果")
        verbose_name_plural = _("活动成果")
        ordering = ["event_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="contract", contract__isnull=False)
                | Q(kind="intention", contract__isnull=True),
                name="event_outcome_contract_kind",
                violation_error_message=_("签约成果须关联技术合同,意向不关联"),
            ),
            models.UniqueConstraint(
                fields=["event", "contract"],
                name="event_outcome_contract_once",
                violation_error_message=_("该合同已记为本活动的成果"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Broker(TimeStampedModel):
    """A technology broker (技术经纪人) with a professional title."""

    class Series(models.TextChoices):
        ENGINEERING = "engineering", _("工程系列")
        AGRICULTURE = "agriculture", _("农业系列")

    class Level(models.TextChoices):
        SENIOR = "senior", _("高级")
        INTERMEDIATE = "intermediate", _("中级")
        JUNIOR = "junior", _("初级")

    name = models.CharField(_("姓名"), max_length=50)
    series = models.CharField(_("职称系列"), max_length=12, choices=Series.choices)
    level = models.CharField(_("职称级别"), max_length=12, choices=Level.choices)
    service_institution = _fk("registry.ServiceInstitution", _("所在服务机构"))
    institution = _fk("registry.Institution", _("所在高校院所"))
    city = models.ForeignKey(
        Region, verbose_name=_("所属市"), on_delete=models.PROTECT, related_name="+"
    )
    certified_on = models.DateField(_("职称取得日期"))

    scope_policy = ScopePolicy(
        city="city",
        own={"service": "service_institution_id", "institution": "institution_id"},
    )

    class Meta:
        verbose_name = _("技术经纪人")
        verbose_name_plural = _("技术经纪人")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service_institution__isnull=True, institution__isnull=False)
                | Q(service_institution__isnull=False, institution__isnull=True),
                name="broker_one_employer",
                violation_error_message=_("所在单位须为一个服务机构或一个高校院所"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def employer(self) -> object:
        return self.service_institution or self.institution


class TrainingSession(Organised):
    """A training course for technology brokers, assessors or transfer managers."""

    class Kind(models.TextChoices):
        BROKER = "broker", _("技术经纪人")
        ASSESSOR = "assessor", _("技术评价师")
        MANAGER = "manager", _("技术转移管理人员")

    kind = models.CharField(_("培训对象"), max_length=10, choices=Kind.choices)
    topic = models.CharField(_("培训主题"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), db_index=True)

    scope_policy = ScopePolicy(city="city", own=dict(ORGANISER_OWN))

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-ends_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="training_dates_ordered",
                violation_error_message=_("结束日期不能早于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return self.topic

    def period_label(self) -> str:
        return f"{self.starts_on.isoformat()} – {self.ends_on.isoformat()}"


class TrainingAttendance(models.Model):
    """One person at one session: a registered broker, or a person by name and employer.

    A person counts once however many sessions they attend: a broker by the record, anyone
    else by name and employer (`person_key`).
    """

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("培训班"),
        on_delete=models.CASCADE,
        related_name="attendees",
    )
    broker = models.ForeignKey(
        Broker,
        verbose_name=_("技术经纪人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    name = models.CharField(_("姓名"), max_length=50)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    passed = models.BooleanField(_("考核合格"), default=False)

    scope_policy = ScopePolicy(
        city="session__city", own={k: f"session__{v}" for k, v in ORGANISER_OWN.items()}
    )

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "name", "employer"],
                name="training_attendance_once",
                violation_error_message=_("该学员已在本期名单中"),
            )
        ]

    def __str__(self) -> str:
        return self.name


def identity(name: str, employer: str) -> tuple[str, str]:
    """A name and an employer as compared: full-width forms folded (（） and () alike),
    white space collapsed."""

    def fold(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    return fold(name), fold(employer)


def person_key(broker_id: int | None, name: str, employer: str) -> str:
    """Who an attendance is, before name-only records are matched to brokers (`counts`)."""
    if broker_id is not None:
        return f"broker:{broker_id}"
    folded_name, folded_employer = identity(name, employer)
    return f"person:{folded_name}|{folded_employer}"
