"""The tech-SME evaluation: register → self-assess → submit → formal review → 公示 → admit,
then spot checks, revocations and the annual re-evaluation.

The enterprise acts for itself; the formal review, the notice, admissions, revocations and
spot checks are the province's (the evaluation body works under the province admin role).
City bureaus see their city's applications but do not decide.
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
from kechuang.programs import assessment, deadlines
from kechuang.programs.models import (
    Admission,
    AdmissionSerial,
    EvaluationRegistration,
    NoticeBatch,
    Program,
    Revocation,
    SpotCheck,
    TechSMEApplication,
)
from kechuang.programs.services.common import (
    acts_for,
    event,
    lock,
    record,
    require_notice_over,
    require_province,
    require_reason,
    require_status,
    today,
)

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
    """The enterprise opens its account on the evaluation service (or an admin for it)."""
    scoping.require(acts_for(actor, enterprise) or scoping.can_edit(actor, enterprise))
    if EvaluationRegistration.objects.filter(enterprise=enterprise).exists():
        raise ValidationError(_("该企业已注册评价系统"), code="registered")
    reg = EvaluationRegistration(
        enterprise=enterprise,
        registered_on=today(on),
        registered_by=user_or_none(actor),
    )
    reg.full_clean()
    reg.save()
    event("registered", actor, enterprise=enterprise, program=Program.TECH_SME)
    record(actor, AuditEntry.Action.CREATE, reg, None, source)
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
    """Save the enterprise's figures for `year` with the engine's score and reasons; a draft
    (or an application returned for correction) until it is submitted."""
    scoping.require(acts_for(actor, enterprise))
    if not EvaluationRegistration.objects.filter(enterprise=enterprise).exists():
        raise ValidationError(_("请先注册评价系统"), code="not_registered")
    _require_not_barred(enterprise, year)
    app = (
        TechSMEApplication.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, status__in=TechSMEApplication.LIVE)
        .first()
    )
    if app is not None and app.status not in TechSMEApplication.EDITABLE:
        raise ValidationError(
            _("本年度的评价信息表已提交,不能再修改"), code="submitted", params={"year": year}
        )
    values = {k: v for k, v in figures.items() if k in assessment.TECH_SME_FIGURES}
    result = assessment.tech_sme(enterprise, year, values)
    before = audit.snapshot(app) if app is not None else None
    app = app or TechSMEApplication(enterprise=enterprise, year=year)
    app.figures = {"fiscal_year": year - 1, "values": assessment.to_json(values)}
    app.source_year = source_year
    app.spec_version = result.spec_version
    app.score = result.score
    app.verdict = result.verdict
    app.qualified_by = result.qualified_by
    app.result = result.result
    app.explanation = result.explanation
    app.full_clean()
    app.save()
    event("self_assessed", actor, application=app, score=app.score, verdict=app.verdict)
    action = AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE
    record(actor, action, app, before, source)
    return app


@transaction.atomic
def submit(
    *,
    actor: Any,
    application: TechSMEApplication,
    on: dt.date | None = None,
    source: str = "web",
) -> TechSMEApplication:
    """The enterprise submits its information form; the 5-working-day review starts."""
    app = lock(application)
    scoping.require(acts_for(actor, app.enterprise))
    require_status(app, *TechSMEApplication.EDITABLE)
    _require_not_barred(app.enterprise, app.year)
    if app.verdict != "pass":
        raise ValidationError(_("自评未达到评价标准,不能提交"), code="not_passing")
    before = audit.snapshot(app)
    app.submitted_on = today(on)
    app.review_due = deadlines.review_due(app.submitted_on)
    app.status = S.SUBMITTED
    app.save()
    event("submitted", actor, application=app, due=app.review_due.isoformat())
    record(actor, AuditEntry.Action.UPDATE, app, before, source)
    return app


@transaction.atomic
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
    require_province(actor)
    app = lock(application)
    require_status(app, S.SUBMITTED)
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": _("请选择审查结论")}, code="decision")
    if decision != "pass":
        require_reason(reason)
    before = audit.snapshot(app)
    app.reviewed_on = today(on)
    app.status = {"pass": S.PASSED_REVIEW, "return": S.RETURNED, "reject": S.REJECTED}[decision]
    app.save()
    overdue = bool(app.review_due and app.reviewed_on > app.review_due)
    kind = {"pass": "review_passed", "return": "returned", "reject": "rejected"}[decision]
    event(kind, actor, application=app, reason=reason.strip(), overdue=overdue)
    record(actor, AuditEntry.Action.UPDATE, app, before, source)
    return app


def allocate_number(year: int, county_id: str) -> tuple[int, str]:
    """The next serial and registration number of a county in a year. Inside a transaction."""
    counter, _created = AdmissionSerial.objects.get_or_create(year=year, county_id=county_id)
    counter = AdmissionSerial.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    letter = str(deadlines.setting("number_letter"))
    return counter.last, f"{year:04d}{county_id}{letter}{counter.last:07d}"


@transaction.atomic
def admit(
    *,
    actor: Any,
    application: TechSMEApplication,
    on: dt.date | None = None,
    source: str = "web",
) -> Admission:
    """After a notice that ended without an upheld or pending objection: admission with a
    registration number, valid until the end the year's spec sets."""
    require_province(actor)
    app = lock(application)
    require_status(app, S.IN_NOTICE)
    day = today(on)
    require_notice_over(app, day)
    _require_not_barred(app.enterprise, app.year)
    spec = assessment.spec_for(Program.TECH_SME, app.year)
    valid_to = deadlines.validity_end(app.year, spec.valid_until)
    if valid_to < day:
        raise ValidationError(
            _("%(year)s年度的入库有效期已于%(end)s结束"),
            code="validity_over",
            params={"year": app.year, "end": valid_to.isoformat()},
        )
    county = app.enterprise.region_id
    serial, number = allocate_number(app.year, county)
    admission = Admission(
        application=app,
        enterprise=app.enterprise,
        year=app.year,
        county_id=county,
        serial=serial,
        number=number,
        admitted_on=day,
        valid_from=day,
        valid_to=valid_to,
        admitted_by=user_or_none(actor),
    )
    admission.full_clean()
    admission.save()
    before = audit.snapshot(app)
    app.status = S.ADMITTED
    app.save(update_fields=["status", "updated_at"])
    event("admitted", actor, application=app, number=number, valid_to=valid_to.isoformat())
    record(actor, AuditEntry.Action.CREATE, admission, None, source)
    record(actor, AuditEntry.Action.UPDATE, app, before, source)
    return admission


@transaction.atomic
def conclude_notice(
    *, actor: Any, batch: NoticeBatch, on: dt.date | None = None, source: str = "web"
) -> tuple[list[Any], list[Any]]:
    """Admit (or file) every entry of an ended notice that nothing stands against.

    Returns (done, left): `left` holds (entry, messages) of the entries that could not be
    admitted yet, such as those with a pending objection.
    """
    from kechuang.programs.services import gradient

    require_province(actor)
    day = today(on)
    done: list[Any] = []
    left: list[Any] = []
    for entry in batch.entries.select_related("tech_sme", "gradient"):
        app = entry.application
        if app.status != app.Status.IN_NOTICE:
            continue
        try:
            with transaction.atomic():
                if isinstance(app, TechSMEApplication):
                    done.append(admit(actor=actor, application=app, on=day, source=source))
                else:
                    done.append(gradient.file(actor=actor, application=app, on=day, source=source))
        except ValidationError as exc:
            left.append((entry, exc.messages))
    if not left:
        before = audit.snapshot(batch)
        batch.concluded_on = day
        batch.save(update_fields=["concluded_on", "updated_at"])
        record(actor, AuditEntry.Action.UPDATE, batch, before, source)
    return done, left


@transaction.atomic
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
    require_province(actor)
    admission = lock(admission)
    if admission.revoked_on is not None:
        raise ValidationError(_("该入库登记编号已撤销"), code="revoked")
    if ground not in Revocation.Ground.values:
        raise ValidationError({"ground": _("请选择撤销理由")}, code="ground")
    day = today(on)
    revocation = Revocation(
        admission=admission,
        enterprise=admission.enterprise,
        year=admission.year,
        ground=ground,
        reason=reason.strip(),
        revoked_on=day,
        revoked_by=user_or_none(actor),
    )
    revocation.full_clean()
    revocation.save()
    before = audit.snapshot(admission)
    admission.revoked_on = day
    admission.save(update_fields=["revoked_on", "updated_at"])
    app = lock(admission.application)
    app_before = audit.snapshot(app)
    app.status = S.REVOKED
    app.save(update_fields=["status", "updated_at"])
    event(
        "revoked",
        actor,
        application=app,
        reason=revocation.reason,
        ground=ground,
        number=admission.number,
    )
    record(actor, AuditEntry.Action.CREATE, revocation, None, source)
    record(actor, AuditEntry.Action.UPDATE, admission, before, source)
    record(actor, AuditEntry.Action.UPDATE, app, app_before, source)
    return revocation


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
    require_province(actor)
    admission = lock(admission)
    if admission.revoked_on is not None:
        raise ValidationError(_("该入库登记编号已撤销"), code="revoked")
    if result not in SpotCheck.Result.values:
        raise ValidationError({"result": _("请选择抽查结果")}, code="result")
    failed = result in SpotCheck.FAILING
    if failed:
        require_reason(note, "note")
    check = SpotCheck(
        admission=admission,
        checked_on=today(on),
        result=result,
        note=note.strip(),
        checked_by=user_or_none(actor),
    )
    check.full_clean()
    check.save()
    kind = "spot_check_failed" if failed else "spot_check_passed"
    event(kind, actor, application=admission.application, reason=check.note, result=result)
    record(actor, AuditEntry.Action.CREATE, check, None, source)
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
    mark each one (an event and an audit entry apiece). Returns how many were marked."""
    require_province(actor)
    day = today(on)
    if year >= day.year:
        raise ValidationError({"year": _("只能对以往年度标记重新评价")}, code="year")
    admissions = list(
        Admission.objects.select_for_update()
        .select_related("application__enterprise")
        .filter(year=year, revoked_on__isnull=True, reevaluation_due_on__isnull=True)
    )
    entries = []
    for admission in admissions:
        before = audit.snapshot(admission)
        admission.reevaluation_due_on = day
        entries.append(
            audit.entry(
                actor,
                AuditEntry.Action.UPDATE,
                admission,
                before,
                audit.snapshot(admission),
                source=source,
            )
        )
        event("reevaluation_due", actor, application=admission.application, year=year + 1)
    Admission.objects.bulk_update(admissions, ["reevaluation_due_on"], batch_size=1000)
    audit.record_many(entries)
    return len(admissions)
