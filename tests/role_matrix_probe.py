"""How the role matrix probes one page or API operation for one role, and what it expects.

A page or operation is described by a spec (`ListOf(resource)`, `EditOf(resource)`, …); the
expected answer for a role follows from the spec, the world's rows and the tables of
`tests/test_role_matrix.py`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.urls import reverse

from tests.role_matrix_world import ANON, ROLES, Row, World

Table = dict[str, dict[str, frozenset[str]]]  # resource -> role -> labels
YEAR = 2022  # fills a `year` argument


@dataclass(frozen=True)
class Tables:
    read: Table
    edit: Table


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
    """Changing one record: 404 if unseen, 403 if seen but not editable.

    `allowed` is the answer for a role that may edit: 200, or per row when an action is
    refused (422) on the world's records in states it does not accept — its rules are
    tested with its workflow; here only who reaches it."""

    resource: str
    body: dict[str, Any] | Callable[[], dict[str, Any]] | None = None  # what the API sends
    allowed: int | Callable[[Row], int] = 200


@dataclass(frozen=True)
class CreateOf:
    roles: frozenset[str]
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
        elif name == "action":  # a workflow's `<pk>/act/<action>`: any name will do for GET
            kwargs[name] = "act"
        elif (name == "pk" or name.endswith("_id")) and row is not None:
            kwargs[name] = row.obj.pk
        else:
            raise AssertionError(f"no value for URL argument {name!r}: add one to _fill()")
    return kwargs


def _with(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def probes(
    world: World,
    tables: Tables,
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
            seen = {
                r.name for r in rows if world.reaches(role, tables.read[spec.resource][role], r)
            }
            yield Probe(method, link, 200, rows=seen)
    elif isinstance(spec, PostOnly):
        first = world.rows[spec.resource][0]
        yield Probe(method, url(_fill(params, first)), refused if anonymous else 405)
    else:
        yield from _per_row(world, tables, spec, role, url, params, method, refused)


def _per_row(
    world: World,
    tables: Tables,
    spec: DetailOf | EditOf | RedirectFor,
    role: str,
    url: Callable[[dict[str, Any]], str],
    params: list[str],
    method: str,
    refused: int,
) -> Iterator[Probe]:
    body = getattr(spec, "body", None)
    if callable(body):
        body = body()
    for r in world.rows[spec.resource]:
        if isinstance(spec, RedirectFor):
            status = refused if role == ANON else 302
        elif role == ANON and (isinstance(spec, EditOf) or spec.login):
            status = refused
        elif not world.reaches(role, tables.read[spec.resource][role], r) or (
            isinstance(spec, DetailOf) and spec.needs and spec.needs not in r.flags
        ):
            status = 404
        elif isinstance(spec, EditOf) and not world.reaches(
            role, tables.edit[spec.resource][role], r
        ):
            status = 403
        elif isinstance(spec, EditOf):
            status = spec.allowed(r) if callable(spec.allowed) else spec.allowed
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
    tables: Tables,
    spec: Spec,
    url: Callable[[dict[str, Any]], str],
    params: list[str],
    method: str = "get",
    is_api: bool = False,
) -> list[str]:
    """Probe `spec` as every role; the mismatches, one line each (none when all is well)."""
    failures: list[str] = []
    login_url = reverse("login")
    for role in ROLES:
        for probe in probes(world, tables, spec, role, url, params, method, is_api):
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
