"""The rows of each list of tests/test_query_counts.py: `MAKERS[resource](ctx, n)` adds n rows
that the list shows to the user who opens it, each with related records of its own (its own
enterprise, institution, issuer…), so a relation read row by row costs a query per row.

Resources are named as in the role matrix (tests/test_role_matrix.py); lists nested in one
record (a run's results, a record's history) are keyed by their API operation.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone

from kechuang.core.models import Job
from kechuang.core.roles import Role
from kechuang.market.models import BidReview
from kechuang.programs import specs
from kechuang.programs.runs.models import EvaluationRun
from kechuang.programs.runs.services import run_evaluation
from kechuang.programs.techsme.models import Revocation
from kechuang.registry import selectors as registry_selectors
from kechuang.registry import services as registry_services
from kechuang.registry.models import BankBranch, BankRead, DataConsent, Person
from tests import factories as f
from tests.market.matrix import BREV, BRK, CBID, CCALL, CDEM, CHAL, CLIST, MEVT, PPROJ, TRN
from tests.programs.matrix import ADM, ADMY, CALL, CERT, GRA, GRQ, NOTICE, OBJ, REV, TSA, TSQ
from tests.programs.matrix_runs import POINTS, RUN
from tests.role_matrix_world import ACH, BANK, CAT, CON, DEM, ENT, INST, PERS, PLAT, SVC, TRA
from tests.test_role_matrix import BGJOB, BREAD

D = dt.date
_serial = itertools.count(1)
# Half the rows in Shenyang, half in Dalian: lists that group or label by city see both.
COUNTIES = ("210102", "210202")


@dataclass
class Ctx:
    """Who opens the lists, and the records that nested lists hang from."""

    province: Any
    clients: dict[str, Client]
    bank: Any = None
    parents: dict[str, Any] = field(default_factory=dict)

    def client(self, role: str = Role.PROVINCE_ADMIN) -> Client:
        return self.clients[role]


@dataclass
class Made:
    """What a list must show once the rows are made: their ids (API) or labels (pages)."""

    ids: list[int]
    labels: list[str]
    kwargs: dict[str, Any] = field(default_factory=dict)  # the list's URL arguments
    whole: bool = False  # the whole list (a new run's results), not only the rows just made


def _made(objs: list[Any], label: Callable[[Any], str] = str) -> Made:
    return Made([o.pk for o in objs], [label(o) for o in objs])


def _county(i: int) -> str:
    return COUNTIES[i % 2]


def _enterprise(i: int) -> Any:
    e = f.EnterpriseFactory(county=_county(i))
    f.EnterpriseYearFactory(enterprise=e, year=2022)
    return e


# --- registry -----------------------------------------------------------------------------


def enterprises(ctx: Ctx, n: int) -> Made:
    return _made([_enterprise(next(_serial)) for _ in range(n)])


def institutions(ctx: Ctx, n: int) -> Made:
    return _made([f.InstitutionFactory() for _ in range(n)])


def service_institutions(ctx: Ctx, n: int) -> Made:
    return _made([f.ServiceInstitutionFactory() for _ in range(n)])


def banks(ctx: Ctx, n: int) -> Made:
    out = []
    for _ in range(n):
        b = f.BankFactory()
        BankBranch.objects.create(bank=b, name=f"{b.name}科技支行", city_id="210100")
        out.append(b)
    return _made(out)


def platforms(ctx: Ctx, n: int) -> Made:
    out = []
    for i in range(n):
        host = {"host_institution": f.InstitutionFactory()} if i % 2 else {}
        if not host:
            host = {"host_enterprise": _enterprise(i)}
        out.append(f.PlatformFactory(**host))
    return _made(out)


def persons(ctx: Ctx, n: int) -> Made:
    people = [
        Person.objects.create(
            name=f"计数人员{next(_serial)}", title="cas", institution=f.InstitutionFactory()
        )
        for _ in range(n)
    ]
    return _made(people)


def history(kind: str) -> Callable[[Ctx, int], Made]:
    """n changes of one record (enterprise or platform), each an entry of its history."""

    def make(ctx: Ctx, n: int) -> Made:
        if kind not in ctx.parents:
            ctx.parents[kind] = _enterprise(0) if kind == ENT else f.PlatformFactory()
        obj = ctx.parents[kind]
        for _ in range(n):
            if kind == ENT:
                data = {"address": f"计数路{next(_serial)}号"}
                registry_services.organization_update(actor=ctx.province, obj=obj, data=data)
            else:
                data = {"description": f"计数说明{next(_serial)}"}
                registry_services.platform_update(actor=ctx.province, platform=obj, data=data)
        entries = registry_selectors.object_history(user=ctx.province, obj=obj)
        key = "enterprise_id" if kind == ENT else "platform_id"
        return Made(list(entries.values_list("pk", flat=True)), [], {key: obj.pk}, whole=True)

    return make


# --- technology market ----------------------------------------------------------------------


def contracts(ctx: Ctx, n: int) -> Made:
    return _made([f.TechContractFactory() for _ in range(n)])


def achievements(ctx: Ctx, n: int) -> Made:
    return _made([f.AchievementFactory() for _ in range(n)])


def transfers(ctx: Ctx, n: int) -> Made:
    return _made([f.AchievementTransferFactory(enterprise=_enterprise(i)) for i in range(n)])


def demands(ctx: Ctx, n: int) -> Made:
    return _made([f.TechDemandFactory(enterprise=_enterprise(i)) for i in range(n)])


def challenge_calls(ctx: Ctx, n: int) -> Made:
    return _made([f.ChallengeCallFactory() for _ in range(n)])


def challenge_demands(ctx: Ctx, n: int) -> Made:
    return _made([f.ChallengeDemandFactory(enterprise=_enterprise(i)) for i in range(n)])


def challenge_lists(ctx: Ctx, n: int) -> Made:
    return _made([f.ChallengeListBatchFactory() for _ in range(n)])


def challenges(ctx: Ctx, n: int) -> Made:
    return _made([f.ChallengeFactory(issuer=_enterprise(i)) for i in range(n)])


def bids(ctx: Ctx, n: int) -> Made:
    return _made([f.ChallengeBidFactory() for _ in range(n)])


def bid_reviews(ctx: Ctx, n: int) -> Made:
    out = []
    for _ in range(n):
        bid = f.ChallengeBidFactory()
        expert = f.UserFactory(role=Role.EXPERT)
        out.append(BidReview.objects.create(challenge=bid.challenge, bid=bid, expert=expert))
    return _made(out)


def plan_projects(ctx: Ctx, n: int) -> Made:
    return _made([f.PlanProjectFactory(lead_enterprise=_enterprise(i)) for i in range(n)])


def events(ctx: Ctx, n: int) -> Made:
    out = []
    for _ in range(n):
        svc = f.ServiceInstitutionFactory()
        out.append(
            f.MatchmakingActivityFactory(
                organiser_kind="service", organiser_service=svc, organiser_name=svc.name
            )
        )
    return _made(out)


def brokers(ctx: Ctx, n: int) -> Made:
    return _made([f.BrokerFactory() for _ in range(n)])


def training_sessions(ctx: Ctx, n: int) -> Made:
    out = []
    for _ in range(n):
        svc = f.ServiceInstitutionFactory()
        out.append(
            f.TrainingSessionFactory(
                organiser_kind="service", organiser_service=svc, organiser_name=svc.name
            )
        )
    return _made(out)


# --- evaluation programs ----------------------------------------------------------------------


def applications(ctx: Ctx, n: int) -> Made:
    return _made([f.TechSMEApplicationFactory(enterprise=_enterprise(i)) for i in range(n)])


def admissions(year: int) -> Callable[[Ctx, int], Made]:
    def make(ctx: Ctx, n: int) -> Made:
        return _made(
            [
                f.AdmissionFactory(application__enterprise=_enterprise(i), application__year=year)
                for i in range(n)
            ]
        )

    return make


def revocations(ctx: Ctx, n: int) -> Made:
    out = []
    for i in range(n):
        a = f.AdmissionFactory(application__enterprise=_enterprise(i), revoked_on=D(2023, 12, 1))
        out.append(
            Revocation.objects.create(
                admission=a,
                enterprise=a.enterprise,
                year=a.year,
                ground=Revocation.Ground.FRAUD,
                revoked_on=a.revoked_on,
            )
        )
    return _made(out)


def notices(ctx: Ctx, n: int) -> Made:
    out = []
    for _ in range(n):
        batch = f.NoticeBatchFactory()
        f.NoticeEntryFactory(batch=batch)
        out.append(batch)
    return _made(out)


def objections(ctx: Ctx, n: int) -> Made:
    raised = [f.UserFactory(role=Role.ENTERPRISE) for _ in range(n)]
    return _made([f.ObjectionFactory(raised_by=u) for u in raised])


def gradient_applications(ctx: Ctx, n: int) -> Made:
    return _made([f.GradientApplicationFactory(enterprise=_enterprise(i)) for i in range(n)])


def gradient_calls(ctx: Ctx, n: int) -> Made:
    # One call per program and year: each a year of its own.
    return _made([f.GradientCallFactory(year=1990 + next(_serial)) for _ in range(n)])


def certifications(ctx: Ctx, n: int) -> Made:
    return _made(
        [f.GradientCertificationFactory(application__enterprise=_enterprise(i)) for i in range(n)]
    )


def runs(ctx: Ctx, n: int) -> Made:
    text = specs.file_text("tech-sme", 2023) or ""
    out = [
        EvaluationRun.objects.create(
            program="tech-sme",
            year=2023,
            spec_version="tech-sme/2023.1",
            spec_text=text,
            spec_sha256=specs.digest(text),
            city_id=_county(i)[:4] + "00",
            region_id=_county(i)[:4] + "00",
            status=EvaluationRun.Status.DONE,
            started_by=f.UserFactory(),
        )
        for i in range(n)
    ]
    return _made(out)


def run_results(ctx: Ctx, n: int) -> Made:
    """n more enterprises, then a run over all of them: its results are the list."""
    for i in range(n):
        _enterprise(i)
    run = run_evaluation(actor=ctx.province, program="tech-sme", year=2023).run
    ids = list(run.results.values_list("pk", flat=True))
    return Made(ids, [], {"run_id": run.pk}, whole=True)


def bank_points(ctx: Ctx, n: int) -> Made:
    """n more enterprises that consent to the bank, then an innovation-points run."""
    today = timezone.localdate()
    for i in range(n):
        e = _enterprise(i)
        DataConsent.objects.create(
            enterprise=e,
            bank=ctx.bank,
            scope="innovation_points",
            granted_on=today - dt.timedelta(days=1),
            expires_on=today + dt.timedelta(days=365),
        )
    run = run_evaluation(actor=ctx.province, program="innovation-points", year=2023).run
    results = list(run.results.select_related("enterprise"))
    return Made([r.pk for r in results], [r.enterprise.name for r in results], whole=True)


def bank_reads(ctx: Ctx, n: int) -> Made:
    """n more enterprises that the bank read."""
    made = [
        BankRead.objects.create(
            enterprise=_enterprise(i), bank=ctx.bank, what="profile", channel="api"
        )
        for i in range(n)
    ]
    return _made(made)


def background_jobs(ctx: Ctx, n: int) -> Made:
    made = [
        Job.objects.create(kind="core.selftest", created_by=ctx.province, total=10 + i)
        for i in range(n)
    ]
    return _made(made)


MAKERS: dict[str, Callable[[Ctx, int], Made]] = {
    BGJOB: background_jobs,
    BREAD: bank_reads,
    ENT: enterprises,
    INST: institutions,
    SVC: service_institutions,
    BANK: banks,
    PLAT: platforms,
    PERS: persons,
    CON: contracts,
    ACH: achievements,
    CAT: achievements,
    TRA: transfers,
    DEM: demands,
    CCALL: challenge_calls,
    CDEM: challenge_demands,
    CLIST: challenge_lists,
    CHAL: challenges,
    CBID: bids,
    BREV: bid_reviews,
    PPROJ: plan_projects,
    MEVT: events,
    BRK: brokers,
    TRN: training_sessions,
    TSA: applications,
    TSQ: applications,
    ADM: admissions(2023),
    ADMY: admissions(2022),
    REV: revocations,
    NOTICE: notices,
    OBJ: objections,
    GRA: gradient_applications,
    GRQ: gradient_applications,
    CALL: gradient_calls,
    CERT: certifications,
    RUN: runs,
    POINTS: bank_points,
}
# Lists inside one record, by API operation (their URL takes the record's id).
NESTED: dict[str, Callable[[Ctx, int], Made]] = {
    "programs_runs_run_results": run_results,
    "registry_enterprise_history": history(ENT),
    "registry_platform_history": history(PLAT),
}
# Who opens a list, where the province sees none of its rows.
OPENED_BY = {POINTS: Role.BANK}
