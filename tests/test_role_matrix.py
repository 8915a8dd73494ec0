"""Every page and every API operation, for every role: allowed, denied, or filtered.

The expectations are the tables below (role × resource → which rows), written from the rules
of DESIGN.md §1 — not computed by `core.scoping`. The URL patterns and the API operations are
enumerated from the project itself, so a new page or endpoint is walked automatically; one
that the tables do not mention fails with a message saying where to add it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kechuang.api import api
from kechuang.core import jobs
from kechuang.core.roles import Role
from kechuang.registry.models import BankRead
from tests.factories import make_uscc
from tests.market.matrix import (
    BREV,
    BRK,
    BROKER_KEEPERS,
    CBID,
    CCALL,
    CDEM,
    CHAL,
    CHALX,
    CLIST,
    DEMAND_PROPOSERS,
    MEVT,
    ORGANISERS,
    PPROJ,
    PROVINCE_ONLY,
    SOLVERS,
    TRN,
    assign_body,
    bid_body,
    event_body,
    market_rows,
    review_closable,
)
from tests.programs.matrix import (
    ADM,
    ADMY,
    CALL,
    CERT,
    ENTRY,
    GRA,
    GRQ,
    NOTICE,
    OBJ,
    REV,
    TSA,
    TSQ,
    programs_rows,
)
from tests.programs.matrix_runs import CONSENT, POINTS, RES, RUN, SIM, runs_rows
from tests.role_matrix_probe import (
    CreateOf,
    DetailOf,
    EditOf,
    ListOf,
    LoggedIn,
    Open,
    PostOnly,
    RedirectFor,
    Spec,
    Tables,
    run,
)
from tests.role_matrix_world import (
    ACH,
    ANON,
    BANK,
    CAT,
    CON,
    DEM,
    ENT,
    INST,
    JOB,
    PERS,
    PLAT,
    ROLES,
    SVC,
    SY,
    TRA,
    Row,
    World,
    build_world,
)

pytestmark = pytest.mark.django_db
BGJOB = "background_job"
BREAD = "bank_read"  # what banks read through consents: the enterprise read, the bank, its city

# --- the expectation tables -----------------------------------------------------------------

# Which rows a role reaches: every row, those of its city / zone / own organisation, those of
# enterprises that consented to its bank (in force today), public rows; combined with `|`.
ALL, CITY, ZONE = frozenset({"all"}), frozenset({"city"}), frozenset({"zone"})
OWN, CONS, PUB = frozenset({"own"}), frozenset({"consented"}), frozenset({"public"})
PEOPLE = frozenset({"people"})  # the users tied to a row: an objector, an assigned expert
NO: frozenset[str] = frozenset()


def by_role(*cells: frozenset[str]) -> dict[str, frozenset[str]]:
    assert len(cells) == len(ROLES), "one cell per role, in the order of ROLES"
    return dict(zip(ROLES, cells, strict=True))


# fmt: off
READ = {  #     province city      zone  enterprise institution service bank  expert anonymous
    ENT:  by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     CONS, NO,    NO),
    INST: by_role(ALL,  PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    SVC:  by_role(ALL,  PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    BANK: by_role(ALL,  PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    PLAT: by_role(ALL,  CITY | PUB, PUB,  OWN | PUB, OWN | PUB, PUB,    PUB,  PUB,   PUB),
    PERS: by_role(ALL,  CITY | PUB, PUB,  PUB,       OWN | PUB, PUB,    PUB,  PUB,   PUB),
    CON:  by_role(ALL,  CITY,       ZONE, OWN,       OWN,       NO,     NO,   NO,    NO),
    ACH:  by_role(ALL,  CITY | PUB, PUB,  PUB,       OWN | PUB, PUB,    PUB,  PUB,   PUB),
    CAT:  by_role(PUB,  PUB,        PUB,  PUB,       OWN | PUB, PUB,    PUB,  PUB,   PUB),
    TRA:  by_role(ALL,  CITY,       NO,   OWN,       OWN,       NO,     NO,   NO,    NO),
    DEM:  by_role(ALL,  CITY | PUB, ZONE | PUB, OWN | PUB, PUB, PUB,   PUB,  PUB,   PUB),
    JOB:  by_role(ALL,  CITY,       NO,   NO,        NO,        NO,     NO,   NO,    NO),
    # challenge lists, plan projects, events, brokers, training
    CCALL: by_role(ALL, PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    CDEM: by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     NO,   NO,    NO),
    CLIST: by_role(ALL, PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    CHAL: by_role(ALL,  CITY | PUB, ZONE | PUB, OWN | PUB, PUB, PUB,   PUB,  PUB,   PUB),
    CHALX: by_role(ALL, CITY | PUB, ZONE | PUB, OWN | PUB, PUB, PUB,   PUB,  PUB,   PUB),
    CBID: by_role(ALL,  CITY,       ZONE, OWN,       OWN,       NO,     NO,   NO,    NO),
    BREV: by_role(ALL,  NO,         NO,   NO,        NO,        NO,     NO,   PEOPLE, NO),
    PPROJ: by_role(ALL, CITY,       ZONE, OWN,       OWN,       NO,     NO,   NO,    NO),
    MEVT: by_role(ALL,  CITY,       NO,   OWN,       OWN,       OWN,    OWN,  NO,    NO),
    BRK:  by_role(ALL,  CITY,       NO,   NO,        OWN,       OWN,    NO,   NO,    NO),
    TRN:  by_role(ALL,  CITY,       NO,   OWN,       OWN,       OWN,    OWN,  NO,    NO),
    # evaluation programs
    TSA:  by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     NO,   NO,    NO),
    TSQ:  by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     NO,   NO,    NO),
    ADM:  by_role(ALL,  CITY | PUB, ZONE | PUB, OWN | PUB, PUB, PUB,   PUB,  PUB,   PUB),
    ADMY: by_role(PUB,  PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    REV:  by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     NO,   NO,    NO),
    NOTICE: by_role(ALL, PUB,       PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    ENTRY: by_role(ALL, PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    OBJ:  by_role(ALL,  CITY | PEOPLE, PEOPLE, PEOPLE, PEOPLE,  PEOPLE, PEOPLE, PEOPLE, NO),
    GRA:  by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     NO,   PEOPLE, NO),
    GRQ:  by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     NO,   PEOPLE, NO),
    CALL: by_role(ALL,  PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    CERT: by_role(ALL,  PUB,        PUB,  PUB,       PUB,       PUB,    PUB,  PUB,   PUB),
    # batch runs, results, simulations, innovation points for banks
    RUN:  by_role(ALL,  CITY,       NO,   NO,        NO,        NO,     NO,   NO,    NO),
    RES:  by_role(ALL,  CITY,       ZONE, OWN,       NO,        NO,     NO,   NO,    NO),
    POINTS: by_role(NO, NO,         NO,   NO,        NO,        NO,     CONS, NO,    NO),
    SIM:  by_role(ALL,  NO,         NO,   NO,        NO,        NO,     NO,   NO,    NO),
    BGJOB: by_role(ALL, CITY,       NO,   NO,        NO,        NO,     NO,   NO,    NO),
}
EDIT = {  #     province city      zone  enterprise institution service bank  expert anonymous
    ENT:  by_role(ALL,  CITY,       NO,   OWN,       NO,        NO,     NO,   NO,    NO),
    INST: by_role(ALL,  CITY,       NO,   NO,        OWN,       NO,     NO,   NO,    NO),
    SVC:  by_role(ALL,  CITY,       NO,   NO,        NO,        OWN,    NO,   NO,    NO),
    BANK: by_role(ALL,  CITY,       NO,   NO,        NO,        NO,     OWN,  NO,    NO),
    PLAT: by_role(ALL,  CITY,       NO,   OWN,       OWN,       NO,     NO,   NO,    NO),
    CCALL: by_role(ALL, NO,         NO,   NO,        NO,        NO,     NO,   NO,    NO),
    CLIST: by_role(ALL, NO,         NO,   NO,        NO,        NO,     NO,   NO,    NO),
    CHAL: by_role(ALL,  NO,         NO,   ALL,       ALL,       NO,     NO,   NO,    NO),
    ACH:  by_role(ALL,  CITY,       NO,   NO,        OWN,       NO,     NO,   NO,    NO),
    DEM:  by_role(ALL,  CITY,       NO,   OWN,       NO,        NO,     NO,   NO,    NO),
    TRA:  by_role(ALL,  CITY,       NO,   NO,        OWN,       NO,     NO,   NO,    NO),
    MEVT: by_role(ALL,  CITY,       NO,   OWN,       OWN,       OWN,    OWN,  NO,    NO),
    BRK:  by_role(ALL,  CITY,       NO,   NO,        OWN,       OWN,    NO,   NO,    NO),
    TRN:  by_role(ALL,  CITY,       NO,   OWN,       OWN,       OWN,    OWN,  NO,    NO),
    CDEM: by_role(ALL,  CITY,       NO,   OWN,       NO,        NO,     NO,   NO,    NO),
    CHALX: by_role(ALL, NO,         NO,   NO,        NO,        NO,     NO,   NO,    NO),
    # only the assigned expert gives its review
    BREV: by_role(NO,   NO,         NO,   NO,        NO,        NO,     NO,   PEOPLE, NO),
}
# fmt: on
# The world's jobs are queued: the administrations that see one may cancel it (and are
# refused a retry, 403, as a queued job cannot be retried); the others get 404.
EDIT[BGJOB] = by_role(ALL, CITY, NO, NO, NO, NO, NO, NO, NO)
READ[BREAD] = by_role(ALL, CITY, NO, OWN, NO, NO, OWN, NO, NO)
TABLES = Tables(read=READ, edit=EDIT)
# Who may open a form that creates something (or upload a file of such things).
REGISTRARS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN})
ADMINS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ZONE_ADMIN})
CONTRACT_PARTIES = frozenset(
    {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE, Role.INSTITUTION}
)
PROVINCE = frozenset({Role.PROVINCE_ADMIN})
ENTERPRISES = frozenset({Role.ENTERPRISE})


CSV = "format=csv"

PAGES: dict[str, Spec] = {
    "home": Open(),
    "login": Open(200, logged_in=302),
    "logout": Open(405),  # logging out is a POST
    "api/docs": Open(302),
    # account pages: each user's own; lock-outs are lifted by the province
    "account:overview": LoggedIn(),
    "account:password_change": LoggedIn(),
    "account:otp_setup": LoggedIn(),
    "account:otp_verify": LoggedIn(),
    "account:lockouts": CreateOf(PROVINCE),
    "account:keys": LoggedIn(),
    "api:openapi-json": Open(),
    "api:openapi-view": Open(),
    "api:api-root": Open(404),
    # registry
    "registry:enterprise_list": ListOf(ENT),
    "registry:enterprise_create": CreateOf(REGISTRARS),
    "registry:enterprise_detail": DetailOf(ENT),
    "registry:enterprise_edit": EditOf(ENT),
    "registry:enterprise_year_edit": EditOf(ENT),
    "registry:enterprise_year_new": RedirectFor(ENT),
    "registry:enterprise_export": ListOf(ENT, login=True, query=CSV),
    "registry:enterprise_year_export": ListOf(ENT, login=True, query=CSV),
    "registry:institution_list": ListOf(INST),
    "registry:institution_create": CreateOf(REGISTRARS),
    "registry:institution_detail": DetailOf(INST),
    "registry:institution_edit": EditOf(INST),
    "registry:institution_export": ListOf(INST, login=True, query=CSV),
    "registry:service_institution_list": ListOf(SVC),
    "registry:service_institution_create": CreateOf(REGISTRARS),
    "registry:service_institution_detail": DetailOf(SVC),
    "registry:service_institution_edit": EditOf(SVC),
    "registry:service_institution_export": ListOf(SVC, login=True, query=CSV),
    "registry:bank_list": ListOf(BANK),
    "registry:bank_create": CreateOf(REGISTRARS),
    "registry:bank_detail": DetailOf(BANK),
    "registry:bank_edit": EditOf(BANK),
    "registry:bank_export": ListOf(BANK, login=True, query=CSV),
    "registry:platform_list": ListOf(PLAT),
    "registry:platform_create": CreateOf(REGISTRARS),
    "registry:platform_detail": DetailOf(PLAT),
    "registry:platform_edit": EditOf(PLAT),
    "registry:platform_export": ListOf(PLAT, login=True, query=CSV),
    "registry:person_list": ListOf(PERS),
    "registry:person_detail": DetailOf(PERS),
    "registry:import_upload": CreateOf(REGISTRARS),
    "registry:import_template": LoggedIn(),
    "registry:import_job": DetailOf(JOB, login=True),
    # technology market
    "market:contract_list": ListOf(CON, login=True),
    "market:contract_submit": CreateOf(CONTRACT_PARTIES),
    "market:contract_stats": LoggedIn(),
    "market:contract_export": ListOf(CON, login=True, query=CSV),
    "market:contract_import": CreateOf(REGISTRARS),
    "market:contract_detail": DetailOf(CON, login=True),
    "market:contract_certificate": DetailOf(CON, login=True, needs="registered"),
    "market:contract_accept": PostOnly(CON),
    "market:contract_decide": PostOnly(CON),
    "market:contract_cancel": PostOnly(CON),
    "market:achievement_list": ListOf(CAT),
    "market:achievement_create": CreateOf(frozenset({Role.INSTITUTION})),
    "market:achievement_detail": DetailOf(ACH),
    "market:achievement_edit": EditOf(ACH),
    "market:achievement_publish": PostOnly(ACH),
    "market:achievement_withdraw": PostOnly(ACH),
    "market:transfer_list": ListOf(TRA, login=True),
    "market:transfer_create": CreateOf(frozenset({Role.INSTITUTION})),
    "market:transfer_edit": EditOf(TRA),
    "market:demand_list": ListOf(DEM),
    "market:demand_create": CreateOf(frozenset({Role.ENTERPRISE})),
    "market:demand_detail": DetailOf(DEM),
    "market:demand_edit": EditOf(DEM),
    "market:demand_close": PostOnly(DEM),
    "market:demand_matches": DetailOf(DEM),
    "market:achievement_matches": DetailOf(ACH),
    "market:index": Open(),
    "market:challenge_call_list": ListOf(CCALL),
    "market:call_create": CreateOf(PROVINCE_ONLY),
    "market:call_edit": EditOf(CCALL),
    "market:challenge_demand_list": ListOf(CDEM, login=True),
    "market:challenge_demand_create": CreateOf(DEMAND_PROPOSERS),
    "market:challenge_demand_decline": PostOnly(CDEM),
    "market:challenge_demand_edit": EditOf(CDEM),
    "market:batch_list": ListOf(CLIST),
    "market:batch_create": CreateOf(PROVINCE_ONLY),
    "market:batch_detail": DetailOf(CLIST),
    "market:batch_edit": EditOf(CLIST),
    "market:challenge_add": EditOf(CLIST),
    "market:batch_publish": PostOnly(CLIST),
    "market:challenge_list": ListOf(CHAL),
    "market:challenge_detail": DetailOf(CHAL),
    "market:challenge_edit": EditOf(CHALX),
    "market:bid_create": EditOf(CHAL),
    "market:bid_select": PostOnly(CHAL),
    "market:agreement_record": PostOnly(CHAL),
    "market:challenge_unawarded": PostOnly(CHAL),
    "market:challenge_apply": PostOnly(CHAL),
    "market:review_assign": PostOnly(CHAL),
    "market:review_close": PostOnly(CHAL),
    "market:bid_review_list": ListOf(BREV, login=True),
    "market:bid_review_detail": DetailOf(BREV, login=True),
    "market:bid_list": ListOf(CBID, login=True),
    "market:bid_withdraw": PostOnly(CBID),
    "market:project_list": ListOf(PPROJ, login=True),
    "market:project_create": CreateOf(SOLVERS),
    "market:project_detail": DetailOf(PPROJ, login=True),
    "market:project_decide": PostOnly(PPROJ),
    "market:project_conclude": PostOnly(PPROJ),
    "market:event_list": ListOf(MEVT, login=True),
    "market:event_create": CreateOf(ORGANISERS),
    "market:event_detail": DetailOf(MEVT, login=True),
    "market:event_edit": EditOf(MEVT),
    "market:participant_add": PostOnly(MEVT),
    "market:outcome_add": PostOnly(MEVT),
    "market:broker_list": ListOf(BRK, login=True),
    "market:broker_create": CreateOf(BROKER_KEEPERS),
    "market:broker_edit": EditOf(BRK),
    "market:training_list": ListOf(TRN, login=True),
    "market:training_create": CreateOf(ORGANISERS),
    "market:training_detail": DetailOf(TRN, login=True),
    "market:training_edit": EditOf(TRN),
    "market:attendance_add": PostOnly(TRN),
    # evaluation programs
    "programs:techsme_list": ListOf(TSA, login=True),
    "programs:techsme_register": CreateOf(ENTERPRISES),
    "programs:techsme_assess": CreateOf(ENTERPRISES),
    "programs:techsme_preview": PostOnly(TSA),
    "programs:review_queue": ListOf(TSQ, login=True),
    "programs:techsme_detail": DetailOf(TSA, login=True),
    "programs:techsme_submit": PostOnly(TSA),
    "programs:techsme_review": PostOnly(TSA),
    "programs:techsme_admit": PostOnly(TSA),
    "programs:techsme_act": PostOnly(TSA),
    "programs:review_bulk": PostOnly(TSQ),
    "programs:admitted_public": ListOf(ADMY, query="year=2022"),
    "programs:notice_list": ListOf(NOTICE),
    "programs:notice_create": CreateOf(PROVINCE),
    "programs:notice_detail": DetailOf(NOTICE),
    "programs:notice_conclude": PostOnly(NOTICE),
    "programs:objection_create": DetailOf(ENTRY, login=True),
    "programs:objection_list": ListOf(OBJ, login=True),
    "programs:objection_resolve": PostOnly(OBJ),
    "programs:objection_act": PostOnly(OBJ),
    "programs:admission_list": ListOf(ADM),
    "programs:admission_reevaluate": PostOnly(ADM),
    "programs:admission_detail": DetailOf(ADM),
    "programs:admission_revoke": PostOnly(ADM),
    "programs:admission_spot_check": PostOnly(ADM),
    "programs:revocation_list": ListOf(REV, login=True),
    "programs:gradient_list": ListOf(GRA, login=True),
    "programs:gradient_apply": CreateOf(ENTERPRISES),
    "programs:recommendation_queue": ListOf(GRQ, login=True),
    "programs:gradient_call_list": ListOf(CALL),
    "programs:call_create": CreateOf(PROVINCE),
    "programs:certification_list": ListOf(CERT),
    "programs:gradient_detail": DetailOf(GRA, login=True),
    "programs:gradient_recommend": PostOnly(GRA),
    "programs:gradient_assign": PostOnly(GRA),
    "programs:gradient_score": PostOnly(GRA),
    "programs:gradient_act": PostOnly(GRA),
    "programs:recommendation_bulk": PostOnly(GRQ),
    "programs:run_list": ListOf(RUN, login=True),
    "programs:run_create": CreateOf(REGISTRARS),
    "programs:run_detail": DetailOf(RUN, login=True),
    "programs:run_export": DetailOf(RUN, login=True),
    "programs:my_results": CreateOf(ENTERPRISES),
    "programs:sim_create": CreateOf(PROVINCE),
    "programs:sim_detail": DetailOf(SIM, login=True),
    "programs:sim_publish": PostOnly(SIM),
    "programs:bank_points": ListOf(POINTS, login=True),
    "programs:consents": CreateOf(ENTERPRISES),
    # the enterprise's own page of the reads of its data (the API lists them for all parties)
    "programs:consent_reads": CreateOf(ENTERPRISES),
    "programs:consent_revoke": PostOnly(CONSENT),
    "core:job_list": LoggedIn(),  # each sees the jobs of its own scope
    "core:job_detail": DetailOf(BGJOB, login=True),
}
SKIP_PREFIXES = {  # not walked at all
    "admin/": "the Django admin is for staff only; tests/registry/test_admin.py covers it",
}
SKIP = {
    "set_language": "switches the language by POST and redirects back; not a page",
    "core:job_download": "a job's file, for its owner and scope: tests/core/test_exports.py",
    "core:job_retry": "a POST on a failed job, by its owner and scope: tests/core/test_exports.py",
    "account:key_revoke": "a POST on a key of one's own organisation: tests/core/test_api_keys.py",
    "core:job_cancel": "a POST on a job that has not ended, by its owner or an administration "
    "of its scope: tests/core/test_jobs.py",
}


def _enterprise_body(n: int) -> dict[str, Any]:
    uscc = make_uscc("210102", seq=880000 + n)
    return {"uscc": uscc, "name": f"矩阵新企业{n}", "region_id": "210102", "city_id": "210100"}


def _platform_body(n: int) -> dict[str, Any]:
    return {"name": f"矩阵新平台{n}", "kind": "pilot_base", "level": "city", "city_id": "210100"}


API_OPERATIONS: dict[str, Spec] = {
    "registry_enterprise_list": ListOf(ENT, login=True),
    "registry_enterprise_detail": DetailOf(ENT, login=True),
    "registry_enterprise_create": CreateOf(REGISTRARS, body=_enterprise_body),
    "registry_enterprise_update": EditOf(ENT, body={"address": "矩阵路1号"}),
    "registry_enterprise_year_put": EditOf(ENT, body={"staff": 10}),
    "registry_enterprise_history": DetailOf(ENT, login=True),
    "registry_institution_list": ListOf(INST),
    "registry_institution_detail": DetailOf(INST),
    "registry_service_institution_list": ListOf(SVC),
    "registry_service_institution_detail": DetailOf(SVC),
    "registry_bank_list": ListOf(BANK),
    "registry_bank_detail": DetailOf(BANK),
    "registry_platform_list": ListOf(PLAT),
    "registry_platform_detail": DetailOf(PLAT),
    "registry_platform_create": CreateOf(REGISTRARS, body=_platform_body),
    "registry_platform_update": EditOf(PLAT, body={"description": "矩阵"}),
    "registry_platform_history": DetailOf(PLAT, login=True),
    "registry_person_list": ListOf(PERS),
    "registry_person_detail": DetailOf(PERS),
    "core_region_list": Open(),
    "core_zone_list": Open(),
    "core_industry_list": Open(),
    "core_tech_field_list": Open(),
    "core_cluster_list": Open(),
    "market_contracts_contract_list": ListOf(CON, login=True),
    "market_contracts_contract_stats": LoggedIn(query="start=2023-01-01&end=2023-12-31"),
    "market_contracts_contract_detail": DetailOf(CON, login=True),
    "market_catalogue_achievement_list": ListOf(ACH),
    "market_catalogue_achievement_detail": DetailOf(ACH),
    "market_catalogue_transfer_list": ListOf(TRA, login=True),
    "market_catalogue_demand_list": ListOf(DEM),
    "market_matching_demand_matches": DetailOf(DEM),
    "market_matching_achievement_matches": DetailOf(ACH),
    "market_challenges_challenge_call_list": ListOf(CCALL),
    "market_challenges_challenge_demand_list": ListOf(CDEM, login=True),
    "market_challenges_challenge_batch_list": ListOf(CLIST),
    "market_challenges_challenge_batch_detail": DetailOf(CLIST),
    "market_challenges_challenge_list": ListOf(CHAL),
    "market_challenges_challenge_detail": DetailOf(CHAL),
    "market_challenges_bid_list": ListOf(CBID, login=True),
    "market_challenges_bid_create": CreateOf(SOLVERS, body=bid_body),
    "market_challenges_bid_review_list": ListOf(BREV, login=True),
    "market_challenges_bid_review_submit": EditOf(
        BREV, body={"score": 80, "opinion": "矩阵评审意见"}
    ),
    "market_challenges_challenge_review_assign": EditOf(CHALX, body=assign_body, allowed=422),
    "market_challenges_challenge_review_close": EditOf(
        CHALX, body={"reason": "矩阵结束评审"}, allowed=review_closable
    ),
    "market_projects_plan_project_list": ListOf(PPROJ, login=True),
    "market_projects_plan_project_detail": DetailOf(PPROJ, login=True),
    "market_activities_event_list": ListOf(MEVT, login=True),
    "market_activities_event_detail": DetailOf(MEVT, login=True),
    "market_activities_event_create": CreateOf(ORGANISERS, body=event_body),
    "market_activities_broker_list": ListOf(BRK, login=True),
    "market_activities_training_session_list": ListOf(TRN, login=True),
    "market_activities_training_stats": LoggedIn(query="year=2023"),
    "programs_techsme_application_list": ListOf(TSA, login=True),
    "programs_techsme_application_detail": DetailOf(TSA, login=True),
    "programs_techsme_admission_list": ListOf(ADM),
    "programs_techsme_admission_detail": DetailOf(ADM),
    "programs_notices_notice_list": ListOf(NOTICE),
    "programs_notices_notice_detail": DetailOf(NOTICE),
    "programs_gradient_gradient_list": ListOf(GRA, login=True),
    "programs_gradient_gradient_detail": DetailOf(GRA, login=True),
    "programs_gradient_certification_list": ListOf(CERT),
    "programs_runs_run_list": ListOf(RUN, login=True),
    "core_jobs_job_list": ListOf(BGJOB, login=True),
    "core_jobs_job_detail": DetailOf(BGJOB, login=True),
    "core_jobs_job_retry": EditOf(BGJOB, allowed=403),
    "core_jobs_job_cancel": EditOf(BGJOB),
    # The world's jobs are queued, with no file yet: 404 to all (whoever sees the job or not);
    # a file's download with a key is tested in tests/core/test_api_keys.py.
    "core_jobs_job_file": EditOf(BGJOB, allowed=404),
    "programs_runs_run_create": CreateOf(
        REGISTRARS, body=lambda n: {"program": "tech-sme", "year": 2023}
    ),
    "programs_runs_run_detail": DetailOf(RUN, login=True),
    "programs_runs_run_results": DetailOf(RUN, login=True),
    "programs_runs_result_detail": DetailOf(RES, login=True),
    "programs_consents_bank_points": ListOf(POINTS, login=True),
    "programs_consents_bank_reads": ListOf(BREAD, login=True),
}

# --- enumerating the project ----------------------------------------------------------------

API_PREFIX = "api/v1/"
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def _walk(
    patterns: list[Any], prefix: str = "", ns: str | None = None
) -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            sub = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), sub)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = f"{ns}:{p.name}" if ns and p.name else p.name
            yield name or route, route


def _page_routes() -> list[tuple[str, str]]:
    """Every URL pattern but the skipped prefixes and the API operations (walked below)."""
    seen: dict[str, str] = {}
    for key, route in _walk(get_resolver().url_patterns):
        if any(route.startswith(prefix) for prefix in SKIP_PREFIXES):
            continue
        if key in PAGES or key in SKIP or not route.startswith(API_PREFIX):
            seen.setdefault(key, route)
    return sorted(seen.items())


SPEC = api.get_openapi_schema()
OPERATIONS = sorted(
    (op["operationId"], method, path)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
)
PAGE_ROUTES = _page_routes()


def _bank_read(w: World, enterprise: str, bank: str) -> Row:
    e = next(r.obj for r in w.rows[ENT] if r.name == enterprise)
    b = next(r.obj for r in w.rows[BANK] if r.name == bank)
    read = BankRead.objects.create(enterprise=e, bank=b, what="profile", channel="api")
    return Row(read, e.city_id, owners={Role.ENTERPRISE: (e.pk,), Role.BANK: (b.pk,)})


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    w = build_world()
    w.rows.update(market_rows(w))
    w.rows.update(programs_rows(w))
    w.rows.update(runs_rows(w))
    w.rows[BREAD] = [_bank_read(w, "矩阵企业大连授权", "矩阵银行沈阳")]
    w.rows[BGJOB] = [
        Row(jobs.enqueue("core.selftest", actor=w.users[Role.PROVINCE_ADMIN]), None),
        Row(jobs.enqueue("core.selftest", actor=w.users[Role.CITY_ADMIN]), SY),
    ]
    return w


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "route"), PAGE_ROUTES, ids=[k for k, _ in PAGE_ROUTES])
def test_page(world: World, key: str, route: str) -> None:
    if key in SKIP:
        pytest.skip(SKIP[key])
    spec = PAGES.get(key)
    if spec is None:
        pytest.fail(
            f"URL pattern {key!r} (/{route}) is not in the role matrix: add it to PAGES in "
            "tests/test_role_matrix.py, saying who may open it (Open, LoggedIn, ListOf, "
            "DetailOf, EditOf, CreateOf, RedirectFor, PostOnly) — or to SKIP with the reason.",
            pytrace=False,
        )
    params = [a or b for a, b in PARAM.findall(route)]
    if key == route:
        assert not params, f"unnamed pattern {route!r} takes arguments: give it a name"

    def url(kwargs: dict[str, Any]) -> str:
        return "/" + route if key == route else reverse(key, kwargs=kwargs or None)

    failures = run(world, TABLES, spec, url, params)
    assert not failures, f"{key}:\n" + "\n".join(failures)


@pytest.mark.parametrize(
    ("operation_id", "method", "path"), OPERATIONS, ids=[o for o, _, _ in OPERATIONS]
)
def test_api_operation(world: World, operation_id: str, method: str, path: str) -> None:
    spec = API_OPERATIONS.get(operation_id)
    if spec is None:
        pytest.fail(
            f"API operation {operation_id!r} ({method.upper()} {path}) is not in the role "
            "matrix: add it to API_OPERATIONS in tests/test_role_matrix.py, saying who may "
            "use it.",
            pytrace=False,
        )
    params = [a or b for a, b in PARAM.findall(path)]

    def url(kwargs: dict[str, Any]) -> str:
        return PARAM.sub(lambda m: str(kwargs[m.group(1) or m.group(2)]), path)

    failures = run(world, TABLES, spec, url, params, method=method, is_api=True)
    assert not failures, f"{operation_id}:\n" + "\n".join(failures)


def test_every_api_url_is_an_operation_of_the_spec() -> None:
    """Nothing under /api/v1/ escapes the matrix by being left out of the OpenAPI document."""
    spec_paths = {path.lstrip("/") for path in SPEC["paths"]}
    for key, route in _walk(get_resolver().url_patterns):
        if route.startswith(API_PREFIX) and key not in PAGES:
            assert PARAM.sub(r"{\1}", route) in spec_paths, (key, route)


def test_the_tables_cover_every_role_and_name_what_exists() -> None:
    assert set(ROLES) == {*Role.values, ANON}, "a new role: add its column to the tables"
    for table in (READ, EDIT):
        for resource, cells in table.items():
            assert set(cells) == set(ROLES), resource
    stale = set(PAGES) - {key for key, _ in _walk(get_resolver().url_patterns)}
    assert not stale, f"PAGES names URL patterns that no longer exist: {sorted(stale)}"
    gone = set(API_OPERATIONS) - {op for op, _, _ in OPERATIONS}
    assert not gone, f"API_OPERATIONS names operations that no longer exist: {sorted(gone)}"
