"""Writes for matchmaking events, brokers and training.

Admins record events and courses within their scope (the province anywhere, a city bureau
in its city); a service institution records its own; whoever may change a record adds its
participants, outcomes and attendees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.audit import user_or_none
from kechuang.core.roles import Role
from kechuang.core.services import object_create, object_update
from kechuang.market.activities.models import (
    ORGANISER_FIELDS,
    Broker,
    EventOutcome,
    EventParticipant,
    MatchmakingActivity,
    Organised,
    Organiser,
    TrainingAttendance,
    TrainingSession,
)
from kechuang.market.contracts.models import TechContract
from kechuang.market.orgs import find_org
from kechuang.registry.models import Bank, Enterprise, Institution, ServiceInstitution

ORGANISED_FIELDS = (
    "organiser_kind",
    "organiser_uscc",
    "organiser_service",
    "organiser_institution",
    "organiser_enterprise",
    "organiser_bank",
    "city",
)
EVENT_FIELDS = (*ORGANISED_FIELDS, "kind", "title", "held_on", "venue", "description")
SESSION_FIELDS = (*ORGANISED_FIELDS, "kind", "topic", "starts_on", "ends_on")
PARTICIPANT_MODELS: dict[str, type[Any]] = {
    "enterprise": Enterprise,
    "institution": Institution,
    "service_institution": ServiceInstitution,
    "bank": Bank,
}
PARTICIPANT_ORGS = tuple(PARTICIPANT_MODELS)
ORGANISER_MODELS: dict[str, type[Any]] = {
    Organiser.SERVICE: ServiceInstitution,
    Organiser.INSTITUTION: Institution,
    Organiser.ENTERPRISE: Enterprise,
    Organiser.BANK: Bank,
}


def _pick(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in names or k.removesuffix("_id") in names}


def _organiser(actor: Any, data: dict[str, Any]) -> dict[str, Any]:
    """Who organises: the service institution of a service user; for admins, whom they
    name, by default themselves. Also checks that the actor may record it there."""
    role = scoping.role_of(actor)
    code = data.pop("organiser_uscc", "")
    if role == Role.SERVICE and actor.organization_id is not None:
        own = ServiceInstitution.objects.get(pk=actor.organization_id)
        for f in ORGANISER_FIELDS.values():
            data.pop(f, None)
            data.pop(f"{f}_id", None)
        data.update(organiser_kind=Organiser.SERVICE, organiser_service=own)
        if not data.get("city") and not data.get("city_id"):
            data["city_id"] = own.city_id
        return data
    default = {Role.PROVINCE_ADMIN: Organiser.PROVINCE, Role.CITY_ADMIN: Organiser.CITY_BUREAU}
    scoping.require(role in default)
    if not data.get("organiser_kind"):
        data["organiser_kind"] = default[role]  # type: ignore[index]
    if role == Role.CITY_ADMIN:
        if data["organiser_kind"] == Organiser.PROVINCE:
            raise PermissionDenied("a city bureau records what its city holds")
        data.pop("city", None)
        data["city_id"] = actor.city_id  # a city bureau records what happens in its city
    field = ORGANISER_FIELDS.get(data["organiser_kind"])
    if field and code and not data.get(field) and not data.get(f"{field}_id"):
        model = ORGANISER_MODELS[data["organiser_kind"]]
        data[field] = find_org(code, model, field="organiser_uscc")
    return data


def _organiser_name(obj: Organised) -> None:
    field = ORGANISER_FIELDS.get(obj.organiser_kind)  # type: ignore[call-overload]
    org = getattr(obj, field) if field else None
    if org is not None:
        obj.organiser_name = org.name
    elif obj.organiser_kind == Organiser.CITY_BUREAU and obj.city_id:
        obj.organiser_name = f"{obj.city.name}科技局"
    elif obj.organiser_kind == Organiser.PROVINCE:
        obj.organiser_name = str(_("省科技厅"))


def _create_organised(
    actor: Any,
    model: type[Organised],
    data: Mapping[str, Any],
    fields: tuple[str, ...],
    source: str,
) -> Any:
    payload = _organiser(actor, _pick(data, fields))
    obj = model()
    for name, value in payload.items():
        setattr(obj, name, value)
    _organiser_name(obj)
    return object_create(
        actor=actor,
        model=model,
        data={
            **payload,
            "organiser_name": obj.organiser_name,
            "created_by": user_or_none(actor),
        },
        source=source,
    )


def event_create(
    *, actor: Any, data: Mapping[str, Any], source: str = "web"
) -> MatchmakingActivity:
    """Record a roadshow, matchmaking or bank–enterprise session."""
    event: MatchmakingActivity = _create_organised(
        actor, MatchmakingActivity, data, EVENT_FIELDS, source
    )
    return event


def _participant_name(data: dict[str, Any]) -> None:
    code = data.pop("uscc", "")
    if code:
        org = find_org(code, *PARTICIPANT_MODELS.values(), field="uscc")
        key = next(k for k, m in PARTICIPANT_MODELS.items() if isinstance(org, m))
        data[key] = org
    orgs = [data[k] for k in PARTICIPANT_ORGS if data.get(k) is not None]
    if len(orgs) > 1:
        raise ValidationError(_("每条记录只填一个参与机构"), code="one_org")
    if orgs:
        data["name"] = orgs[0].name
    if not str(data.get("name") or "").strip():
        raise ValidationError({"name": _("请填写参与机构")}, code="required")


@transaction.atomic
def participant_add(
    *, actor: Any, event: MatchmakingActivity, data: Mapping[str, Any], source: str = "web"
) -> EventParticipant:
    scoping.require_edit(actor, event)
    payload = _pick(data, (*PARTICIPANT_ORGS, "name", "uscc"))
    _participant_name(payload)
    return object_create(
        actor=actor, model=EventParticipant, data={**payload, "event": event}, source=source
    )


def _contract(data: dict[str, Any]) -> TechContract:
    """The registered contract an outcome names, by record or by registration number."""
    contract = data.pop("contract", None)
    number = str(data.pop("contract_number", "") or "").strip()
    if contract is None and number:
        contract = TechContract.objects.filter(number=number).first()
    if contract is None or not contract.is_registered:
        raise ValidationError(
            {"contract_number": _("请填写已登记技术合同的登记号")}, code="contract"
        )
    return contract


@transaction.atomic
def outcome_add(
    *, actor: Any, event: MatchmakingActivity, data: Mapping[str, Any], source: str = "web"
) -> EventOutcome:
    """An intention, or a contract signed at or after the event, linked to its record."""
    scoping.require_edit(actor, event)
    payload = _pick(data, ("kind", "title", "parties", "amount", "contract", "contract_number"))
    if payload.get("kind") == EventOutcome.Kind.CONTRACT:
        contract = _contract(payload)
        if contract.signed_on < event.held_on:
            raise ValidationError(
                {"contract_number": _("合同签订日期早于活动日期")}, code="signed_before"
            )
        payload["contract"] = contract
        if not payload.get("title"):
            payload["title"] = contract.title
        if payload.get("amount") is None:
            payload["amount"] = contract.turnover
        if not payload.get("parties"):
            payload["parties"] = f"{contract.seller_name} — {contract.buyer_name}"
    else:
        payload.pop("contract", None)
        payload.pop("contract_number", None)
    return object_create(
        actor=actor, model=EventOutcome, data={**payload, "event": event}, source=source
    )


def _employer(payload: dict[str, Any]) -> Any:
    code = payload.pop("employer_uscc", "")
    if code:
        org = find_org(code, ServiceInstitution, Institution, field="employer_uscc")
        payload["institution" if isinstance(org, Institution) else "service_institution"] = org
    for name, model in (("service_institution", ServiceInstitution), ("institution", Institution)):
        obj = payload.get(name)
        if obj is None and payload.get(f"{name}_id"):
            obj = model.objects.get(pk=payload[f"{name}_id"])  # type: ignore[attr-defined]
        if obj is not None:
            return obj
    return None


def broker_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> Broker:
    """A broker's record, kept by its employer or by an admin within scope."""
    fields = ("name", "series", "level", "certified_on")
    payload = _pick(data, (*fields, "service_institution", "institution", "employer_uscc"))
    role = scoping.role_of(actor)
    org_id = getattr(actor, "organization_id", None)
    own = {Role.SERVICE: "service_institution_id", Role.INSTITUTION: "institution_id"}
    if role in own and org_id is not None:
        payload = {**_pick(payload, fields), own[role]: org_id}  # type: ignore[index]
    else:
        scoping.require(role in (Role.PROVINCE_ADMIN, Role.CITY_ADMIN))
    employer = _employer(payload)
    if employer is None:
        raise ValidationError({"service_institution": _("请选择所在单位")}, code="required")
    if role not in own:
        scoping.require(scoping.can_create(actor, Broker, city_id=employer.city_id))
    return object_create(
        actor=actor, model=Broker, data={**payload, "city_id": employer.city_id}, source=source
    )


def training_create(*, actor: Any, data: Mapping[str, Any], source: str = "web") -> TrainingSession:
    session: TrainingSession = _create_organised(
        actor, TrainingSession, data, SESSION_FIELDS, source
    )
    return session


@transaction.atomic
def attendance_add(
    *,
    actor: Any,
    session: TrainingSession,
    data: Mapping[str, Any],
    source: str = "web",
) -> TrainingAttendance:
    """A person at a course: a registered broker, or a person by name and employer."""
    scoping.require_edit(actor, session)
    payload = _pick(data, ("broker", "name", "employer", "passed"))
    broker = payload.get("broker")
    if broker is not None:
        payload["name"] = broker.name
        payload["employer"] = str(broker.employer)
    return object_create(
        actor=actor,
        model=TrainingAttendance,
        data={**payload, "session": session},
        source=source,
    )


# Edits change what a record says, not who keeps it: the organiser, the employer and the
# city stay, so a record cannot be moved out of the keeper's scope by editing it.
EVENT_EDIT = ("kind", "title", "held_on", "venue", "description")
SESSION_EDIT = ("kind", "topic", "starts_on", "ends_on")
BROKER_EDIT = ("name", "series", "level", "certified_on")


def _edit(
    actor: Any, obj: Any, data: Mapping[str, Any], fields: tuple[str, ...], source: str
) -> Any:
    obj = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    scoping.require_edit(actor, obj)
    return object_update(actor=actor, obj=obj, data=_pick(data, fields), source=source, check=False)


@transaction.atomic
def event_update(
    *, actor: Any, event: MatchmakingActivity, data: Mapping[str, Any], source: str = "web"
) -> MatchmakingActivity:
    updated: MatchmakingActivity = _edit(actor, event, data, EVENT_EDIT, source)
    return updated


@transaction.atomic
def training_update(
    *, actor: Any, session: TrainingSession, data: Mapping[str, Any], source: str = "web"
) -> TrainingSession:
    updated: TrainingSession = _edit(actor, session, data, SESSION_EDIT, source)
    return updated


@transaction.atomic
def broker_update(
    *, actor: Any, broker: Broker, data: Mapping[str, Any], source: str = "web"
) -> Broker:
    """A broker's name, title and date; attendance records keep the name they were taken
    with, so the people-trained counts still find the person (see `counts`)."""
    updated: Broker = _edit(actor, broker, data, BROKER_EDIT, source)
    return updated
