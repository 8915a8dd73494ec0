"""The evaluation programs' part of the role-matrix world (tests/test_role_matrix.py).

Each record is a `Row` with the facts that decide who reaches it — city, zone, owner, the
users tied to it (an objector, an assigned expert), whether it is public — stated from how
it is built here, not read back through `core.scoping`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kechuang.core.roles import Role
from kechuang.programs.techsme.models import EvaluationRegistration
from tests.factories import (
    AdmissionFactory,
    ExpertReviewFactory,
    GradientApplicationFactory,
    GradientCallFactory,
    GradientCertificationFactory,
    NoticeBatchFactory,
    NoticeEntryFactory,
    ObjectionFactory,
    TechSMEApplicationFactory,
)
from tests.role_matrix_world import ENT, Row, World

TSA, TSQ = "techsme_application", "techsme_review_queue"
ADM, ADMY, REV = "techsme_admission", "techsme_admitted_2022", "techsme_revocation"
NOTICE, ENTRY, OBJ = "notice", "notice_entry", "objection"
GRA, GRQ, CALL, CERT = "gradient_application", "gradient_queue", "gradient_call", "gradient_cert"
D = dt.date


def _firms(world: World) -> dict[str, Any]:
    by_name = {r.obj.name: r.obj for r in world.rows[ENT]}
    return {
        "sy": by_name["矩阵企业沈阳"],
        "zone": by_name["矩阵企业高新区"],
        "dl": by_name["矩阵企业大连授权"],
    }


def _row(obj: Any, enterprise: Any, **kw: Any) -> Row:
    owners = {Role.ENTERPRISE: (enterprise.pk,)}
    return Row(obj, enterprise.city_id, enterprise.zone_id, owners, **kw)


def programs_rows(world: World) -> dict[str, list[Row]]:
    f = _firms(world)
    users = world.users
    EvaluationRegistration.objects.create(enterprise=f["sy"], registered_on=D(2022, 3, 1))

    def app(key: str, year: int, status: str) -> Any:
        return TechSMEApplicationFactory(enterprise=f[key], year=year, status=status)

    apps = {
        "sy22": app("sy", 2022, "admitted"),
        "sy23": app("sy", 2023, "submitted"),
        "zone21": app("zone", 2021, "admitted"),
        "zone22": app("zone", 2022, "in_notice"),
        "dl22": app("dl", 2022, "revoked"),
        "dl23": app("dl", 2023, "in_notice"),
    }
    adm = {
        "sy": AdmissionFactory(application=apps["sy22"], serial=1),
        "zone": AdmissionFactory(application=apps["zone21"], serial=2),
        "dl": AdmissionFactory(application=apps["dl22"], serial=3, revoked_on=D(2022, 12, 1)),
    }
    revocation = _revoke(adm["dl"])

    tech_batch = NoticeBatchFactory(title="矩阵公示科技型", year=2023)
    gazelle_batch = NoticeBatchFactory(
        title="矩阵公示瞪羚",
        program="gazelle",
        year=2022,
        starts_on=D(2022, 8, 1),
        ends_on=D(2022, 8, 15),
    )
    entries = {
        "zone": NoticeEntryFactory(batch=tech_batch, tech_sme=apps["zone22"]),
        "dl": NoticeEntryFactory(batch=tech_batch, tech_sme=apps["dl23"]),
    }

    gazelle = GradientCallFactory(
        program="gazelle",
        year=2022,
        opens_on=D(2022, 5, 1),
        deadline=D(2022, 6, 30),
        recommend_by=D(2022, 7, 5),
    )
    eaglet = GradientCallFactory(
        program="eaglet",
        year=2022,
        opens_on=D(2022, 5, 1),
        deadline=D(2022, 6, 30),
        recommend_by=D(2022, 7, 5),
    )
    grad = {
        "sy": GradientApplicationFactory(call=gazelle, enterprise=f["sy"]),
        "zone": GradientApplicationFactory(
            call=gazelle, enterprise=f["zone"], status="expert_review"
        ),
        "dl": GradientApplicationFactory(call=gazelle, enterprise=f["dl"], status="in_notice"),
        "dl_eaglet": GradientApplicationFactory(call=eaglet, enterprise=f["dl"], status="filed"),
    }
    ExpertReviewFactory(application=grad["zone"], expert=users[Role.EXPERT])
    entries["gdl"] = NoticeEntryFactory(batch=gazelle_batch, tech_sme=None, gradient=grad["dl"])
    cert = GradientCertificationFactory(
        application=grad["dl_eaglet"],
        filed_on=D(2022, 9, 1),
        valid_from=D(2022, 9, 1),
        valid_to=D(2025, 8, 31),
    )

    bank, firm_user = users[Role.BANK], users[Role.ENTERPRISE]
    objections = [
        (ObjectionFactory(entry=entries["zone"], raised_by=bank, raised_on=D(2023, 10, 18)), bank),
        (ObjectionFactory(entry=entries["dl"], raised_by=bank, raised_on=D(2023, 10, 19)), bank),
        (
            ObjectionFactory(entry=entries["gdl"], raised_by=firm_user, raised_on=D(2022, 8, 3)),
            firm_user,
        ),
    ]

    tsa = {k: _row(a, a.enterprise) for k, a in apps.items()}
    adm_rows = [_row(a, a.enterprise, public=a.revoked_on is None) for a in adm.values()]
    public_2022 = [
        _row(a, a.enterprise, public=a.revoked_on is None and a.year == 2022) for a in adm.values()
    ]
    gra = {k: _row(a, a.enterprise) for k, a in grad.items()}
    gra["zone"].people = (users[Role.EXPERT].pk,)
    return {
        TSA: list(tsa.values()),
        TSQ: [tsa["sy23"]],
        ADM: adm_rows,
        ADMY: public_2022,
        REV: [_row(revocation, revocation.enterprise)],
        NOTICE: [Row(b, None, public=True) for b in (tech_batch, gazelle_batch)],
        ENTRY: [Row(e, e.enterprise.city_id, public=True) for e in entries.values()],
        OBJ: [Row(o, o.entry.enterprise.city_id, people=(who.pk,)) for o, who in objections],
        GRA: list(gra.values()),
        GRQ: [gra["sy"]],
        CALL: [Row(c, None, public=True) for c in (gazelle, eaglet)],
        CERT: [_row(cert, cert.enterprise, public=True)],
    }


def _revoke(admission: Any) -> Any:
    from kechuang.programs.techsme.models import Revocation

    return Revocation.objects.create(
        admission=admission,
        enterprise=admission.enterprise,
        year=admission.year,
        ground=Revocation.Ground.FRAUD,
        revoked_on=admission.revoked_on,
    )
