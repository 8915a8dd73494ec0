"""Technology contracts (技术合同), their deductions and their events."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.events import Event
from kechuang.core.models import Region, TechField, TimeStampedModel, user_fk
from kechuang.core.scoping import ScopePolicy
from kechuang.market.contracts import regnumber
from kechuang.market.contracts.models.registration import RegistrationOffice

ZERO = Decimal("0.00")


# Above this technology transaction value a contract goes to expert review (30 working days).
EXPERT_REVIEW_THRESHOLD = Decimal("5000000.00")


def amount(verbose: object) -> models.DecimalField:
    return models.DecimalField(
        verbose,  # type: ignore[arg-type]
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )


class TechContract(TimeStampedModel):
    """A technology contract submitted for registration by the seller side.

    `city` is the reporting unit where the contract is registered: the seller's, or the
    domestic buyer's for a technology import. City bureaus see and register the contracts
    of their city; both parties see their own contracts.
    """

    class Type(models.TextChoices):
        DEVELOPMENT = "development", _("技术开发")
        TRANSFER = "transfer", _("技术转让")
        LICENCE = "licence", _("技术许可")
        CONSULTING = "consulting", _("技术咨询")
        SERVICE = "service", _("技术服务")

    class Subtype(models.TextChoices):
        COMMISSIONED = "commissioned", _("委托开发")
        COOPERATIVE = "cooperative", _("合作开发")
        PATENT = "patent", _("专利权转让")
        PATENT_APPLICATION = "patent_application", _("专利申请权转让")
        SECRET = "secret", _("技术秘密转让")
        PATENT_LICENCE = "patent_licence", _("专利实施许可")
        SECRET_LICENCE = "secret_licence", _("技术秘密使用许可")
        CONSULTING = "consulting", _("技术咨询")
        SERVICE = "service", _("一般技术服务")
        TRAINING = "training", _("技术培训")
        INTERMEDIARY = "intermediary", _("技术中介")

    SUBTYPES: dict[str, tuple[str, ...]] = {
        "development": ("commissioned", "cooperative"),
        "transfer": ("patent", "patent_application", "secret"),
        "licence": ("patent_licence", "secret_licence"),
        "consulting": ("consulting",),
        "service": ("service", "training", "intermediary"),
    }

    class SellerKind(models.TextChoices):
        ENTERPRISE = "enterprise", _("企业")
        INSTITUTE = "institute", _("科研机构")
        UNIVERSITY = "university", _("高等院校")
        OTHER = "other", _("其他")

    class IPType(models.TextChoices):
        NONE = "none", _("无")
        INVENTION = "invention", _("发明专利")
        UTILITY_MODEL = "utility_model", _("实用新型专利")
        DESIGN = "design", _("外观设计专利")
        SOFTWARE = "software", _("计算机软件著作权")
        IC_LAYOUT = "ic_layout", _("集成电路布图设计")
        PLANT_VARIETY = "plant_variety", _("植物新品种")
        SECRET = "secret", _("技术秘密")
        OTHER = "other", _("其他")

    class PlanLevel(models.TextChoices):
        NONE = "none", _("非计划项目")
        NATIONAL = "national", _("国家级计划")
        PROVINCIAL = "provincial", _("省级计划")
        CITY = "city", _("市级计划")
        OTHER = "other", _("其他计划")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已受理")
        EXPERT_REVIEW = "expert_review", _("专家审查中")
        REGISTERED = "registered", _("已登记")
        REFUSED = "refused", _("不予登记")
        CANCELLED = "cancelled", _("已注销")

    OPEN_STATUSES = (Status.ACCEPTED, Status.EXPERT_REVIEW)

    title = models.CharField(_("合同名称"), max_length=200)
    type = models.CharField(_("合同类型"), max_length=12, choices=Type.choices)
    subtype = models.CharField(_("合同子类"), max_length=20, choices=Subtype.choices)
    number = models.CharField(
        _("登记号"),
        max_length=14,
        unique=True,
        null=True,
        blank=True,
        validators=[regnumber.validate],
    )
    status = models.CharField(
        _("状态"), max_length=14, choices=Status.choices, default=Status.SUBMITTED
    )
    city = models.ForeignKey(
        Region,
        verbose_name=_("登记地(市)"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__in": ["city", "reporting_unit"]},
    )
    office = models.ForeignKey(
        RegistrationOffice,
        verbose_name=_("登记机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )

    # Seller (卖方): a registered organisation, or an outside party by name and region.
    seller_enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("卖方企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_sold",
    )
    seller_institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("卖方高校院所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_sold",
    )
    seller_name = models.CharField(_("卖方名称"), max_length=200)
    seller_kind = models.CharField(_("卖方类型"), max_length=12, choices=SellerKind.choices)
    seller_region_code = models.CharField(_("卖方所在地代码"), max_length=6, blank=True)
    seller_country = models.CharField(_("卖方国家/地区"), max_length=2, default="CN")
    seller_city = models.ForeignKey(
        Region,
        verbose_name=_("卖方所属市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Buyer (买方)
    buyer_enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("买方企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_bought",
    )
    buyer_institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("买方高校院所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts_bought",
    )
    buyer_name = models.CharField(_("买方名称"), max_length=200)
    buyer_region_code = models.CharField(_("买方所在地代码"), max_length=6, blank=True)
    buyer_country = models.CharField(_("买方国家/地区"), max_length=2, default="CN")
    buyer_city = models.ForeignKey(
        Region,
        verbose_name=_("买方所属市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    turnover = amount(_("成交额(元)"))
    tech_value = amount(_("技术交易额(元)"))
    signed_on = models.DateField(_("签订日期"))
    effective_on = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    field = models.ForeignKey(
        TechField, verbose_name=_("技术领域"), on_delete=models.PROTECT, related_name="+"
    )
    ip_type = models.CharField(
        _("知识产权类型"), max_length=14, choices=IPType.choices, default=IPType.NONE
    )
    plan_level = models.CharField(
        _("政府计划类别"), max_length=12, choices=PlanLevel.choices, default=PlanLevel.NONE
    )
    licence_exclusive = models.BooleanField(_("独占许可"), default=False)
    licence_years = models.PositiveSmallIntegerField(_("许可年限"), null=True, blank=True)
    disputed = models.BooleanField(_("存在争议"), default=False)
    attachment = models.FileField(
        _("合同文本"), upload_to="market/contracts/%Y/", blank=True, max_length=200
    )

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    expert_review = models.BooleanField(_("需专家审查"), default=False)
    decision_due = models.DateField(_("办结期限"), null=True, blank=True)
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    submitted_by = user_fk(_("提交人"))

    scope_policy = ScopePolicy(
        city="city",
        zone="seller_enterprise__zone",
        own={
            "enterprise": ("seller_enterprise_id", "buyer_enterprise_id"),
            "institution": ("seller_institution_id", "buyer_institution_id"),
        },
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("技术合同")
        verbose_name_plural = _("技术合同")
        ordering = ["-registered_on", "-id"]
        indexes = [
            # Statistics read this index only, never the table: grouped by type × field ×
            # city it streams in group order; any other grouping still finds every column
            # it needs here. (A lone date index would lure SQLite into a row-by-row lookup.)
            models.Index(
                fields=[
                    "status",
                    "type",
                    "field",
                    "city",
                    "registered_on",
                    "turnover",
                    "tech_value",
                    "seller_kind",
                    "seller_city",
                    "buyer_city",
                    "buyer_country",
                    "subtype",
                    "ip_type",
                    "plan_level",
                ],
                name="contract_group_idx",
            ),
            models.Index(fields=["status", "decision_due"], name="contract_due_idx"),
            models.Index(fields=["city", "status"], name="contract_city_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tech_value__gte=0) & Q(tech_value__lte=F("turnover")),
                name="contract_value_within_turnover",
                violation_error_message=_("技术交易额须在0与成交额之间"),
            ),
            models.CheckConstraint(
                condition=~Q(seller_enterprise__isnull=False, seller_institution__isnull=False),
                name="contract_one_seller_org",
                violation_error_message=_("卖方只能是一个登记机构"),
            ),
            models.CheckConstraint(
                condition=~Q(buyer_enterprise__isnull=False, buyer_institution__isnull=False),
                name="contract_one_buyer_org",
                violation_error_message=_("买方只能是一个登记机构"),
            ),
            models.CheckConstraint(
                condition=~Q(status="registered")
                | Q(number__isnull=False, registered_on__isnull=False),
                name="contract_registered_has_number",
                violation_error_message=_("已登记的合同须有登记号和登记日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.number or self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, object] = {}
        if self.type and self.subtype and self.subtype not in self.SUBTYPES.get(self.type, ()):
            errors["subtype"] = _("合同子类与合同类型不符")
        if self.turnover is not None and self.tech_value is not None:
            if self.tech_value > self.turnover:
                errors["tech_value"] = _("技术交易额不能大于成交额")
            if self.tech_value < 0:
                errors["tech_value"] = _("技术交易额不能为负")
        if self.signed_on and self.effective_on and self.effective_on < self.signed_on:
            errors["effective_on"] = _("生效日期不能早于签订日期")
        if self.valid_until and self.effective_on and self.valid_until < self.effective_on:
            errors["valid_until"] = _("有效期至不能早于生效日期")
        if self.type == self.Type.LICENCE and self.licence_years == 0:
            errors["licence_years"] = _("许可年限须为正数")
        if self.seller_enterprise_id and self.seller_institution_id:
            errors["seller_name"] = _("卖方只能是一个登记机构")
        if self.buyer_enterprise_id and self.buyer_institution_id:
            errors["buyer_name"] = _("买方只能是一个登记机构")
        if self.status == self.Status.REGISTERED and not (self.number and self.registered_on):
            errors["number"] = _("已登记的合同须有登记号和登记日期")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_registered(self) -> bool:
        """Registered (准予登记): it has its number and its certificate, and counts."""
        return self.status == self.Status.REGISTERED

    @property
    def is_import(self) -> bool:
        return self.seller_country != "CN"


class ContractDeduction(models.Model):
    """A non-technical cost inside the turnover, deducted to get the technology value."""

    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", _("设备")
        INSTRUMENTS = "instruments", _("仪器")
        PARTS = "parts", _("零部件")
        RAW_MATERIALS = "raw_materials", _("原材料")

    contract = models.ForeignKey(TechContract, on_delete=models.CASCADE, related_name="deductions")
    kind = models.CharField(_("类别"), max_length=14, choices=Kind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("金额(元)"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("非技术性费用扣除")
        verbose_name_plural = _("非技术性费用扣除")
        ordering = ["contract_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="deduction_positive",
                violation_error_message=_("扣除金额须为正数"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class ContractEvent(Event):
    """A milestone of a contract's registration: who, when and why.

    Kinds and refusal grounds are checked in code (`EVENT_KINDS`, `REFUSAL_GROUNDS`), so
    that a new kind needs no migration.
    """

    contract = models.ForeignKey(TechContract, on_delete=models.CASCADE, related_name="events")
    ground = models.CharField(_("不予登记理由"), max_length=30, blank=True)

    LINKS = ("contract", "ground")

    class Meta:
        verbose_name = _("合同登记事件")
        verbose_name_plural = _("合同登记事件")
        ordering = ["contract_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.contract} {self.kind_label}"

    @property
    def ground_label(self) -> str:
        return str(REFUSAL_GROUNDS.get(self.ground, self.ground))


EVENT_KINDS = {
    "submitted": _("提交登记"),
    "accepted": _("受理"),
    "expert_review": _("转专家审查"),
    "registered": _("准予登记"),
    "refused": _("不予登记"),
    "amended": _("变更登记"),
    "cancelled": _("注销"),
    "imported": _("批量导入"),
}
ContractEvent.KINDS = EVENT_KINDS


# The non-registrable cases of the registration rules.
REFUSAL_GROUNDS = {
    "unclear_parties": _("当事人不明确"),
    "unclear_subject": _("标的不明确"),
    "unclear_price": _("价款、报酬或使用费不明确"),
    "monopoly_or_infringing": _("含非法垄断技术或侵害他人技术成果的条款"),
    "missing_proofs": _("未提交必要的证明文件"),
    "seal_mismatch": _("单位名称与印章不一致"),
    "outside_validity": _("不在合同生效后的有效期内"),
}
