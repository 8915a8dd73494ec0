"""Who may see and change what: the one place where scope is decided (DESIGN.md §1).

Every scoped model declares a `ScopePolicy` naming the lookups that tie a row to a city,
a zone or an organisation, and which of its fields an owner may change. Selectors call
`visible()`; services call `require_edit()` and `require_fields()`; forms offer
`writable_fields()`. Views and API handlers never filter or pick fields by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

from kechuang.core.roles import Role

M = TypeVar("M", bound=models.Model)
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopePolicy:
    city: str | None = None  # lookup to the reporting unit (Region) of the row
    zone: str | None = None  # lookup to the HighTechZone of the row
    # role -> lookup of the owner's id, or several lookups (any party of a contract)
    own: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    public: Q | None = None  # rows that anyone, even anonymous, may read
    consent: str | None = None  # lookup to the enterprise, for banks with consent
    editable_by_owner: bool = True
    # Lookups of users tied to the row whatever their role (an assigned expert, an author):
    # each of them may read it. Experts see nothing else.
    people: str | tuple[str, ...] = ()
    # Fields holding personal data (field -> "name" or "phone", the way it is masked): shown in
    # full only to `personal_full_q`, masked to the other readers, never to anonymous ones.
    personal: dict[str, str] = field(default_factory=dict)
    # The fields an owner may change: what it owns the truth of (contacts, descriptions).
    # Identity, location, status and certificates are changed by an admin in scope only.
    # None: every field the owner may edit at all (`editable_by_owner`).
    owner_fields: frozenset[str] | None = None
    # Whether a row is closed to its owner (figures a program has used), and why.
    owner_lock: Callable[[Any], bool] | None = None
    owner_lock_message: Any = ""  # a (lazy) translated text
    # The consent scopes that show the row to a bank (`consent`); empty: any scope.
    consent_scopes: tuple[str, ...] = ()


class Refused(PermissionDenied):
    """A refusal whose reason the user is told (a field it may not change, a locked row)."""


def _policy(model: type[models.Model]) -> ScopePolicy:
    policy = getattr(model, "scope_policy", None)
    if not isinstance(policy, ScopePolicy):
        raise TypeError(f"{model.__name__} declares no scope_policy")
    return policy


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.PROVINCE_ADMIN
    return user.role or None


def _lookup(path: str, suffix: str = "") -> str:
    return f"{path}{suffix}" if path != "pk" else "pk"


def _own_q(lookups: str | tuple[str, ...], organization_id: int) -> Q:
    names = (lookups,) if isinstance(lookups, str) else lookups
    q = Q(**{names[0]: organization_id})
    for lookup in names[1:]:
        q |= Q(**{lookup: organization_id})
    return q


def visible_q(model: type[models.Model], user: Any) -> Q:
    """The rows of `model` that `user` may read, as a Q object."""
    policy = _policy(model)
    public = policy.public if policy.public is not None else NOTHING
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN:
        return Q()
    if role == Role.CITY_ADMIN and policy.city:
        city = Q(**{_lookup(policy.city, "_id"): user.city_id})
        return _with_people(city | public, model, policy, user)
    if role == Role.ZONE_ADMIN and policy.zone:
        zone = Q(**{_lookup(policy.zone, "_id"): user.zone_id})
        return _with_people(zone | public, model, policy, user)
    q = public
    if role in policy.own and user.organization_id is not None:
        q |= _own_q(policy.own[role], user.organization_id)
    if role == Role.BANK and policy.consent and user.organization_id is not None:
        q |= consent_q(policy.consent, user.organization_id, scopes=policy.consent_scopes)
    return _with_people(q, model, policy, user)


def _with_people(q: Q, model: type[models.Model], policy: ScopePolicy, user: Any) -> Q:
    if not policy.people or role_of(user) is None:
        return q
    # A subquery, not a join: a row with several people would otherwise come back repeated.
    rows = model._default_manager.filter(_own_q(policy.people, user.pk)).values("pk")
    return Q(pk__in=rows) if q == NOTHING else q | Q(pk__in=rows)


def consent_q(
    enterprise_path: str, bank_id: int, on: date | None = None, scopes: Iterable[str] = ()
) -> Q:
    """Enterprises that granted `bank_id` a consent that is in force `on` (today) and, when
    `scopes` are given, covers one of them. One Q, so that every condition holds on the same
    consent."""
    on = on or date.today()
    prefix = "" if enterprise_path == "pk" else f"{enterprise_path}__"
    conditions: dict[str, Any] = {
        f"{prefix}consents__bank_id": bank_id,
        f"{prefix}consents__granted_on__lte": on,
        f"{prefix}consents__expires_on__gte": on,
        f"{prefix}consents__revoked_at__isnull": True,
    }
    if scopes:
        conditions[f"{prefix}consents__scope__in"] = tuple(scopes)
    return Q(**conditions)


def visible(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    q = visible_q(queryset.model, user)
    if q == NOTHING:
        return queryset.none()
    qs = queryset.filter(q)
    policy = _policy(queryset.model)
    # Joins through consents can repeat a row.
    return qs.distinct() if policy.consent and role_of(user) == Role.BANK else qs


def editable_q(model: type[models.Model], user: Any) -> Q:
    """The rows `user` may change: admins within their city, owners their own records."""
    policy = _policy(model)
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN:
        return Q()
    if role == Role.CITY_ADMIN and policy.city:
        return Q(**{_lookup(policy.city, "_id"): user.city_id})
    if policy.editable_by_owner and role in policy.own and user.organization_id is not None:
        return _own_q(policy.own[role], user.organization_id)
    return NOTHING


# On the user object of one request: (model label, pk) -> may edit, decided for a page at once.
_EDITABLE = "_kc_editable"


def _target(user: Any) -> Any:
    """The user object itself: request.user is a lazy object, set up on first use."""
    getattr(user, "pk", None)
    return getattr(user, "_wrapped", user)


def _known(user: Any) -> dict[tuple[str, Any], bool] | None:
    return getattr(_target(user), "__dict__", {}).get(_EDITABLE)


def prefetch_editable(user: Any, objs: Iterable[models.Model | None]) -> None:
    """Decide `can_edit` for many rows (the organisations of a page) in one query per model,
    so that the checks each row makes next ask the database nothing."""
    by_model: dict[type[models.Model], set[Any]] = defaultdict(set)
    for obj in objs:
        if obj is not None:
            by_model[type(obj)].add(obj.pk)
    target = _target(user)
    if not by_model or not hasattr(target, "__dict__"):
        return
    known = target.__dict__.setdefault(_EDITABLE, {})
    for model, pks in by_model.items():
        q = editable_q(model, user)
        yes: set[Any] = set()
        if q != NOTHING:
            yes = set(model._default_manager.filter(q, pk__in=pks).values_list("pk", flat=True))
        for pk in pks:
            known[(model._meta.label, pk)] = pk in yes


def can_edit(user: Any, obj: models.Model) -> bool:
    known = _known(user)
    if known is not None and (key := (obj._meta.label, obj.pk)) in known:
        return known[key]
    q = editable_q(type(obj), user)
    if q == NOTHING:
        return False
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def _field_names(model: type[models.Model]) -> set[str]:
    return {
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not f.generated
    }


def _admin_in_scope(user: Any) -> bool:
    # Only these roles reach `editable_q` other than as an owner.
    return role_of(user) in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN)


def writable_fields(user: Any, obj: models.Model) -> set[str]:
    """The fields of `obj` that `user` may change: all of them for an admin in scope, those
    the model's policy leaves to the owner for its owner (none while the row is locked),
    none for anyone else."""
    if not can_edit(user, obj):
        return set()
    names = _field_names(type(obj))
    if _admin_in_scope(user):
        return names
    policy = _policy(type(obj))
    if policy.owner_lock is not None and obj.pk is not None and policy.owner_lock(obj):
        return set()
    return names if policy.owner_fields is None else names & policy.owner_fields


def _changed(obj: models.Model, name: str, value: Any) -> str | None:
    """The name of the field `name` (a field or its `_id`) if `value` would change it."""
    try:
        f = obj._meta.get_field(name)
    except FieldDoesNotExist:  # not a field: the service's own business
        return None
    if not getattr(f, "concrete", False) or getattr(f, "many_to_many", False):
        return None
    current = getattr(obj, getattr(f, "attname", name), None)
    if isinstance(value, models.Model):
        value = value.pk
    return f.name if current != value else None


def require_fields(user: Any, obj: models.Model, data: Mapping[str, Any]) -> None:
    """Refuse, naming them, the changes in `data` to fields `user` may not change. A field
    sent with its current value is no change and passes (a client may send the whole record)."""
    require_edit(user, obj)
    if _admin_in_scope(user) or obj.pk is None:
        return
    policy = _policy(type(obj))
    locked = policy.owner_lock is not None and policy.owner_lock(obj)
    if policy.owner_fields is None and not locked:
        return
    allowed = frozenset() if locked else (policy.owner_fields or frozenset())
    changed = []
    for name, value in data.items():
        field_name = _changed(obj, name, value)
        if field_name is not None and field_name not in allowed:
            changed.append(name)
    if not changed:
        return
    if locked:
        raise Refused(str(policy.owner_lock_message))
    raise Refused(gettext("无权修改以下字段:%(fields)s") % {"fields": ", ".join(changed)})


def can_view(user: Any, obj: models.Model) -> bool:
    q = visible_q(type(obj), user)
    if q == NOTHING:
        return False
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def can_create(user: Any, model: type[models.Model], *, city_id: str | None = None) -> bool:
    """Admins create registry records: the province anywhere, a city bureau in its city."""
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN:
        return True
    policy = _policy(model)
    return bool(
        role == Role.CITY_ADMIN and policy.city and (city_id is None or city_id == user.city_id)
    )


def personal_full_q(model: type[models.Model], user: Any) -> Q:
    """The rows whose personal data `user` reads in full: admins of the row's scope (the
    province, the row's city) and the organisation the row belongs to. A zone admin, a bank
    with consent or a reader of a public record needs no contact's mobile: masked."""
    policy = _policy(model)
    role = role_of(user)
    if role == Role.PROVINCE_ADMIN:
        return Q()
    if role == Role.CITY_ADMIN and policy.city:
        return Q(**{_lookup(policy.city, "_id"): user.city_id})
    if role in policy.own and user.organization_id is not None:
        return _own_q(policy.own[role], user.organization_id)
    return NOTHING


FULL, MASKED, HIDDEN = "full", "masked", "hidden"


def personal_disclosure(user: Any, obj: models.Model) -> str:
    """How `user` sees the personal fields of `obj`: FULL, MASKED or HIDDEN (anonymous)."""
    if role_of(user) is None:
        return HIDDEN
    q = personal_full_q(type(obj), user)
    if q == Q():
        return FULL
    if q != NOTHING and type(obj)._default_manager.filter(q, pk=obj.pk).exists():
        return FULL
    return MASKED


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("not allowed for this user")


def require_edit(user: Any, obj: models.Model) -> None:
    require(can_edit(user, obj))


def may_read_history(user: Any) -> bool:
    """The change history of a record is for those who keep it, never for a bank: a consent
    covers what the data is, not who changed it when."""
    return role_of(user) not in (None, Role.BANK)
