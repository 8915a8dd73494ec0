"""No list costs a query per row: each list takes as many queries with 3N rows as with N.

The lists are enumerated from the project, so a new one is measured without being named here:
every URL pattern that the role matrix calls a list (`ListOf` in tests/test_role_matrix.py,
where every pattern must be placed) and every GET operation of the API that answers a page of
items (read from the OpenAPI document). Their rows are made by tests/query_count_rows.py; a
list whose rows nothing makes yet fails, saying where to add them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kechuang.api import api
from kechuang.core.roles import Role
from kechuang.registry.kinds import KINDS
from tests.factories import BankFactory, UserFactory
from tests.query_count_rows import MAKERS, NESTED, OPENED_BY, Ctx, Made
from tests.role_matrix_probe import ListOf, _text
from tests.test_role_matrix import API_OPERATIONS, PAGES

pytestmark = pytest.mark.django_db

N = 3
PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Listing:
    key: str  # URL name or API operation
    resource: str  # what MAKERS / NESTED are keyed by
    path: str  # URL (pages) or path template (API)
    query: str = ""
    is_api: bool = False


def _page_lists() -> list[Listing]:
    return [
        Listing(name, spec.resource, reverse(name), spec.query)
        for name, spec in sorted(PAGES.items())
        if isinstance(spec, ListOf)
    ]


def _is_page_of_items(op: dict[str, Any], components: dict[str, Any]) -> bool:
    ok = op["responses"].get(200) or op["responses"].get("200", {})
    content = ok.get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    schema = components.get(ref.rsplit("/", 1)[-1], {})
    return "items" in schema.get("properties", {})


def _api_lists() -> list[Listing]:
    spec = api.get_openapi_schema()
    components = spec["components"]["schemas"]
    out = []
    for path, item in sorted(spec["paths"].items()):
        op = item.get("get")
        if op is None or not _is_page_of_items(op, components):
            continue
        key = op["operationId"]
        listed = API_OPERATIONS.get(key)
        resource = key if PARAM.search(path) or not isinstance(listed, ListOf) else listed.resource
        out.append(Listing(key, resource, path, "limit=100", is_api=True))
    return out


LISTS = _page_lists() + _api_lists()
# Lists known to read a row's permission with a query of its own; strict, so that the fix
# shows as an unexpected pass and the entry is removed.
KNOWN_N_PLUS_ONE: dict[str, str] = {}  # list key -> why its queries grow with its rows
PARAMS = [
    pytest.param(
        x,
        id=x.key,
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_N_PLUS_ONE[x.key])]
        if x.key in KNOWN_N_PLUS_ONE
        else [],
    )
    for x in LISTS
]


def _queries(client: Client, url: str) -> tuple[int, list[str], Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries], response


def _shape(sql: str) -> str:
    """The statement with its values left out, so the same query for each row counts as one."""
    return re.sub(r"\b\d+\b|'[^']*'|%s", "?", sql)[:300]


def _url(listing: Listing, made: Made) -> str:
    path = PARAM.sub(lambda m: str(made.kwargs[m.group(1)]), listing.path)
    return f"{path}?{listing.query}" if listing.query else path


def _shows(listing: Listing, response: Any, made: Made) -> list[str]:
    """What the list should show and does not (an empty list would measure nothing)."""
    if listing.is_api:
        ids = {item["id"] for item in response.json()["items"]}
        return [f"id {i}" for i in made.ids if i not in ids]
    text = _text(response)
    return [label for label in made.labels if label not in text]


@pytest.fixture
def ctx(settings) -> Ctx:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    province = UserFactory(username="counting-province", role=Role.PROVINCE_ADMIN)
    bank = BankFactory()
    banker = UserFactory(username="counting-bank", role=Role.BANK, organization_id=bank.pk)
    clients = {}
    for role, user in ((Role.PROVINCE_ADMIN, province), (Role.BANK, banker)):
        clients[role] = Client()
        clients[role].force_login(user)
    return Ctx(province=province, clients=clients, bank=bank)


@pytest.mark.parametrize("listing", PARAMS)
def test_queries_do_not_grow_with_the_rows(ctx: Ctx, listing: Listing) -> None:
    make = NESTED.get(listing.resource) or MAKERS.get(listing.resource)
    if make is None:
        pytest.fail(
            f"{listing.key} lists {listing.resource!r}, whose rows nothing makes: add a maker "
            "to MAKERS (or NESTED, for a list inside one record) in tests/query_count_rows.py.",
            pytrace=False,
        )
    client = ctx.client(OPENED_BY.get(listing.resource, Role.PROVINCE_ADMIN))
    first = make(ctx, N)
    url = _url(listing, first)
    assert client.get(url).status_code == 200, url  # caches (content types, sessions) warm
    few, _, _ = _queries(client, url)
    more = make(ctx, 2 * N)
    url = _url(listing, more)
    many, sql, response = _queries(client, url)
    assert response.status_code == 200, url
    shown = more if more.whole else Made(first.ids + more.ids, first.labels + more.labels)
    missing = _shows(listing, response, shown)
    assert not missing, f"{url} does not show the rows made for it: {missing[:5]}"
    repeated = [f"{k} × {s}" for s, k in Counter(map(_shape, sql)).most_common(3) if k > 1]
    assert many <= few, (
        f"{url}: {few} queries with {N} rows, {many} with {3 * N}; repeated:\n"
        + "\n".join(repeated)
    )


def test_every_registry_kind_has_its_list_measured() -> None:
    measured = {x.key for x in LISTS}
    assert {k.list_name for k in KINDS.values()} <= measured
    assert {f"registry_{k}_list" for k in KINDS} <= measured
