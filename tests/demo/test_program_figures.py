"""The programs of the demo province yield the bulletin's figures when the programs' own
selectors are counted by date: tech-SME registrations (F15, F16) and admissions (F17),
gradient certifications (F18, F19). Counts of enterprises scale with --scale."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.core.models import User
from kechuang.programs.gradient import selectors as gradient
from kechuang.programs.gradient.models import GradientCertification
from kechuang.programs.points.models import PointsPilotZone
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun
from kechuang.programs.techsme import selectors
from kechuang.programs.techsme.models import Admission, EvaluationRegistration, TechSMEApplication
from kechuang.programs.techsme.services import allocate_number
from kechuang.registry.models import Enterprise
from tests.demo.conftest import SCALE

pytestmark = pytest.mark.django_db

START, END = dt.date(2023, 1, 1), dt.date(2023, 6, 30)
PRIOR_START, PRIOR_END = dt.date(2022, 1, 1), dt.date(2022, 6, 30)


def scaled(n: object) -> int:
    return round(int(n) * SCALE)  # type: ignore[call-overload]


def province() -> User:
    return User.objects.get(username="province")


def test_registrations_new_and_total(demo, targets):
    regs = selectors.registration_list(user=province())
    assert regs.filter(registered_on__range=(START, END)).count() == scaled(targets.count("F15"))
    assert regs.filter(registered_on__lte=PRIOR_END).count() == scaled(targets.prior["F16"])
    # The total is the sum of its scaled parts: within rounding of the scaled figure.
    assert abs(regs.filter(registered_on__lte=END).count() - targets.count("F16") * SCALE) <= 2
    assert not regs.filter(registered_on__gt=END).exists()
    for reg in regs.select_related("enterprise")[:50]:
        assert reg.enterprise.founded_on is None or reg.registered_on >= reg.enterprise.founded_on


def test_admissions_by_date_with_registration_numbers(demo, targets):
    adms = selectors.admission_list(user=province())
    assert adms.filter(admitted_on__range=(START, END)).count() == scaled(targets.count("F17"))
    assert adms.filter(admitted_on__range=(PRIOR_START, PRIOR_END)).count() == scaled(
        targets.prior["F17"]
    )
    registered = dict(EvaluationRegistration.objects.values_list("enterprise_id", "registered_on"))
    for adm in Admission.objects.select_related("application").order_by("?")[:50]:
        adm.full_clean()
        assert adm.application.status == "admitted" and adm.application.year == adm.year
        assert registered[adm.enterprise_id] < adm.admitted_on
        assert adm.number.startswith(f"{adm.year}{adm.county_id}")
        assert adm.application.events.get(kind="admitted").data["number"] == adm.number
    # An admission through the services continues the county's series.
    last = Admission.objects.filter(year=2023).order_by("-serial").first()
    serial, number = allocate_number(2023, last.county_id)
    assert serial == last.serial + 1 and not Admission.objects.filter(number=number).exists()


def test_admitted_enterprises_pass_the_stored_run_of_their_year(demo, targets):
    year = targets.period.year
    runs = {r.year: r for r in EvaluationRun.objects.filter(program="tech-sme", source="demo")}
    assert set(runs) == {year - 1, year}
    for y, run in runs.items():
        assert run.status == "done" and run.spec_version == f"tech-sme/{y}.1"
        assert run.evaluated == EvaluationResult.objects.filter(run=run).count() > 0
        passed = set(run.results.filter(verdict="pass").values_list("enterprise_id", flat=True))
        admitted = set(Admission.objects.filter(year=y).values_list("enterprise_id", flat=True))
        assert admitted and admitted <= passed
        # Registered enterprises that fail the rules exist, and none of them is admitted.
        failed = set(run.results.exclude(verdict="pass").values_list("enterprise_id", flat=True))
        registered = set(EvaluationRegistration.objects.values_list("enterprise_id", flat=True))
        assert failed & registered and not failed & admitted
    # Each application records its result in the run: verdict, score, explanation.
    for app in TechSMEApplication.objects.order_by("?")[:40]:
        got = runs[app.year].results.get(enterprise_id=app.enterprise_id)
        assert app.verdict == got.verdict == "pass"
        assert app.spec_version == runs[app.year].spec_version
        assert app.qualified_by == got.qualified_by
        assert app.score == (int(got.score) if got.score is not None else None)
        assert app.result["verdict"] == "pass" and app.result["reasons"] == got.reason_codes
        assert app.explanation["zh-hans"] and app.explanation["en"]


def test_gradient_certifications_cumulative_and_unicorns(demo, targets):
    certs = gradient.certification_list(user=province())
    assert certs.filter(filed_on__lte=END).count() == scaled(targets.count("F18"))
    assert certs.filter(program="unicorn", filed_on__lte=END).count() == targets.count("F19")
    assert certs.filter(program="unicorn", filed_on__lt=START).count() == targets.prior["F19"]
    assert {"eaglet", "gazelle", "unicorn"} == set(certs.values_list("program", flat=True))
    for cert in certs.select_related("application")[:30]:
        assert cert.application.status == "filed" and cert.valid_to > cert.valid_from


def test_certified_enterprises_pass_the_stored_run_of_their_program_and_year(demo):
    certs = GradientCertification.objects.select_related("application")
    assert certs.exists()
    for program, year in set(certs.values_list("program", "year")):
        run = EvaluationRun.objects.get(program=program, year=year, source="demo")
        assert run.status == "done" and run.evaluated > run.passed > 0
        passed = set(run.results.filter(verdict="pass").values_list("enterprise_id", flat=True))
        certified = set(
            certs.filter(program=program, year=year).values_list("enterprise_id", flat=True)
        )
        assert certified <= passed
        assert run.results.exclude(verdict="pass").exists()
    for cert in certs.order_by("?")[:30]:
        app = cert.application
        assert app.verdict == "pass" and app.explanation["zh-hans"] and app.explanation["en"]
        assert app.spec_version == f"{cert.program}/{cert.year}.1"
        events = list(app.events.order_by("at").values_list("kind", "at"))
        assert [k for k, _ in events] == ["applied", "recommended", "expert_passed", "filed"]
        assert events[0][1].date() == app.applied_on and events[1][1].date() == app.recommended_on
        assert events[-1][1].date() == cert.filed_on
        assert app.events.get(kind="filed").data["valid_to"] == cert.valid_to.isoformat()
        assert all(e.enterprise_id == cert.enterprise_id for e in app.events.all())


def test_ten_zones_pilot_innovation_points(demo, targets):
    pilots = PointsPilotZone.objects.filter(since__lte=END)
    assert pilots.count() == targets.count("F24")
    assert pilots.filter(zone__level="national").exists()


def test_f24_is_counted_from_the_innovation_points_run(demo, targets):
    run = EvaluationRun.objects.get(program="innovation-points", year=2023, source="demo")
    assert run.status == "done" and run.pilot_zones and run.evaluated > 0
    # A cohort is "zone|stage": the zones the run's cohorts name are the pilot zones.
    cohorts = set(run.results.values_list("cohort", flat=True))
    zones = {c.split("|")[0] for c in cohorts}
    assert len(zones) == targets.count("F24")
    pilots = PointsPilotZone.objects.filter(since__lte=END).values_list("zone_id", flat=True)
    assert zones == {str(z) for z in pilots}
    assert any(c.count("|") == 1 for c in cohorts)  # zone × stage
    # Everyone evaluated is in a pilot zone, and every enterprise of those zones with figures.
    evaluated = set(run.results.values_list("enterprise_id", flat=True))
    in_pilots = Enterprise.objects.filter(zone__points_pilot__isnull=False)
    assert evaluated <= set(in_pilots.values_list("pk", flat=True))
    with_years = in_pilots.filter(years__year__in=(2021, 2022, 2023)).distinct()
    assert evaluated == set(with_years.values_list("pk", flat=True))
    assert Enterprise.objects.filter(zone__points_pilot__isnull=True, zone__isnull=False).exists()
