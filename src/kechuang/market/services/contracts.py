"""Registration of technology contracts: submit, accept, decide, amend, cancel.

Each service is one transaction: it checks the actor, changes the contract, writes an event
row and an audit entry. Registration work (accept, decide, amend, cancel a registered
contract) belongs to the registration office of the contract's city: the city bureau's
admins, or the province's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, calendar, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry, Region
from kechuang.core.roles import Role
from kechuang.market import offices, regnumber
from kechuang.market.models import (
    EXPERT_REVIEW_THRESHOLD,
    REFUSAL_GROUNDS,
    ContractDeduction,
    ContractEvent,
    RegistrationCounter,
    RegistrationOffice,
    TechContract,
)

REVIEW_DAYS = 15
EXPERT_REVIEW_DAYS = 30
S = TechContract.Status

# Fields a party fills in; the rest (status, dates of the procedure, number) are the system's.
CONTRACT_FIELDS = (
    "title",
    "type",
    "subtype",
    "seller_enterprise",
    "seller_institution",
    "seller_name",
    "seller_kind",
    "seller_region_code",
    "seller_country",
    "buyer_enterprise",
    "buyer_institution",
    "buyer_name",
    "buyer_region_code",
    "buyer_country",
    "turnover",
    "signed_on",
    "effective_on",
    "valid_until",
    "field",
    "ip_type",
    "plan_level",
    "licence_exclusive",
    "licence_years",
    "disputed",
    "attachment",
)
AMENDABLE = tuple(
    f for f in CONTRACT_FIELDS if f not in ("seller_enterprise", "seller_institution")
)

_INSTITUTION_KINDS = {
    "university": TechContract.SellerKind.UNIVERSITY,
    "institute": TechContract.SellerKind.INSTITUTE,
    # New-type R&D institutions are counted with the research institutes.
    "new_rd": TechContract.SellerKind.INSTITUTE,
}


def _allowed(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The items of `data` that a party may set (a foreign key also as `<name>_id`)."""
    return {k: v for k, v in data.items() if k in names or k.removesuffix("_id") in names}


def _resolve_parties(data: Mapping[str, Any], actor: Any) -> dict[str, Any]:
    """Parties named by USCC become links to the registry; an organisation user sells as
    itself unless it names another seller."""
    from kechuang.registry.models import Enterprise, Institution

    out = dict(data)
    for side in ("seller", "buyer"):
        code = (out.pop(f"{side}_uscc", "") or "").strip().upper()
        if not code:
            continue
        org = Enterprise.objects.filter(uscc=code).first()
        if org is not None:
            out[f"{side}_enterprise"] = org
            continue
        inst = Institution.objects.filter(uscc=code).first()
        if inst is None:
            raise ValidationError(
                {f"{side}_name": _("统一社会信用代码未在本省登记:%(code)s")},
                code="unknown_uscc",
                params={"code": code},
            )
        out[f"{side}_institution"] = inst
    has_seller = any(out.get(k) for k in ("seller_enterprise", "seller_institution", "seller_name"))
    org_id = getattr(actor, "organization_id", None)
    role = scoping.role_of(actor)
    if not has_seller and org_id is not None:
        if role == Role.ENTERPRISE:
            out["seller_enterprise"] = Enterprise.objects.get(pk=org_id)
        elif role == Role.INSTITUTION:
            out["seller_institution"] = Institution.objects.get(pk=org_id)
    return out


def _city_of_code(code: str) -> str | None:
    if len(code) != 6 or not code.isdigit():
        return None
    city = code[:4] + "00"
    return city if Region.objects.filter(code=city, level="city").exists() else None


def _fill_party(contract: TechContract, side: str) -> None:
    """Name, kind, region and city of a party from its registry record, when it has one."""
    enterprise = getattr(contract, f"{side}_enterprise")
    institution = getattr(contract, f"{side}_institution")
    org = enterprise or institution
    if org is not None:
        setattr(contract, f"{side}_name", org.name)
        setattr(contract, f"{side}_region_code", org.region_id)
        setattr(contract, f"{side}_country", "CN")
        setattr(contract, f"{side}_city_id", org.city_id)
        if side == "seller":
            contract.seller_kind = (
                TechContract.SellerKind.ENTERPRISE
                if enterprise is not None
                else _INSTITUTION_KINDS.get(institution.kind, TechContract.SellerKind.OTHER)
            )
        return
    country = getattr(contract, f"{side}_country") or "CN"
    code = getattr(contract, f"{side}_region_code") or ""
    setattr(contract, f"{side}_city_id", _city_of_code(code) if country == "CN" else None)
    if side == "seller" and not contract.seller_kind:
        contract.seller_kind = TechContract.SellerKind.OTHER


def _derive(contract: TechContract, deductions: list[ContractDeduction]) -> None:
    _fill_party(contract, "seller")
    _fill_party(contract, "buyer")
    # Registered where the seller is; for a technology import, where the domestic buyer is.
    city = contract.buyer_city_id if contract.is_import else contract.seller_city_id
    if city is None:
        raise ValidationError(
            _("卖方(技术引进时为买方)不在本省,合同应在其所在地登记"), code="not_local"
        )
    contract.city_id = city
    deducted = sum((d.amount for d in deductions), Decimal("0.00"))
    if contract.turnover is not None:
        if deducted > contract.turnover:
            raise ValidationError(
                {"turnover": _("非技术性费用合计不能大于成交额")}, code="deductions_exceed"
            )
        contract.tech_value = contract.turnover - deducted


def _deductions(items: Iterable[Mapping[str, Any]]) -> list[ContractDeduction]:
    out = []
    for item in items:
        d = ContractDeduction(
            kind=item["kind"],
            amount=Decimal(str(item["amount"])),
            description=item.get("description", ""),
        )
        d.full_clean(exclude=["contract"])
        out.append(d)
    return out


def _is_registrar(actor: Any, contract: TechContract) -> bool:
    role = scoping.role_of(actor)
    if role == Role.PROVINCE_ADMIN:
        return True
    return role == Role.CITY_ADMIN and actor.city_id == contract.city_id


def _is_submitting_party(actor: Any, contract: TechContract) -> bool:
    role = scoping.role_of(actor)
    org = getattr(actor, "organization_id", None)
    if org is None:
        return False
    side = "buyer" if contract.is_import else "seller"
    if role == Role.ENTERPRISE:
        return bool(getattr(contract, f"{side}_enterprise_id") == org)
    if role == Role.INSTITUTION:
        return bool(getattr(contract, f"{side}_institution_id") == org)
    return False


def can_register(actor: Any, contract: TechContract) -> bool:
    return _is_registrar(actor, contract)


def _event(
    contract: TechContract, kind: str, actor: Any, reason: str = "", ground: str = "", **data: Any
) -> ContractEvent:
    return ContractEvent.emit(
        kind, actor=actor, reason=reason, contract=contract, ground=ground, **data
    )


def _require_status(contract: TechContract, *allowed: str) -> None:
    if contract.status not in allowed:
        raise ValidationError(
            _("合同当前状态为“%(status)s”,不能执行此操作"),
            code="bad_status",
            params={"status": contract.get_status_display()},
        )


def _validate(contract: TechContract) -> None:
    """Fields, uniqueness and `TechContract.clean`, which states the table's check
    constraints in Python: Django's own validation of those runs one query per constraint,
    and on a bulk import it cost more than everything else together. The database still
    enforces them."""
    contract.full_clean(validate_constraints=False)


def _lock(contract: TechContract) -> TechContract:
    return TechContract.objects.select_for_update().get(pk=contract.pk)


@transaction.atomic
def contract_submit(
    *,
    actor: Any,
    data: Mapping[str, Any],
    deductions: Iterable[Mapping[str, Any]] = (),
    source: str = "web",
) -> TechContract:
    """The seller side (or an admin for it) submits a contract for registration."""
    data = _resolve_parties(data, actor)
    contract = TechContract(**_allowed(data, CONTRACT_FIELDS))
    items = _deductions(deductions)
    _derive(contract, items)
    if not (_is_registrar(actor, contract) or _is_submitting_party(actor, contract)):
        raise PermissionDenied("only the seller side or its registration office submits")
    contract.status = S.SUBMITTED
    contract.submitted_at = timezone.now()
    contract.submitted_by = user_or_none(actor)
    _validate(contract)
    contract.save()
    for d in items:
        d.contract = contract
    ContractDeduction.objects.bulk_create(items)
    _event(contract, "submitted", actor, deductions=[str(d.amount) for d in items])
    audit.record(
        actor, AuditEntry.Action.CREATE, contract, None, audit.snapshot(contract), source=source
    )
    return contract


def decision_due(accepted_on: dt.date, *, expert_review: bool) -> dt.date:
    days = EXPERT_REVIEW_DAYS if expert_review else REVIEW_DAYS
    return calendar.add_workdays(accepted_on, days)


def needs_expert_review(contract: TechContract) -> bool:
    return bool(contract.disputed or (contract.tech_value or 0) >= EXPERT_REVIEW_THRESHOLD)


@transaction.atomic
def contract_accept(
    *,
    actor: Any,
    contract: TechContract,
    on: dt.date | None = None,
    disputed: bool | None = None,
    source: str = "web",
) -> TechContract:
    """The registration office accepts the file; the decision deadline starts to run."""
    contract = _lock(contract)
    scoping.require(_is_registrar(actor, contract))
    _require_status(contract, S.SUBMITTED)
    before = audit.snapshot(contract)
    if disputed is not None:
        contract.disputed = disputed
    contract.accepted_on = on or timezone.localdate()
    contract.office = offices.office_for_city(contract.city_id)
    contract.expert_review = needs_expert_review(contract)
    contract.decision_due = decision_due(contract.accepted_on, expert_review=contract.expert_review)
    contract.status = S.EXPERT_REVIEW if contract.expert_review else S.ACCEPTED
    contract.save()
    _event(contract, "accepted", actor, due=contract.decision_due.isoformat())
    if contract.expert_review:
        why = "disputed" if contract.disputed else "value"
        _event(contract, "expert_review", actor, cause=why)
    audit.record(
        actor, AuditEntry.Action.UPDATE, contract, before, audit.snapshot(contract), source=source
    )
    return contract


def allocate_number(office: RegistrationOffice, year: int) -> str:
    """The next registration number of `office` in `year`. Call inside a transaction."""
    counter, _created = RegistrationCounter.objects.get_or_create(office=office, year=year)
    counter = RegistrationCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return regnumber.make(
        year=year,
        province=office.province,
        prefecture=office.prefecture,
        office=office.code,
        serial=counter.last,
    )


@transaction.atomic
def contract_decide(
    *,
    actor: Any,
    contract: TechContract,
    register: bool,
    ground: str = "",
    reason: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> TechContract:
    """Register the contract (a number is allocated) or refuse it on a stated ground."""
    contract = _lock(contract)
    scoping.require(_is_registrar(actor, contract))
    _require_status(contract, S.ACCEPTED, S.EXPERT_REVIEW)
    before = audit.snapshot(contract)
    day = on or timezone.localdate()
    if register:
        office = contract.office or offices.office_for_city(contract.city_id)
        contract.office = office
        contract.number = allocate_number(office, day.year)
        contract.registered_on = day
        contract.status = S.REGISTERED
        contract.save()
        _event(contract, "registered", actor, reason, number=contract.number)
    else:
        if ground not in REFUSAL_GROUNDS:
            raise ValidationError({"ground": _("请选择不予登记的理由")}, code="ground")
        contract.status = S.REFUSED
        contract.save()
        _event(contract, "refused", actor, reason, ground=ground)
    audit.record(
        actor, AuditEntry.Action.UPDATE, contract, before, audit.snapshot(contract), source=source
    )
    return contract


@transaction.atomic
def contract_amend(
    *,
    actor: Any,
    contract: TechContract,
    data: Mapping[str, Any],
    deductions: Iterable[Mapping[str, Any]] | None = None,
    reason: str = "",
    source: str = "web",
) -> TechContract:
    """Register a change to a registered contract (变更登记); its number stays."""
    contract = _lock(contract)
    scoping.require(_is_registrar(actor, contract))
    _require_status(contract, S.REGISTERED)
    before = audit.snapshot(contract)
    for name, value in _allowed(data, AMENDABLE).items():
        setattr(contract, name, value)
    items = _deductions(deductions) if deductions is not None else list(contract.deductions.all())
    city = contract.city_id
    _derive(contract, items)
    if contract.city_id != city:
        raise ValidationError(_("变更不能改变合同的登记地"), code="city_changed")
    _validate(contract)
    contract.save()
    if deductions is not None:
        contract.deductions.all().delete()
        for d in items:
            d.contract = contract
        ContractDeduction.objects.bulk_create(items)
    after = audit.snapshot(contract)
    _event(contract, "amended", actor, reason, changes=audit.diff(before, after))
    audit.record(actor, AuditEntry.Action.UPDATE, contract, before, after, source=source)
    return contract


@transaction.atomic
def contract_cancel(
    *, actor: Any, contract: TechContract, reason: str, source: str = "web"
) -> TechContract:
    """Withdraw a pending submission, or register the termination of a registered contract."""
    contract = _lock(contract)
    _require_status(contract, S.SUBMITTED, S.ACCEPTED, S.EXPERT_REVIEW, S.REGISTERED)
    allowed = _is_registrar(actor, contract) or (
        contract.status == S.SUBMITTED and _is_submitting_party(actor, contract)
    )
    scoping.require(allowed)
    if not reason.strip():
        raise ValidationError({"reason": _("请说明注销理由")}, code="reason")
    before = audit.snapshot(contract)
    contract.status = S.CANCELLED
    contract.save()
    _event(contract, "cancelled", actor, reason)
    audit.record(
        actor, AuditEntry.Action.UPDATE, contract, before, audit.snapshot(contract), source=source
    )
    return contract


@transaction.atomic
def contract_register_existing(
    *,
    actor: Any,
    data: Mapping[str, Any],
    deductions: Iterable[Mapping[str, Any]] = (),
    registered_on: dt.date,
    number: str | None = None,
    source: str = "import",
) -> TechContract:
    """Record a contract registered before (a legacy file): submitted and registered at once,
    keeping its number when it has one. For the registration office of its city only."""
    contract = contract_submit(actor=actor, data=data, deductions=deductions, source=source)
    scoping.require(_is_registrar(actor, contract))
    before = audit.snapshot(contract)
    contract.office = offices.office_for_city(contract.city_id)
    if number:
        regnumber.parse(number)
        if TechContract.objects.filter(number=number).exists():
            raise ValidationError({"number": _("登记号已存在")}, code="number_taken")
        contract.number = number
    else:
        contract.number = allocate_number(contract.office, registered_on.year)
    contract.accepted_on = registered_on
    contract.registered_on = registered_on
    contract.status = S.REGISTERED
    _validate(contract)
    contract.save()
    _event(contract, "imported", actor)
    _event(contract, "registered", actor, number=contract.number)
    audit.record(
        actor, AuditEntry.Action.UPDATE, contract, before, audit.snapshot(contract), source=source
    )
    return contract
