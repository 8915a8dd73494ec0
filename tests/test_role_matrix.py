"""Every page and every API operation, for every role: allowed, denied, or filtered.

The expectations are the tables below (role × resource → which rows), written from the rules
of DESIGN.md §1 — not computed by `core.scoping`. The URL patterns and the API operations are
enumerated from the project itself, so a new page or endpoint is walked automatically; one
that the tables do not mention fails with a message saying where to add it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kechuang.api import api
from kechuang.core.roles import Role
from tests.factories import make_uscc
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
    TRA,
    Row,
    World,
    build_world,
)

pytestmark = pytest.mark.django_db

# --- the expectation tables -----------------------------------------------------------------

# Which rows a role reaches: every row, those of its city / zone / own organisation, those of
# enterprises that consented to its bank (in force today), public rows; combined with `|`.
ALL, CITY, ZONE = frozenset({"all"}), frozenset({"city"}), frozenset({"zone"})
OWN, CONS, PUB = frozenset({"own"}), frozenset({"consented"}), frozenset({"public"})
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
}
EDIT = {  #     province city      zone  enterprise institution service bank  expert anonymous
    ENT:  by_role(ALL,  CITY,       NO,   OWN,       NO,        NO,     NO,   NO,    NO),
    INST: by_role(ALL,  CITY,       NO,   NO,        OWN,       NO,     NO,   NO,    NO),
    SVC:  by_role(ALL,  CITY,       NO,   NO,        NO,        OWN,    NO,   NO,    NO),
    BANK: by_role(ALL,  CITY,       NO,   NO,        NO,        NO,     OWN,  NO,    NO),
    PLAT: by_role(ALL,  CITY,       NO,   OWN,       OWN,       NO,     NO,   NO,    NO),
}
# fmt: on
# Who may open a form that creates something (or upload a file of such things).
REGISTRARS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN})
ADMINS = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ZONE_ADMIN})
CONTRACT_PARTIES = frozenset(
    {Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE, Role.INSTITUTION}
)


# --- what each page or operation is ---------------------------------------------------------


@dataclass(frozen=True)
class Open:
    """The same answer for everyone (another one once logged in, if given)."""

    status: int = 200
    logged_in: int | None = None


@dataclass(frozen=True)
class LoggedIn:
    """Any logged-in user; anonymous users are sent to log in (401 from the API)."""

    query: str = ""


@dataclass(frozen=True)
class ListOf:
    """A list, page or file: it holds exactly the rows the role may read."""

    resource: str
    login: bool = False  # anonymous users are refused rather than shown public rows
    query: str = ""


@dataclass(frozen=True)
class DetailOf:
    """One record: shown if the role may read it, 404 otherwise (hidden stays hidden)."""

    resource: str
    login: bool = False
    needs: str | None = None  # a flag the record must carry, else 404 for everyone


@dataclass(frozen=True)
class EditOf:
    """Changing one record: 404 if unseen, 403 if seen but not editable."""

    resource: str
    body: dict[str, Any] | None = None  # what the API operation sends


@dataclass(frozen=True)
class CreateOf:
    roles: frozenset[str] = REGISTRARS
    body: Callable[[int], dict[str, Any]] | None = None


@dataclass(frozen=True)
class RedirectFor:
    """A step that sends logged-in users on to another page."""

    resource: str


@dataclass(frozen=True)
class PostOnly:
    """An action taken by POST (its rules are tested with the workflow); GET is refused."""

    resource: str


Spec = Open | LoggedIn | ListOf | DetailOf | EditOf | CreateOf | RedirectFor | PostOnly
CSV = "format=csv"

PAGES: dict[str, Spec] = {
    "home": Open(),
    "login": Open(200, logged_in=302),
    "logout": Open(405),  # logging out is a POST
    "api/docs": Open(302),
    "api:openapi-json": Open(),
    "api:openapi-view": Open(),
    "api:api-root": Open(404),
    # registry
    "registry:enterprise_list": ListOf(ENT),
    "registry:enterprise_create": CreateOf(),
    "registry:enterprise_detail": DetailOf(ENT),
    "registry:enterprise_edit": EditOf(ENT),
    "registry:enterprise_year_edit": EditOf(ENT),
    "registry:enterprise_year_new": RedirectFor(ENT),
    "registry:enterprise_export": ListOf(ENT, login=True, query=CSV),
    "registry:enterprise_year_export": ListOf(ENT, login=True, query=CSV),
    "registry:institution_list": ListOf(INST),
    "registry:institution_create": CreateOf(),
    "registry:institution_detail": DetailOf(INST),
    "registry:institution_edit": EditOf(INST),
    "registry:institution_export": ListOf(INST, login=True, query=CSV),
    "registry:service_institution_list": ListOf(SVC),
    "registry:service_institution_create": CreateOf(),
    "registry:service_institution_detail": DetailOf(SVC),
    "registry:service_institution_edit": EditOf(SVC),
    "registry:service_institution_export": ListOf(SVC, login=True, query=CSV),
    "registry:bank_list": ListOf(BANK),
    "registry:bank_create": CreateOf(),
    "registry:bank_detail": DetailOf(BANK),
    "registry:bank_edit": EditOf(BANK),
    "registry:bank_export": ListOf(BANK, login=True, query=CSV),
    "registry:platform_list": ListOf(PLAT),
    "registry:platform_create": CreateOf(),
    "registry:platform_detail": DetailOf(PLAT),
    "registry:platform_edit": EditOf(PLAT),
    "registry:platform_export": ListOf(PLAT, login=True, query=CSV),
    "registry:person_list": ListOf(PERS),
    "registry:person_detail": DetailOf(PERS),
    "registry:import_upload": CreateOf(),
    "registry:import_template": LoggedIn(),
    "registry:import_job": DetailOf(JOB, login=True),
    # technology market
    "market:contract_list": ListOf(CON, login=True),
    "market:contract_submit": CreateOf(CONTRACT_PARTIES),
    "market:contract_stats": LoggedIn(),
    "market:contract_export": ListOf(CON, login=True),
    "market:contract_import": CreateOf(REGISTRARS),
    "market:contract_detail": DetailOf(CON, login=True),
    "market:contract_certificate": DetailOf(CON, login=True, needs="registered"),
    "market:contract_accept": PostOnly(CON),
    "market:contract_decide": PostOnly(CON),
    "market:contract_cancel": PostOnly(CON),
    "market:achievement_list": ListOf(CAT),
    "market:achievement_create": CreateOf(frozenset({Role.INSTITUTION})),
    "market:achievement_detail": DetailOf(ACH),
    "market:achievement_publish": PostOnly(ACH),
    "market:transfer_list": ListOf(TRA, login=True),
    "market:transfer_create": CreateOf(frozenset({Role.INSTITUTION})),
    "market:demand_list": ListOf(DEM),
    "market:demand_create": CreateOf(frozenset({Role.ENTERPRISE})),
    "market:demand_detail": DetailOf(DEM),
}
SKIP_PREFIXES = {  # not walked at all
    "admin/": "the Django admin is for staff only; tests/registry/test_admin.py covers it",
}
SKIP = {
    "set_language": "switches the language by POST and redirects back; not a page",
}


def _enterprise_body(n: int) -> dict[str, Any]:
    uscc = make_uscc("210102", seq=880000 + n)
    return {"uscc": uscc, "name": f"矩阵新企业{n}", "region_id": "210102", "city_id": "210100"}


def _platform_body(n: int) -> dict[str, Any]:
    return {"name": f"矩阵新平台{n}", "kind": "pilot_base", "level": "city", "city_id": "210100"}


API_OPERATIONS: dict[str, Spec] = {
    "registry_enterprise_list": ListOf(ENT, login=True),
    "registry_enterprise_detail": DetailOf(ENT, login=True),
    "registry_enterprise_create": CreateOf(body=_enterprise_body),
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
    "registry_platform_create": CreateOf(body=_platform_body),
    "registry_platform_update": EditOf(PLAT, body={"description": "矩阵"}),
    "registry_platform_history": DetailOf(PLAT, login=True),
    "registry_person_list": ListOf(PERS),
    "registry_person_detail": DetailOf(PERS),
    "core_region_list": Open(),
    "core_zone_list": Open(),
    "core_industry_list": Open(),
    "core_tech_field_list": Open(),
    "core_cluster_list": Open(),
    "market_contract_list": ListOf(CON, login=True),
    "market_contract_stats": LoggedIn(query="start=2023-01-01&end=2023-12-31"),
    "market_contract_detail": DetailOf(CON, login=True),
    "market_achievement_list": ListOf(ACH),
    "market_achievement_detail": DetailOf(ACH),
    "market_transfer_list": ListOf(TRA, login=True),
    "market_demand_list": ListOf(DEM),
}
YEAR = 2022  # fills a `year` argument

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

# --- checking -------------------------------------------------------------------------------


@dataclass
class Probe:
    method: str
    url: str
    expect: int
    rows: set[str] | None = None  # a list: the rows it must hold, no more, no fewer
    body: dict[str, Any] | None = None
    what: str = ""


def _fill(params: list[str], row: Row | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name in params:
        if name == "year":
            kwargs[name] = YEAR
        elif (name == "pk" or name.endswith("_id")) and row is not None:
            kwargs[name] = row.obj.pk
        else:
            raise AssertionError(f"no value for URL argument {name!r}: add one to _fill()")
    return kwargs


def _with(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def probes(
    world: World,
    spec: Spec,
    role: str,
    url: Callable[[dict[str, Any]], str],
    params: list[str],
    method: str,
    is_api: bool,
) -> Iterator[Probe]:
    anonymous = role == ANON
    refused = 401 if is_api else 302  # anonymous users are sent to log in
    if isinstance(spec, Open):
        status = spec.logged_in if spec.logged_in and not anonymous else spec.status
        yield Probe(method, url(_fill(params, None)), status)
    elif isinstance(spec, LoggedIn):
        yield Probe(method, _with(url({}), spec.query), refused if anonymous else 200)
    elif isinstance(spec, CreateOf):
        body = spec.body(ROLES.index(role)) if spec.body else None
        status = refused if anonymous else (201 if is_api else 200) if role in spec.roles else 403
        yield Probe(method, url({}), status, body=body)
    elif isinstance(spec, ListOf):
        query = "&".join(q for q in ("limit=100" if is_api else "", spec.query) if q)
        link = _with(url({}), query)
        if anonymous and spec.login:
            yield Probe(method, link, refused)
        else:
            rows = world.rows[spec.resource]
            seen = {r.name for r in rows if world.reaches(role, READ[spec.resource][role], r)}
            yield Probe(method, link, 200, rows=seen)
    elif isinstance(spec, PostOnly):
        first = world.rows[spec.resource][0]
        yield Probe(method, url(_fill(params, first)), refused if anonymous else 405)
    else:
        yield from _per_row(world, spec, role, url, params, method, refused)


def _per_row(
    world: World,
    spec: DetailOf | EditOf | RedirectFor,
    role: str,
    url: Callable[[dict[str, Any]], str],
    params: list[str],
    method: str,
    refused: int,
) -> Iterator[Probe]:
    body = getattr(spec, "body", None)
    for r in world.rows[spec.resource]:
        if isinstance(spec, RedirectFor):
            status = refused if role == ANON else 302
        elif role == ANON and (isinstance(spec, EditOf) or spec.login):
            status = refused
        elif not world.reaches(role, READ[spec.resource][role], r) or (
            isinstance(spec, DetailOf) and spec.needs and spec.needs not in r.flags
        ):
            status = 404
        elif isinstance(spec, EditOf) and not world.reaches(role, EDIT[spec.resource][role], r):
            status = 403
        else:
            status = 200
        yield Probe(method, url(_fill(params, r)), status, what=r.name, body=body)


def _text(response: Any) -> str:
    """What a page or a downloaded file says, to look for the names of rows in it."""
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    raw = response.content
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    if "csv" in kind:
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
    return text


def run(
    world: World,
    spec: Spec,
    url: Callable[[dict[str, Any]], str],
    params: list[str],
    method: str = "get",
    is_api: bool = False,
) -> list[str]:
    failures: list[str] = []
    login_url = reverse("login")
    for role in ROLES:
        for probe in probes(world, spec, role, url, params, method, is_api):
            response = world.clients[role].generic(
                probe.method.upper(),
                probe.url,
                data=json.dumps(probe.body) if probe.body is not None else "",
                content_type="application/json",
            )
            got = response.status_code
            where = f"{role:>14} {probe.method.upper()} {probe.url} {probe.what}".rstrip()
            if got != probe.expect:
                failures.append(f"{where}: {got}, expected {probe.expect}")
                continue
            to_login = response.get("Location", "").startswith(login_url)
            if got == 302 and role == ANON and not isinstance(spec, Open) and not to_login:
                failures.append(f"{where}: sent to {response['Location']}, not to log in")
            if probe.rows is not None and isinstance(spec, ListOf):
                rows = world.rows[spec.resource]
                if is_api:
                    ids = {str(item["id"]) for item in response.json()["items"]}
                    found = {r.name for r in rows if str(r.obj.pk) in ids}
                    found |= {f"id {i}" for i in ids - {str(r.obj.pk) for r in rows}}
                else:
                    text = _text(response)
                    found = {r.name for r in rows if r.mentioned_in(text)}
                if found != probe.rows:
                    failures.append(
                        f"{where}: shows {sorted(found)}, expected {sorted(probe.rows)}"
                    )
    return failures


@pytest.fixture
def world(settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


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

    failures = run(world, spec, url, params)
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

    failures = run(world, spec, url, params, method=method, is_api=True)
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
