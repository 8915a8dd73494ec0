"""Registration of technology contracts: submit, accept, decide, amend, cancel, import.

The steps, who may take them and the events they record are declared once in
`market.contracts.workflow`; these services add what is particular to each step (the
parties resolved and the value derived on submission, the registration number allocated).
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

from kechuang.core import audit, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry, Region
from kechuang.core.roles import Role
from kechuang.core.workflow import day
from kechuang.market.contracts import offices, regnumber
from kechuang.market.contracts.models import (
    REFUSAL_GROUNDS,
    ContractDeduction,
    ContractEvent,
    RegistrationCounter,
    RegistrationOffice,
    TechContract,
)
from kechuang.market.contracts.workflow import (
    CONTRACT,
    decision_due,
    needs_expert_review,
    registrar,
    submitting_party,
)

__all__ = ["decision_due", "needs_expert_review"]  # re-exported: callers import them here

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


def _validate(contract: TechContract) -> None:
    """Fields, uniqueness and `TechContract.clean`, which states the table's check
    constraints in Python: Django's own validation of those runs one query per constraint,
    and on a bulk import it cost more than everything else together. The database still
    enforces them."""
    contract.full_clean(validate_constraints=False)


# A second identical submission by the same user within this time is a form sent twice (a
# double click, a retried request), not a second contract.
RESUBMISSION_WINDOW = dt.timedelta(minutes=10)


def _refuse_resubmission(contract: TechContract, actor: Any, source: str) -> None:
    """Refuse the same contract sent again: same parties, amount, signing date and title.
    A file of legacy contracts may hold look-alikes on purpose; its rows are not checked."""
    user = user_or_none(actor)
    if user is None or source == "import":
        return
    again = TechContract.objects.filter(
        submitted_by=user,
        submitted_at__gte=timezone.now() - RESUBMISSION_WINDOW,
        title=contract.title,
        seller_name=contract.seller_name,
        buyer_name=contract.buyer_name,
        turnover=contract.turnover,
        signed_on=contract.signed_on,
    ).exclude(status=S.CANCELLED)
    if again.exists():
        raise ValidationError(
            _("该合同刚刚已提交登记(当事人、金额、签订日期与名称相同),请勿重复提交"),
            code="duplicate_submission",
        )


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
    if not (registrar(actor, contract) or submitting_party(actor, contract)):
        raise PermissionDenied("only the seller side or its registration office submits")
    _refuse_resubmission(contract, actor, source)
    contract.status = S.SUBMITTED
    contract.submitted_at = timezone.now()
    contract.submitted_by = user_or_none(actor)
    _validate(contract)
    contract.save()
    for d in items:
        d.contract = contract
    ContractDeduction.objects.bulk_create(items)
    ContractEvent.emit(
        "submitted", actor=actor, contract=contract, deductions=[str(d.amount) for d in items]
    )
    audit.record(
        actor, AuditEntry.Action.CREATE, contract, None, audit.snapshot(contract), source=source
    )
    return contract


@transaction.atomic
def contract_accept(
    *,
    actor: Any,
    contract: TechContract,
    on: dt.date | None = None,
    disputed: bool | None = None,
    source: str = "web",
) -> TechContract:
    """The registration office accepts the file; the decision deadline starts to run. A
    disputed or large contract goes on to expert review at once."""
    accepted_on = day(on)

    def change(c: TechContract) -> None:
        if disputed is not None:
            c.disputed = disputed
        c.accepted_on = accepted_on
        c.office = offices.office_for_city(c.city_id)

    contract = CONTRACT.perform(
        "accept", actor=actor, obj=contract, on=on, source=source, change=change
    )
    if needs_expert_review(contract):
        contract = CONTRACT.perform(
            "refer",
            actor=actor,
            obj=contract,
            on=accepted_on,
            source=source,
            change=_refer,
        )
    return contract


def _refer(c: TechContract) -> dict[str, str]:
    c.expert_review = True
    return {"cause": "disputed" if c.disputed else "value"}


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

    def number(c: TechContract) -> dict[str, str]:
        c.office = c.office or offices.office_for_city(c.city_id)
        c.registered_on = day(on)
        c.number = allocate_number(c.office, c.registered_on.year)
        return {"number": c.number}

    def refusal(_c: TechContract) -> dict[str, str]:
        if ground not in REFUSAL_GROUNDS:
            raise ValidationError({"ground": _("请选择不予登记的理由")}, code="ground")
        return {"ground": ground}

    return CONTRACT.perform(
        "register" if register else "refuse",
        actor=actor,
        obj=contract,
        reason=reason,
        on=on,
        source=source,
        change=number if register else refusal,
    )


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

    def change(c: TechContract) -> dict[str, Any]:
        before = audit.snapshot(c)
        for name, value in _allowed(data, AMENDABLE).items():
            setattr(c, name, value)
        items = _deductions(deductions) if deductions is not None else list(c.deductions.all())
        city = c.city_id
        _derive(c, items)
        if c.city_id != city:
            raise ValidationError(_("变更不能改变合同的登记地"), code="city_changed")
        _validate(c)
        if deductions is not None:
            c.deductions.all().delete()
            for d in items:
                d.contract = c
            ContractDeduction.objects.bulk_create(items)
        return {"changes": audit.diff(before, audit.snapshot(c))}

    return CONTRACT.perform(
        "amend", actor=actor, obj=contract, reason=reason, source=source, change=change
    )


def contract_cancel(
    *, actor: Any, contract: TechContract, reason: str, source: str = "web"
) -> TechContract:
    """Withdraw a pending submission (the seller side), or cancel a pending or registered
    contract (the registration office)."""
    name = "withdraw" if CONTRACT.may(actor, contract, "withdraw") else "cancel"
    return CONTRACT.perform(name, actor=actor, obj=contract, reason=reason, source=source)


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
    scoping.require(registrar(actor, contract))
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
    ContractEvent.emit("imported", actor=actor, contract=contract)
    ContractEvent.emit("registered", actor=actor, contract=contract, number=contract.number)
    audit.record(
        actor, AuditEntry.Action.UPDATE, contract, before, audit.snapshot(contract), source=source
    )
    return contract
