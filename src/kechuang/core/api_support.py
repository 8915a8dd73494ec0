"""What every router of the REST API shares: authentication, errors, filtering, pages.

Authentication: an API key (`Authorization: Bearer kc_…`, core/apikeys.py) for machine
clients, or the Django session of the web site (with its CSRF token on writes). A username
and password (HTTP Basic) are refused. Reads of public data also accept anonymous requests;
the selectors then return only what is public. Requests are throttled (429 with Retry-After)
and a POST may carry an `Idempotency-Key` (core/idempotency.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

import django_filters as df
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field, PlainSerializer, WithJsonSchema, create_model

from kechuang.core import apikeys, scoping

# --- authentication -------------------------------------------------------------------------


class RefuseBasic:
    """A username and password are not accepted by the API: a person's password is checked
    with a deliberately slow hash, and machines have keys. Refused outright, never read as
    an anonymous request."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if header[:6].lower() == "basic ":
            raise AuthenticationError(message=_("接口不接受用户名和密码,请使用 API 密钥"))
        return None


class KeyAuth(HttpBearer):
    """`Authorization: Bearer kc_…`: the account the key was issued to, within its access."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = apikeys.user_for(token)
        if found is None:
            raise AuthenticationError(message=_("API 密钥无效、已过期或已吊销"))
        user, key = found
        if key.access == key.Access.READ and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise PermissionDenied(_("只读密钥不能修改数据"))
        request.user = user
        return user


def anonymous(request: HttpRequest) -> AnonymousUser:
    """Lets a request without credentials through; selectors show it public rows only."""
    return AnonymousUser()


# Keys come first: the session check rejects a write without a CSRF token outright.
LOGIN_REQUIRED: list[Callable[..., Any]] = [RefuseBasic(), KeyAuth(), SessionAuth()]
PUBLIC_READ: list[Callable[..., Any]] = [*LOGIN_REQUIRED, anonymous]
# OpenAPI: an empty requirement marks the credentials as optional.
PUBLIC_READ_EXTRA: dict[str, Any] = {"security": [{}]}


def public_read(summary: str, response: Any) -> dict[str, Any]:
    """Operation options of a read that anonymous users may make (they see public rows)."""
    return {
        "response": {200: response, **ERRORS},
        "auth": PUBLIC_READ,
        "openapi_extra": PUBLIC_READ_EXTRA,
        "summary": summary,
    }


def login_required(summary: str, response: Any, status: int = 200) -> dict[str, Any]:
    """Operation options of a read or write that needs a logged-in user."""
    return {"response": {status: response, **ERRORS}, "auth": LOGIN_REQUIRED, "summary": summary}


# Ids beyond a 64-bit integer cannot name a row; refuse them as bad input.
ID_MAX = 2**63 - 1


def path_id(description: str) -> Any:
    return Path(..., ge=1, le=ID_MAX, description=description)


def actor(request: HttpRequest) -> Any:
    """The user an API request acts for (an AnonymousUser on public reads)."""
    return getattr(request, "auth", None) or AnonymousUser()


# --- workflow actions -----------------------------------------------------------------------


class ActionOut(Schema):
    """An action the caller may take on the record now (`Workflow.actions`)."""

    name: str
    label: str
    reason_required: bool
    confirm: str = Field(description="非空时为不可撤销的操作,提交前须确认")
    style: str
    form: str


# --- errors ---------------------------------------------------------------------------------


class Error(Schema):
    detail: str


class ErrorItem(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrors(Schema):
    detail: list[ErrorItem]


# Every operation declares these, so that clients (and the contract tests) know each outcome.
ERRORS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: ValidationErrors,
    429: Error,
}


def _errors_of(exc: DjangoValidationError, prefix: tuple[str, ...]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for name, errors in by_field.items():
        loc = list(prefix) if name == NON_FIELD_ERRORS else [*prefix, name]
        for error in errors:
            for message in error.messages:
                items.append({"type": error.code or "invalid", "loc": loc, "msg": str(message)})
    return items


def install_error_handlers(api: NinjaAPI) -> None:
    """Domain exceptions become the declared error responses, with messages in the UI language."""

    def denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A refusal with a reason (a field the caller may not change) says it.
        detail = str(exc) if isinstance(exc, scoping.Refused) else _("无权执行此操作")
        return api.create_response(request, {"detail": detail}, status=403)

    def missing(request: HttpRequest, exc: Exception) -> HttpResponse:
        return api.create_response(request, {"detail": _("未找到")}, status=404)

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else _("请先登录")
        return api.create_response(request, {"detail": message}, status=401)

    def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        detail = _errors_of(exc, ("body", "payload"))
        return api.create_response(request, {"detail": detail}, status=422)

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return api.create_response(request, {"detail": _("请求过于频繁,请稍后再试")}, status=429)

    handlers: list[tuple[type[Exception], Any]] = [
        (Throttled, throttled),
        (PermissionDenied, denied),
        (ObjectDoesNotExist, missing),
        (Http404, missing),
        (AuthenticationError, unauthenticated),
        (DjangoValidationError, invalid),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


# --- money ----------------------------------------------------------------------------------

FEN = Decimal("0.01")
# Yuan as a decimal string, exact to the fen: JSON numbers would pass through binary floats.
Money = Annotated[
    Decimal,
    PlainSerializer(lambda v: format(v.quantize(FEN), "f"), return_type=str, when_used="always"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["1250000.00"]},
        mode="serialization",
    ),
]
MoneyIn = Annotated[
    Decimal,
    Field(max_digits=18, decimal_places=2, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^-?\d{1,16}(\.\d{1,2})?$"},
                {"type": "number"},
            ],
            "examples": ["1250000.00"],
        },
        mode="validation",
    ),
]


# --- filters and pages ----------------------------------------------------------------------


def _annotation(f: df.Filter) -> Any:
    if isinstance(f, df.OrderingFilter):
        keys = list(f.param_map)
        return Literal[tuple(k for key in keys for k in (key, f"-{key}"))]
    if isinstance(f, df.ModelChoiceFilter):  # before ChoiceFilter, its base class
        pk = f.queryset.model._meta.pk
        return int if isinstance(pk, models.AutoField | models.BigAutoField) else str
    if isinstance(f, df.ChoiceFilter):
        return Literal[tuple(str(value) for value, _label in f.extra["choices"])]
    if isinstance(f, df.BooleanFilter):
        return bool
    if isinstance(f, df.DateFilter):
        return date
    return str


def filter_schema(filterset: type[df.FilterSet], name: str | None = None) -> type[Schema]:
    """Query parameters built from a FilterSet, so that the API filters exactly as the pages do."""
    # Labels are read in the default language so that the published spec does not vary.
    with translation.override(settings.LANGUAGE_CODE):
        fields: dict[str, Any] = {
            key: (_annotation(f) | None, Field(None, description=str(f.label or key)))
            for key, f in filterset.base_filters.items()
        }
    name = name or filterset.__name__.removesuffix("Filter") + "Filters"
    schema: type[Schema] = create_model(name, __base__=Schema, **fields)
    return schema


def apply_filters(
    filterset: type[df.FilterSet], params: Schema, queryset: models.QuerySet
) -> models.QuerySet:
    fs = filterset(data=params.model_dump(exclude_none=True), queryset=queryset)
    if not fs.is_valid():
        raise NinjaValidationError(
            [
                {"type": "invalid", "loc": ["query", name], "msg": str(message)}
                for name, messages in fs.errors.items()
                for message in messages
            ]
        )
    qs = fs.qs
    # Pages need a total order: whatever the sort key, ties are broken by the primary key.
    ordering = list(qs.query.order_by) or list(qs.model._meta.ordering)
    return qs.order_by(*ordering, "pk")


# Paging parameters for every list. The offset is bounded too: no client pages past a
# billion rows, and the database refuses offsets beyond a 64-bit integer with an error.
LIMIT_MAX, OFFSET_MAX = 100, 10**9
Limit = Query(20, ge=1, le=LIMIT_MAX, description="每页条数")
Offset = Query(0, ge=0, le=OFFSET_MAX, description="跳过条数")


def page(queryset: models.QuerySet, limit: int, offset: int) -> dict[str, Any]:
    # Checked here too: beside a filter schema, django-ninja does not apply the bounds above.
    if not 1 <= limit <= LIMIT_MAX:
        raise DjangoValidationError({"limit": _("每页条数应为 1 至 100")})
    if not 0 <= offset <= OFFSET_MAX:
        raise DjangoValidationError({"offset": _("跳过条数应为 0 至 10 亿")})
    return {
        "count": queryset.count(),
        "limit": limit,
        "offset": offset,
        "items": list(queryset[offset : offset + limit]),
    }


def page_schema(item: type[Schema]) -> type[Schema]:
    schema: type[Schema] = create_model(
        f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        count=(int, Field(description="符合条件的总数")),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),  # type: ignore[valid-type]
    )
    return schema


def choices_of(values: Iterable[tuple[Any, Any]]) -> Any:
    return Literal[tuple(str(v) for v, _label in values)]
