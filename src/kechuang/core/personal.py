"""Personal data (a contact person's name, a mobile number) as each reader may see it.

Who sees what is decided in scoping (`ScopePolicy.personal`, `personal_full_q`,
`personal_disclosure`); this module applies that decision to values, records, querysets
and audit changes, so pages, the API and exports mask the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import BooleanField, Case, ExpressionWrapper, Q, Value, When

from kechuang.core import scoping
from kechuang.core.scoping import FULL, HIDDEN

FULL_FLAG = "personal_in_full"  # the annotation `annotate_full` adds


def mask_phone(value: str) -> str:
    """13812341234 → 138****1234; a short number keeps only its last two digits."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 1) + digits[-2:] if digits else "****"


def mask_name(value: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name stays, so the reader can still ask for
    'Mr Zhang' through the organisation."""
    value = value.strip()
    return value[:1] + "*" * max(len(value) - 1, 1) if value else value


def _keep_empty(mask: Callable[[str], str]) -> Callable[[Any], Any]:
    return lambda value: value if value in (None, "") else mask(str(value))


MASKS: dict[str, Callable[[Any], Any]] = {
    "name": _keep_empty(mask_name),
    "phone": _keep_empty(mask_phone),
}


def fields_of(model: type[models.Model]) -> dict[str, str]:
    policy = getattr(model, "scope_policy", None)
    return dict(policy.personal) if isinstance(policy, scoping.ScopePolicy) else {}


Conceal = dict[str, Callable[[Any], Any] | None]


def concealed(model: type[models.Model], disclosure: str) -> Conceal:
    """field -> the function that masks it, or None where it is not shown at all, for the
    personal fields a reader with `disclosure` may not see in full (empty for FULL)."""
    if disclosure == FULL:
        return {}
    if disclosure == HIDDEN:
        return dict.fromkeys(fields_of(model))
    return {name: MASKS[how] for name, how in fields_of(model).items()}


def for_user(user: Any, obj: models.Model) -> Conceal:
    """The personal fields of `obj` that `user` may not read in full, and how they show."""
    if not fields_of(type(obj)):
        return {}
    return concealed(type(obj), scoping.personal_disclosure(user, obj))


def value(user: Any, obj: models.Model, name: str) -> Any:
    """One personal field of `obj` as `user` may read it (the API's resolvers)."""
    conceal = for_user(user, obj)
    raw = getattr(obj, name)
    if name not in conceal:
        return raw
    mask = conceal[name]
    return None if mask is None else mask(raw)


def annotate_full(queryset: models.QuerySet[Any], user: Any) -> models.QuerySet[Any]:
    """`queryset` with FULL_FLAG: whether `user` reads each row's personal data in full."""
    q = scoping.personal_full_q(queryset.model, user) if user is not None else scoping.NOTHING
    if q == Q():
        flag: Any = Value(True)
    elif q == scoping.NOTHING:
        flag = Value(False)
    else:
        flag = Case(When(q, then=Value(True)), default=Value(False))
    return queryset.annotate(**{FULL_FLAG: ExpressionWrapper(flag, output_field=BooleanField())})
