"""factory_boy factories for the registry; every code they make is a valid one."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kechuang.core import uscc
from kechuang.core.models import Region, User
from kechuang.core.roles import Role
from kechuang.registry import models as rm

_rng = random.Random(7)


def make_uscc(region_code: str = "210102", seq: int | None = None, entity: str = "91") -> str:
    n = _rng.randrange(10**8) if seq is None else seq
    org8 = f"{n:08d}"
    body = entity + region_code + org8 + uscc.org_code_check(org8)
    return uscc.make(body)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass12345")
    role = Role.PROVINCE_ADMIN

    @factory.post_generation
    def _save(obj, create, extracted, **kw):
        if create:
            obj.save()


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = rm.Enterprise

    class Params:
        county = "210102"

    uscc = factory.LazyAttributeSequence(lambda o, n: make_uscc(o.county, seq=n + 1000))
    name = factory.Sequence(lambda n: f"辽宁测试科技有限公司{n}")
    region = factory.LazyAttribute(lambda o: Region.objects.get(code=o.county))
    city = factory.LazyAttribute(lambda o: Region.objects.get(code=o.county[:4] + "00"))
    founded_on = dt.date(2015, 6, 1)
    industry_id = "39"


class EnterpriseYearFactory(DjangoModelFactory):
    class Meta:
        model = rm.EnterpriseYear

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2022
    staff = 100
    tech_staff = 30
    sales_revenue = Decimal("50000000.00")
    total_cost = Decimal("40000000.00")
    rd_expense = Decimal("3000000.00")


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = rm.Institution

    uscc = factory.Sequence(lambda n: make_uscc("210102", seq=n + 50000, entity="12"))
    name = factory.Sequence(lambda n: f"辽宁测试大学{n}")
    region_id = "210102"
    city_id = "210100"
    kind = rm.Institution.Kind.UNIVERSITY


class ServiceInstitutionFactory(DjangoModelFactory):
    class Meta:
        model = rm.ServiceInstitution

    uscc = factory.Sequence(lambda n: make_uscc("210102", seq=n + 60000))
    name = factory.Sequence(lambda n: f"测试孵化器{n}")
    region_id = "210102"
    city_id = "210100"
    kind = rm.ServiceInstitution.Kind.INCUBATOR


class BankFactory(DjangoModelFactory):
    class Meta:
        model = rm.Bank

    uscc = factory.Sequence(lambda n: make_uscc("210102", seq=n + 70000))
    name = factory.Sequence(lambda n: f"测试银行辽宁分行{n}")
    region_id = "210102"
    city_id = "210100"


class PlatformFactory(DjangoModelFactory):
    class Meta:
        model = rm.Platform

    name = factory.Sequence(lambda n: f"测试重点实验室{n}")
    kind = rm.Platform.Kind.NATIONAL_KEY_LAB
    level = rm.Platform.Level.NATIONAL
    city_id = "210100"
    approved_on = dt.date(2023, 3, 1)


# --- technology market ------------------------------------------------------------------------

from kechuang.market import models as mm  # noqa: E402


class TechContractFactory(DjangoModelFactory):
    """A registered contract sold by a Shenyang enterprise to a buyer in Beijing."""

    class Meta:
        model = mm.TechContract

    title = factory.Sequence(lambda n: f"测试技术合同{n}")
    type = mm.TechContract.Type.DEVELOPMENT
    subtype = mm.TechContract.Subtype.COMMISSIONED
    seller_enterprise = factory.SubFactory(EnterpriseFactory)
    seller_name = factory.LazyAttribute(
        lambda o: o.seller_enterprise.name if o.seller_enterprise else "省外卖方"
    )
    seller_kind = mm.TechContract.SellerKind.ENTERPRISE
    seller_region_code = "210102"
    seller_city_id = "210100"
    buyer_name = "北京测试有限公司"
    buyer_region_code = "110108"
    city_id = factory.LazyAttribute(lambda o: o.seller_city_id)
    turnover = Decimal("1000000.00")
    tech_value = factory.LazyAttribute(lambda o: o.turnover)
    signed_on = dt.date(2023, 2, 1)
    effective_on = dt.date(2023, 2, 1)
    field_id = "01"
    status = mm.TechContract.Status.REGISTERED
    registered_on = dt.date(2023, 3, 1)
    number = factory.LazyAttributeSequence(
        lambda o, n: (
            f"{o.registered_on.year % 100:02d}210101{n + 1:06d}" if o.registered_on else None
        )
    )


class AchievementFactory(DjangoModelFactory):
    class Meta:
        model = mm.Achievement

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"测试科技成果{n}")
    abstract = "一种高效催化剂的制备方法"
    field_id = "05"
    trl = 6
    status = mm.Achievement.Status.PUBLISHED
    published_on = dt.date(2023, 4, 1)


class AchievementTransferFactory(DjangoModelFactory):
    class Meta:
        model = mm.AchievementTransfer

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"测试成果转化{n}")
    enterprise_name = "受让企业"
    mode = mm.AchievementTransfer.Mode.TRANSFER
    amount = Decimal("500000.00")
    transferred_on = dt.date(2023, 5, 1)


class TechDemandFactory(DjangoModelFactory):
    class Meta:
        model = mm.TechDemand

    enterprise = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"测试技术需求{n}")
    problem = "高温合金焊接裂纹"
    field_id = "03"
    is_public = True


# --- evaluation programs ----------------------------------------------------------------------

from kechuang.programs import models as pm  # noqa: E402
from kechuang.programs.common import Program  # noqa: E402

# Fiscal-year figures that pass the tech-SME evaluation with 82 points (20 + 50 + 12).
PASSING_FIGURES = {
    "staff": 100,
    "tech_staff": 30,
    "sales_revenue": Decimal("50000000.00"),
    "total_cost": Decimal("40000000.00"),
    "rd_expense": Decimal("3000000.00"),
    "total_assets": Decimal("30000000.00"),
    "ip_class1": 0,
    "ip_class2": 2,
    "abnormal_or_blacklisted": False,
    "major_incident": False,
}


class EvaluationRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = pm.EvaluationRegistration

    enterprise = factory.SubFactory(EnterpriseFactory)
    registered_on = dt.date(2023, 3, 1)


class TechSMEApplicationFactory(DjangoModelFactory):
    """An application as the workflow leaves it; the figures are stored, not evaluated."""

    class Meta:
        model = pm.TechSMEApplication

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2023
    status = pm.TechSMEApplication.Status.SUBMITTED
    figures = factory.LazyFunction(
        lambda: {
            "fiscal_year": 2022,
            "values": {
                k: str(v) if isinstance(v, Decimal) else v for k, v in PASSING_FIGURES.items()
            },
        }
    )
    spec_version = "tech-sme/2023.1"
    score = 82
    verdict = "pass"
    qualified_by = "score"
    submitted_on = dt.date(2023, 9, 28)
    review_due = dt.date(2023, 10, 11)


class NoticeBatchFactory(DjangoModelFactory):
    class Meta:
        model = pm.NoticeBatch

    program = Program.TECH_SME
    year = 2023
    title = factory.Sequence(lambda n: f"测试公示批次{n}")
    starts_on = dt.date(2023, 10, 16)
    ends_on = dt.date(2023, 10, 30)


class NoticeEntryFactory(DjangoModelFactory):
    class Meta:
        model = pm.NoticeEntry

    batch = factory.SubFactory(NoticeBatchFactory)
    tech_sme = factory.SubFactory(
        TechSMEApplicationFactory, status=pm.TechSMEApplication.Status.IN_NOTICE
    )
    enterprise = factory.LazyAttribute(lambda o: (o.tech_sme or o.gradient).enterprise)
    enterprise_name = factory.LazyAttribute(lambda o: o.enterprise.name)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)


class ObjectionFactory(DjangoModelFactory):
    class Meta:
        model = pm.Objection

    entry = factory.SubFactory(NoticeEntryFactory)
    raised_on = dt.date(2023, 10, 18)
    reason = "研发费用数据与年报不符"


class AdmissionFactory(DjangoModelFactory):
    class Meta:
        model = pm.Admission

    application = factory.SubFactory(
        TechSMEApplicationFactory, status=pm.TechSMEApplication.Status.ADMITTED
    )
    enterprise = factory.LazyAttribute(lambda o: o.application.enterprise)
    year = factory.LazyAttribute(lambda o: o.application.year)
    county = factory.LazyAttribute(lambda o: o.enterprise.region)
    # Far from the serials the admission service allocates (1, 2, …).
    serial = factory.Sequence(lambda n: n + 5_000_000)
    number = factory.LazyAttribute(lambda o: f"{o.year}{o.county.code}A{o.serial:07d}")
    admitted_on = dt.date(2023, 11, 1)
    valid_from = dt.date(2023, 11, 1)
    valid_to = dt.date(2024, 3, 31)


class GradientCallFactory(DjangoModelFactory):
    class Meta:
        model = pm.GradientCall
        django_get_or_create = ("program", "year")

    program = Program.GAZELLE
    year = 2023
    opens_on = dt.date(2023, 5, 4)
    deadline = dt.date(2023, 6, 30)
    recommend_by = dt.date(2023, 7, 5)


class GradientApplicationFactory(DjangoModelFactory):
    class Meta:
        model = pm.GradientApplication

    call = factory.SubFactory(GradientCallFactory)
    program = factory.LazyAttribute(lambda o: o.call.program)
    year = factory.LazyAttribute(lambda o: o.call.year)
    enterprise = factory.SubFactory(EnterpriseFactory)
    applied_on = dt.date(2023, 6, 1)


class ExpertReviewFactory(DjangoModelFactory):
    class Meta:
        model = pm.ExpertReview

    application = factory.SubFactory(
        GradientApplicationFactory, status=pm.GradientApplication.Status.EXPERT_REVIEW
    )
    expert = factory.SubFactory(UserFactory, role=Role.EXPERT)


class GradientCertificationFactory(DjangoModelFactory):
    class Meta:
        model = pm.GradientCertification

    application = factory.SubFactory(
        GradientApplicationFactory, status=pm.GradientApplication.Status.FILED
    )
    enterprise = factory.LazyAttribute(lambda o: o.application.enterprise)
    program = factory.LazyAttribute(lambda o: o.application.program)
    year = factory.LazyAttribute(lambda o: o.application.year)
    filed_on = dt.date(2023, 9, 1)
    valid_from = dt.date(2023, 9, 1)
    valid_to = dt.date(2026, 8, 31)


# --- challenge lists, events, training ----------------------------------------------------


class ChallengeCallFactory(DjangoModelFactory):
    class Meta:
        model = mm.ChallengeCall

    title = factory.Sequence(lambda n: f"揭榜挂帅需求征集{n}")
    theme = "新材料、精细化工、智能装备、集成电路装备"
    opens_on = dt.date(2023, 1, 1)
    closes_on = dt.date(2023, 2, 28)


class ChallengeListBatchFactory(DjangoModelFactory):
    """A published list; pass status="draft", published_on=None for one being drawn up."""

    class Meta:
        model = mm.ChallengeListBatch

    title = factory.Sequence(lambda n: f"2023年揭榜挂帅榜单第{n}批")
    status = mm.ChallengeListBatch.Status.PUBLISHED
    published_on = dt.date(2023, 3, 15)


class ChallengeFactory(DjangoModelFactory):
    """An open challenge of a published list, bids accepted until 2023-05-31."""

    class Meta:
        model = mm.Challenge

    batch = factory.SubFactory(ChallengeListBatchFactory)
    issuer = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"高端轴承钢攻关{n}")
    need = "高端轴承钢纯净度控制"
    targets = "氧含量 ≤ 5 ppm"
    budget_cap = Decimal("10000000.00")
    deadline = dt.date(2023, 5, 31)
    field_id = "05"
    status = mm.Challenge.Status.OPEN


class ChallengeBidFactory(DjangoModelFactory):
    class Meta:
        model = mm.ChallengeBid

    challenge = factory.SubFactory(ChallengeFactory)
    solver_institution = factory.SubFactory(InstitutionFactory)
    solver_name = factory.LazyAttribute(
        lambda o: o.solver_institution.name if o.solver_institution else "Outside GmbH"
    )
    solver_kind = mm.ChallengeBid.SolverKind.UNIVERSITY
    proposal = "真空冶炼与精炼工艺联合攻关"


class PlanProjectFactory(DjangoModelFactory):
    """An approved innovation-consortium project led by a Shenyang enterprise."""

    class Meta:
        model = mm.PlanProject

    name = factory.Sequence(lambda n: f"创新联合体重大专项{n}")
    kind = mm.PlanProject.Kind.CONSORTIUM
    lead_enterprise = factory.SubFactory(EnterpriseFactory)
    lead_name = factory.LazyAttribute(lambda o: o.lead_enterprise.name)
    city_id = factory.LazyAttribute(lambda o: o.lead_enterprise.city_id)
    status = mm.PlanProject.Status.APPROVED
    applied_on = dt.date(2023, 2, 1)
    approved_on = dt.date(2023, 4, 1)
    budget = Decimal("5000000.00")


class MatchmakingActivityFactory(DjangoModelFactory):
    """A roadshow held in Shenyang by the province."""

    class Meta:
        model = mm.MatchmakingActivity

    kind = mm.MatchmakingActivity.Kind.ROADSHOW
    title = factory.Sequence(lambda n: f"科技成果路演{n}")
    held_on = dt.date(2023, 4, 20)
    organiser_kind = mm.Organiser.PROVINCE
    organiser_name = "省科技厅"
    city_id = "210100"


class BrokerFactory(DjangoModelFactory):
    class Meta:
        model = mm.Broker

    name = factory.Sequence(lambda n: f"经纪人{n}")
    series = mm.Broker.Series.ENGINEERING
    level = mm.Broker.Level.INTERMEDIATE
    service_institution = factory.SubFactory(ServiceInstitutionFactory)
    city_id = factory.LazyAttribute(lambda o: o.service_institution.city_id)
    certified_on = dt.date(2022, 12, 1)


class TrainingSessionFactory(DjangoModelFactory):
    """A broker course in Shenyang held by the province, ending 2023-03-03."""

    class Meta:
        model = mm.TrainingSession

    kind = mm.TrainingSession.Kind.BROKER
    topic = factory.Sequence(lambda n: f"技术经纪人培训班{n}")
    starts_on = dt.date(2023, 3, 1)
    ends_on = dt.date(2023, 3, 3)
    organiser_kind = mm.Organiser.PROVINCE
    organiser_name = "省科技厅"
    city_id = "210100"


class ChallengeDemandFactory(DjangoModelFactory):
    class Meta:
        model = mm.ChallengeDemand

    call = factory.SubFactory(ChallengeCallFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"揭榜挂帅需求{n}")
    need = "高温合金叶片精密铸造"
    field_id = "03"
