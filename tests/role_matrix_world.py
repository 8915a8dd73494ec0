"""The small world the role matrix walks: two cities, a zone, consents, every kind of record.

Each record is a `Row` carrying the facts that decide who reaches it (its city, zone, owners,
whether it is public, which banks it consented to, flags such as `registered`), stated here
from how the world is built, not read back through `core.scoping`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.utils import timezone

from kechuang.core.models import HighTechZone
from kechuang.core.roles import Role
from kechuang.market.models import TechContract
from kechuang.registry.models import BankBranch, DataConsent, ImportJob, Person
from tests.factories import (
    AchievementFactory,
    AchievementTransferFactory,
    BankFactory,
    EnterpriseFactory,
    EnterpriseYearFactory,
    InstitutionFactory,
    PlatformFactory,
    ServiceInstitutionFactory,
    TechContractFactory,
    TechDemandFactory,
    UserFactory,
)

ANON = "anonymous"
ROLES: list[str] = [*Role.values, ANON]
SY, DL = "210100", "210200"  # Shenyang, Dalian

ENT, INST, SVC, BANK, PLAT, PERS = (
    "enterprise",
    "institution",
    "service_institution",
    "bank",
    "platform",
    "person",
)
CON, ACH, CAT, TRA, DEM, JOB = (
    "contract",
    "achievement",
    "catalogue",
    "transfer",
    "demand",
    "import_job",
)


@dataclass
class Row:
    obj: Any
    city: str | None
    zone: int | None = None
    owners: dict[str, tuple[int | None, ...]] = field(default_factory=dict)  # role -> org ids
    public: bool = False
    consented_to: tuple[int, ...] = ()  # banks holding a consent in force
    flags: frozenset[str] = frozenset()
    people: tuple[int, ...] = ()  # users tied to the row (an author, an assigned expert)

    @property
    def name(self) -> str:
        return str(self.obj)

    def mentioned_in(self, text: str) -> bool:
        uscc = getattr(self.obj, "uscc", None)
        return self.name in text or bool(uscc and uscc in text)


@dataclass
class World:
    rows: dict[str, list[Row]]
    users: dict[str, Any]
    clients: dict[str, Client]

    def reaches(self, role: str, labels: frozenset[str], row: Row) -> bool:
        user = self.users[role]
        org = getattr(user, "organization_id", None)
        return (
            "all" in labels
            or ("public" in labels and row.public)
            or ("city" in labels and user is not None and row.city == user.city_id)
            or ("zone" in labels and row.zone is not None and row.zone == user.zone_id)
            or ("own" in labels and org is not None and org in row.owners.get(role, ()))
            or ("consented" in labels and org in row.consented_to)
            or ("people" in labels and user is not None and user.pk in row.people)
        )


def _registry(today: dt.date, zone: HighTechZone) -> tuple[dict[str, list[Row]], dict[str, Any]]:
    inst_sy = InstitutionFactory(name="矩阵大学沈阳", city_id=SY, region_id="210102")
    inst_dl = InstitutionFactory(name="矩阵大学大连", city_id=DL, region_id="210202")
    svc_sy = ServiceInstitutionFactory(name="矩阵孵化器沈阳")
    svc_dl = ServiceInstitutionFactory(name="矩阵孵化器大连", city_id=DL, region_id="210202")
    bank = BankFactory(name="矩阵银行沈阳")
    bank_dl = BankFactory(name="矩阵银行大连", city_id=DL, region_id="210202")
    BankBranch.objects.create(bank=bank, name="矩阵科技支行", city_id=SY)

    def firm(name: str, county: str, **kw: Any) -> Any:
        e = EnterpriseFactory(name=name, county=county, **kw)
        EnterpriseYearFactory(enterprise=e, year=2022)
        return e

    e_sy = firm("矩阵企业沈阳", "210102")
    e_zone = firm("矩阵企业高新区", "210112", zone=zone)
    e_ok = firm("矩阵企业大连授权", "210202")
    e_expired = firm("矩阵企业大连过期", "210202")
    e_revoked = firm("矩阵企业大连撤回", "210202")
    e_other = firm("矩阵企业大连他行", "210202")
    day = dt.timedelta(days=1)
    for e, b, granted, expires, revoked in [
        (e_ok, bank, today - day, today + day, None),
        (e_expired, bank, today - 30 * day, today - day, None),
        (e_revoked, bank, today - day, today + day, timezone.now()),
        (e_other, bank_dl, today - day, today + day, None),
    ]:
        DataConsent.objects.create(
            enterprise=e, bank=b, granted_on=granted, expires_on=expires, revoked_at=revoked
        )

    p_sy = PlatformFactory(name="矩阵平台沈阳运行", city_id=SY, host_institution=inst_sy)
    p_dl = PlatformFactory(name="矩阵平台大连运行", city_id=DL)
    # Revoked platforms are no longer public; their host and their city still see them.
    p_sy_off = PlatformFactory(
        name="矩阵平台沈阳撤销", city_id=SY, status="revoked", host_enterprise=e_sy
    )
    p_dl_off = PlatformFactory(
        name="矩阵平台大连撤销", city_id=DL, status="revoked", host_institution=inst_sy
    )
    people = [
        Person.objects.create(name="矩阵院士", title="cas", institution=inst_dl),
        Person.objects.create(name="矩阵职员沈阳", institution=inst_sy),
        Person.objects.create(name="矩阵职员大连", institution=inst_dl),
    ]

    def org(o: Any, role: str, public: bool = True, consents: tuple[int, ...] = ()) -> Row:
        return Row(o, o.city_id, o.zone_id, {role: (o.pk,)}, public, consents)

    def plat(o: Any) -> Row:
        owners = {
            Role.INSTITUTION: (o.host_institution_id,),
            Role.ENTERPRISE: (o.host_enterprise_id,),
        }
        return Row(o, o.city_id, owners=owners, public=o.status != "revoked")

    def person(o: Any) -> Row:
        owners = {Role.INSTITUTION: (o.institution_id,)}
        return Row(o, o.institution.city_id, owners=owners, public=bool(o.title))

    def ent(o: Any, *consents: int) -> Row:
        return org(o, Role.ENTERPRISE, public=False, consents=consents)

    rows = {
        ENT: [
            ent(e_sy),
            ent(e_zone),
            ent(e_ok, bank.pk),
            ent(e_expired),
            ent(e_revoked),
            ent(e_other, bank_dl.pk),
        ],
        INST: [org(inst_sy, Role.INSTITUTION), org(inst_dl, Role.INSTITUTION)],
        SVC: [org(svc_sy, Role.SERVICE), org(svc_dl, Role.SERVICE)],
        BANK: [org(bank, Role.BANK), org(bank_dl, Role.BANK)],
        PLAT: [plat(p) for p in (p_sy, p_dl, p_sy_off, p_dl_off)],
        PERS: [person(p) for p in people],
    }
    named = {
        "e_sy": e_sy,
        "e_zone": e_zone,
        "e_ok": e_ok,
        "inst_sy": inst_sy,
        "inst_dl": inst_dl,
        "svc_sy": svc_sy,
        "bank": bank,
    }
    return rows, named


def _market(n: dict[str, Any]) -> dict[str, list[Row]]:
    e_sy, e_zone, e_ok, inst_sy, inst_dl = (
        n["e_sy"],
        n["e_zone"],
        n["e_ok"],
        n["inst_sy"],
        n["inst_dl"],
    )
    registered = TechContract.Status.REGISTERED

    def contract(title: str, city: str, seller: Any, buyer: Any = None, **kw: Any) -> Row:
        kind = "enterprise" if seller is None or hasattr(seller, "listing_status") else "inst"
        fields: dict[str, Any] = {"title": title, "city_id": city, "seller_city_id": city, **kw}
        if seller is None:
            fields.update(
                seller_enterprise=None,
                seller_name="境外卖方",
                seller_kind="foreign",
                seller_region_code="",
                seller_country="DE",
            )
        elif kind == "enterprise":
            fields.update(seller_enterprise=seller, seller_name=seller.name)
        else:
            fields.update(
                seller_enterprise=None,
                seller_institution=seller,
                seller_name=seller.name,
                seller_kind="institution",
            )
        if buyer is not None:
            key = "buyer_enterprise" if hasattr(buyer, "listing_status") else "buyer_institution"
            fields.update({key: buyer, "buyer_name": buyer.name})
        c = TechContractFactory(**fields)
        parties = [c.seller_enterprise_id, c.buyer_enterprise_id]
        institutions = [c.seller_institution_id, c.buyer_institution_id]
        zone = c.seller_enterprise.zone_id if c.seller_enterprise else None
        return Row(
            c,
            city,
            zone,
            owners={Role.ENTERPRISE: tuple(parties), Role.INSTITUTION: tuple(institutions)},
            flags=frozenset({"registered"} if c.status == registered else set()),
        )

    contracts = [
        contract("矩阵合同沈阳", SY, e_sy),
        contract("矩阵合同高新区", SY, e_zone, status="submitted", registered_on=None),
        contract("矩阵合同大连", DL, inst_dl, buyer=e_ok),
        contract("矩阵合同引进", SY, None, buyer=inst_sy),
    ]

    def achievement(title: str, inst: Any, status: str) -> Row:
        a = AchievementFactory(title=title, institution=inst, status=status)
        owners = {Role.INSTITUTION: (inst.pk,)}
        return Row(a, inst.city_id, owners=owners, public=status == "published")

    achievements = [
        achievement("矩阵成果沈阳发布", inst_sy, "published"),
        achievement("矩阵成果沈阳草稿", inst_sy, "draft"),
        achievement("矩阵成果大连草稿", inst_dl, "draft"),
    ]

    def transfer(title: str, inst: Any, enterprise: Any) -> Row:
        t = AchievementTransferFactory(title=title, institution=inst, enterprise=enterprise)
        owners = {
            Role.INSTITUTION: (inst.pk,),
            Role.ENTERPRISE: (enterprise.pk if enterprise else None,),
        }
        return Row(t, inst.city_id, owners=owners)

    def demand(title: str, enterprise: Any, public: bool, status: str = "open") -> Row:
        d = TechDemandFactory(title=title, enterprise=enterprise, is_public=public, status=status)
        owners = {Role.ENTERPRISE: (enterprise.pk,)}
        return Row(
            d, enterprise.city_id, enterprise.zone_id, owners, public=public and status == "open"
        )

    return {
        CON: contracts,
        ACH: achievements,
        CAT: achievements,
        TRA: [transfer("矩阵转化沈阳", inst_sy, e_ok), transfer("矩阵转化大连", inst_dl, None)],
        DEM: [
            demand("矩阵需求沈阳公开", e_sy, True),
            demand("矩阵需求高新区私有", e_zone, False),
            demand("矩阵需求大连私有", e_ok, False),
            demand("矩阵需求大连关闭", e_ok, True, status="closed"),
        ],
    }


def build_world() -> World:
    today = timezone.localdate()
    zone = HighTechZone.objects.get(name="沈阳高新技术产业开发区")
    rows, named = _registry(today, zone)
    rows.update(_market(named))
    rows[JOB] = [
        Row(ImportJob.objects.create(file_name=f"矩阵导入{code}.xlsx", city_id=code), code)
        for code in (SY, DL)
    ]
    organisation = {
        Role.ENTERPRISE: named["e_sy"].pk,
        Role.INSTITUTION: named["inst_sy"].pk,
        Role.SERVICE: named["svc_sy"].pk,
        Role.BANK: named["bank"].pk,
    }
    users: dict[str, Any] = {ANON: None}
    clients: dict[str, Client] = {ANON: Client()}
    for role in Role.values:
        users[role] = UserFactory(
            username=f"matrix-{role}",
            role=role,
            organization_id=organisation.get(role),
            city_id=SY if role == Role.CITY_ADMIN else None,
            zone=zone if role == Role.ZONE_ADMIN else None,
        )
        clients[role] = Client()
        clients[role].force_login(users[role])
    return World(rows, users, clients)
