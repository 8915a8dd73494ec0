"""The tech-SME evaluation: register → self-assess → submit → formal review → 公示 → admit,
then spot checks, revocations and the annual re-evaluation. Concluding a notice (admitting
its entries at once) is the notice's service (`notices.services.conclude_notice`).

The steps and who may take them are declared in `techsme.workflow`; these services
perform them, adding what is particular (the engine's score, the registration number, the
revocation record).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit, scoping
from kechuang.core.audit import user_or_none
from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.core.workflow import acts_for, day, province
from kechuang.programs import assessment, deadlines
from kechuang.programs.common import Program, created, event, perform_writing
from kechuang.programs.notices.selectors import require_notice_over
from kechuang.programs.techsme.models import (
    Admission,
    AdmissionSerial,
    EvaluationRegistration,
    Revocation,
    SpotCheck,
    TechSMEApplication,
)
from kechuang.programs.techsme.workflow import TECH_SME

S = TechSMEApplication.Status
REVIEW_DECISIONS = ("pass", "return", "reject")


def is_barred(enterprise: Any, year: int) -> bool:
    """Revoked in `year`: no new admission in the same evaluation year."""
    return Revocation.objects.filter(enterprise=enterprise, year=year).exists()


def _require_not_barred(enterprise: Any, year: int) -> None:
    if is_barred(enterprise, year):
        raise ValidationError(
            _("本年度入库登记编号已被撤销,当年不得再次入库"), code="barred", params={"year": year}
        )


@transaction.atomic
def registration_create(
    *, actor: Any, enterprise: Any, on: dt.date | None = None, source: str = "web"
) -> EvaluationRegistration:
    """The enterprise opens its account on the evaluation service (or an admin for it).

    A registration has no state, so no workflow: the permission, the event row and the audit
    entry are this service's."""
    scoping.require(
        acts_for(actor, enterprise.pk, Role.ENTERPRISE) or scoping.can_edit(actor, enterprise)
    )
    if EvaluationRegistration.objects.filter(enterprise=enterprise).exists():
        raise ValidationError(_("该企业已注册评价系统"), code="registered")
    reg = EvaluationRegistration(
        enterprise=enterprise, registered_on=day(on), registered_by=user_or_none(actor)
    )
    reg.full_clean()
    reg.save()
    event("registered", actor, enterprise=enterprise, program=Program.TECH_SME)
    created(actor, reg, source)
    return reg


@transaction.atomic
def self_assess(
    *,
    actor: Any,
    enterprise: Any,
    year: int,
    figures: Mapping[str, Any],
    source_year: Any = None,
    source: str = "web",
) -> TechSMEApplication:
    """Save the enterprise's figures for `year` with the engine's score and reasons: a new
    draft, or the workflow's `assess` of a draft (or returned) application.

    A new draft is a creation (a row in its initial state), not a transition: the permission,
    the event row and the audit entry are written here, as `perform` does for `assess`."""
    scoping.require(acts_for(actor, enterprise.pk, Role.ENTERPRISE))
    if not EvaluationRegistration.objects.filter(enterprise=enterprise).exists():
        raise ValidationError(_("请先注册评价系统"), code="not_registered")
    _require_not_barred(enterprise, year)
    values = {k: v for k, v in figures.items() if k in assessment.TECH_SME_FIGURES}
    result = assessment.tech_sme(enterprise, year, values)

    def fill(app: TechSMEApplication) -> dict[str, Any]:
        app.figures = {"fiscal_year": year - 1, "values": assessment.to_json(values)}
        app.source_year = source_year
        app.spec_version = result.spec_version
        app.score = result.score
        app.verdict = result.verdict
        app.qualified_by = result.qualified_by
        app.result = result.result
        app.explanation = result.explanation
        app.full_clean()
        return {"score": app.score, "verdict": app.verdict}

    live = TechSMEApplication.objects.filter(
        enterprise=enterprise, year=year, status__in=TechSMEApplication.LIVE
    ).first()
    if live is not None:
        return TECH_SME.perform("assess", actor=actor, obj=live, source=source, change=fill)
    app = TechSMEApplication(enterprise=enterprise, year=year)
    data = fill(app)
    app.save()
    event("self_assessed", actor, application=app, **data)
    created(actor, app, source)
    return app


def submit(
    *, actor: Any, application: TechSMEApplication, on: dt.date | None = None, source: str = "web"
) -> TechSMEApplication:
    """The enterprise submits its information form; the 5-working-day review starts."""
    when = day(on)
    return TECH_SME.perform(
        "submit",
        actor=actor,
        obj=application,
        on=when,
        source=source,
        change=lambda app: _require_not_barred(app.enterprise, app.year),
        data={"due": deadlines.review_due(when)},
    )


def review(
    *,
    actor: Any,
    application: TechSMEApplication,
    decision: str,
    reason: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> TechSMEApplication:
    """Formal review: pass (on to the notice), return for correction, or reject."""
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": _("请选择审查结论")}, code="decision")
    when = day(on)

    def stamp(app: TechSMEApplication) -> dict[str, Any]:
        app.reviewed_on = when
        return {"overdue": bool(app.review_due and when > app.review_due)}

    return TECH_SME.perform(
        decision, actor=actor, obj=application, reason=reason, source=source, change=stamp
    )


def allocate_number(year: int, county_id: str) -> tuple[int, str]:
    """The next serial and registration number of a county in a year. Inside a transaction."""
    counter, _created = AdmissionSerial.objects.get_or_create(year=year, county_id=county_id)
    counter = AdmissionSerial.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    letter = str(deadlines.setting("number_letter"))
    return counter.last, f"{year:04d}{county_id}{letter}{counter.last:07d}"


def admit(
    *, actor: Any, application: TechSMEApplication, on: dt.date | None = None, source: str = "web"
) -> Admission:
    """After a notice that ended without an upheld or pending objection: admission with a
    registration number, valid until the end the year's spec sets."""
    when = day(on)

    def enter(app: TechSMEApplication) -> tuple[Admission, dict[str, Any]]:
        require_notice_over(app, when)
        _require_not_barred(app.enterprise, app.year)
        spec = assessment.spec_for(Program.TECH_SME, app.year)
        valid_to = deadlines.validity_end(app.year, spec.valid_until)
        if valid_to < when:
            raise ValidationError(
                _("%(year)s年度的入库有效期已于%(end)s结束"),
                code="validity_over",
                params={"year": app.year, "end": valid_to.isoformat()},
            )
        serial, number = allocate_number(app.year, app.enterprise.region_id)
        admission = Admission(
            application=app,
            enterprise=app.enterprise,
            year=app.year,
            county_id=app.enterprise.region_id,
            serial=serial,
            number=number,
            admitted_on=when,
            valid_from=when,
            valid_to=valid_to,
            admitted_by=user_or_none(actor),
        )
        admission.full_clean()
        admission.save()
        created(actor, admission, source)
        return admission, {"number": number, "valid_to": valid_to}

    return perform_writing(
        TECH_SME, "admit", actor=actor, obj=application, source=source, write=enter
    )


def revoke(
    *,
    actor: Any,
    admission: Admission,
    ground: str,
    reason: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> Revocation:
    """Revoke an admission on a ground of the rulebook; bars re-admission that year."""
    if ground not in Revocation.Ground.values:
        raise ValidationError({"ground": _("请选择撤销理由")}, code="ground")
    when = day(on)

    def withdraw(app: TechSMEApplication) -> tuple[Revocation, dict[str, Any]]:
        row = Admission.objects.select_for_update().get(pk=admission.pk)
        revocation = Revocation(
            admission=row,
            enterprise=row.enterprise,
            year=row.year,
            ground=ground,
            reason=reason.strip(),
            revoked_on=when,
            revoked_by=user_or_none(actor),
        )
        revocation.full_clean()
        revocation.save()
        created(actor, revocation, source)
        before = audit.snapshot(row)
        row.revoked_on = when
        row.save(update_fields=["revoked_on", "updated_at"])
        audit.record(
            actor, AuditEntry.Action.UPDATE, row, before, audit.snapshot(row), source=source
        )
        return revocation, {"ground": ground, "number": row.number}

    return perform_writing(
        TECH_SME,
        "revoke",
        actor=actor,
        obj=admission.application,
        reason=reason,
        source=source,
        write=withdraw,
    )


@transaction.atomic
def spot_check(
    *,
    actor: Any,
    admission: Admission,
    result: str,
    note: str = "",
    on: dt.date | None = None,
    source: str = "web",
) -> SpotCheck:
    """Record a spot check; a failed one (or no materials) revokes the admission."""
    if result not in SpotCheck.Result.values:
        raise ValidationError({"result": _("请选择抽查结果")}, code="result")
    failed = result in SpotCheck.FAILING

    def record(app: TechSMEApplication) -> tuple[SpotCheck, dict[str, Any]]:
        check = SpotCheck(
            admission=admission,
            checked_on=day(on),
            result=result,
            note=note.strip(),
            checked_by=user_or_none(actor),
        )
        check.full_clean()
        check.save()
        created(actor, check, source)
        return check, {"result": result}

    name = "spot_check_failed" if failed else "spot_check_passed"
    check = perform_writing(
        TECH_SME,
        name,
        actor=actor,
        obj=admission.application,
        reason=note,
        source=source,
        write=record,
    )
    if failed:
        revoke(
            actor=actor,
            admission=admission,
            ground=Revocation.Ground.SPOT_CHECK,
            reason=check.note,
            on=on,
            source=source,
        )
    return check


@transaction.atomic
def mark_reevaluation(
    *, actor: Any, year: int, on: dt.date | None = None, source: str = "web"
) -> int:
    """Admissions of a past evaluation year that are still in force must be evaluated again:
    mark each one (an event and an audit entry apiece). Returns how many were marked.

    Not a transition: the application stays admitted; only its admission is marked."""
    scoping.require(province(actor, None))
    when = day(on)
    if year >= when.year:
        raise ValidationError({"year": _("只能对以往年度标记重新评价")}, code="year")
    admissions = list(
        Admission.objects.select_for_update()
        .select_related("application__enterprise")
        .filter(year=year, revoked_on__isnull=True, reevaluation_due_on__isnull=True)
    )
    entries = []
    for admission in admissions:
        before = audit.snapshot(admission)
        admission.reevaluation_due_on = when
        after = audit.snapshot(admission)
        entries.append(
            audit.entry(actor, AuditEntry.Action.UPDATE, admission, before, after, source=source)
        )
        event("reevaluation_due", actor, application=admission.application, year=year + 1)
    Admission.objects.bulk_update(admissions, ["reevaluation_due_on"], batch_size=1000)
    audit.record_many(entries)
    return len(admissions)
