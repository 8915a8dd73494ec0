"""Policy simulation: who flips when the pass mark moves, counted by city and industry, and
publishing the edited rules as the version the next run uses."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.models import AuditEntry
from kechuang.programs import specs
from kechuang.programs.runs.models import SpecVersion
from kechuang.programs.simulation.models import Simulation
from kechuang.programs.simulation.services import simulation_run, spec_publish
from tests.programs.runs_support import YEAR, province_firms, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(db):
    return province_firms()


def shipped() -> str:
    text = specs.file_text("tech-sme", YEAR)
    assert text is not None
    return text


def with_pass_mark(mark: int) -> str:
    text = shipped()
    assert "min_score = 60" in text
    return text.replace("min_score = 60", f"min_score = {mark}")


def simulate(actor, mark: int) -> Simulation:
    return simulation_run(actor=actor, program="tech-sme", year=YEAR, text=with_pass_mark(mark))


def test_raising_the_pass_mark_fails_the_firm_near_it(firms, province_admin):
    sim = simulate(province_admin, 70)
    assert [(f["name"], f["verdict_a"], f["verdict_b"]) for f in sim.flips] == [
        ("沈阳临界科技", "pass", "fail")
    ]
    flip = sim.flips[0]
    assert flip["enterprise_id"] == firms["near"].pk and flip["city"] == "210100"
    assert (flip["score_a"], flip["score_b"]) == ("66", "66")
    assert (sim.passes_a, sim.passes_b, sim.evaluated) == (3, 2, 5)
    assert sim.by_city == [{"code": "210100", "name": "沈阳市", "to_pass": 0, "to_fail": 1}]
    # Division 39 (computers, electronics) is in section C, manufacturing.
    assert [(c["code"], c["to_pass"], c["to_fail"]) for c in sim.by_industry] == [("C", 0, 1)]


def test_lowering_it_passes_the_firm_below_it(firms, province_admin):
    sim = simulate(province_admin, 50)
    assert [(f["name"], f["verdict_b"]) for f in sim.flips] == [("大连低分科技", "pass")]
    assert sim.by_city[0]["code"] == "210200" and sim.by_city[0]["to_pass"] == 1


def test_the_same_rules_flip_nobody(firms, province_admin):
    sim = simulation_run(actor=province_admin, program="tech-sme", year=YEAR, text=shipped())
    assert sim.flips == [] and sim.passes_a == sim.passes_b == 3


def test_a_broken_spec_is_refused_with_the_field_that_is_wrong(firms, province_admin):
    with pytest.raises(ValidationError) as caught:
        simulation_run(
            actor=province_admin,
            program="tech-sme",
            year=YEAR,
            text=shipped().replace('op = "<="', 'op = "≤"', 1),
        )
    assert "eligibility[1].test.op" in caught.value.message_dict["text"][0]
    with pytest.raises(ValidationError):  # another program's rules
        simulation_run(
            actor=province_admin,
            program="tech-sme",
            year=YEAR,
            text=specs.active_spec("gazelle", YEAR).text,
        )
    assert not Simulation.objects.exists()


def test_only_the_province_simulates_and_publishes(firms, province_admin, city_admin):
    with pytest.raises(PermissionDenied):
        simulate(city_admin, 70)
    sim = simulate(province_admin, 70)
    with pytest.raises(PermissionDenied):
        spec_publish(actor=city_admin, simulation=sim)


def test_publishing_makes_the_next_run_use_the_new_version(firms, province_admin):
    before = run(province_admin)
    sim = simulate(province_admin, 70)
    record = spec_publish(actor=province_admin, simulation=sim, note="通过线提高到70分")

    assert record.version == "tech-sme/2023.2" and record.is_active
    assert 'version = "tech-sme/2023.2"' in record.text
    assert specs.active_spec("tech-sme", YEAR).record == record
    after = run(province_admin)
    assert (before.spec_version, before.passed) == ("tech-sme/2023.1", 3)
    assert (after.spec_version, after.spec, after.passed) == ("tech-sme/2023.2", record, 2)
    assert after.spec_sha256 == record.sha256

    again = spec_publish(actor=province_admin, simulation=simulate(province_admin, 50))
    assert again.version == "tech-sme/2023.3"
    assert list(SpecVersion.objects.filter(is_active=True)) == [again]
    with pytest.raises(ValidationError):
        spec_publish(actor=province_admin, simulation=sim)  # published already

    kinds = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SpecVersion)
    ).values_list("object_id", "action")
    assert sorted(kinds) == sorted(
        [(str(record.pk), "create"), (str(record.pk), "update"), (str(again.pk), "create")]
    )
    assert (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Simulation), action="create"
        ).count()
        == 2
    )


def test_the_pages_simulate_show_the_diff_and_publish(firms, province_admin, client):
    client.force_login(province_admin)
    page = client.get(reverse("programs:sim_create"), {"spec": f"tech-sme:{YEAR}"})
    assert page.status_code == 200
    assert "min_score = 60" in page.content.decode()

    bad = client.post(
        reverse("programs:sim_create"), {"spec": f"tech-sme:{YEAR}", "text": "program = 1"}
    )
    assert bad.status_code == 200 and "must be a string" in bad.content.decode()

    done = client.post(
        reverse("programs:sim_create"), {"spec": f"tech-sme:{YEAR}", "text": with_pass_mark(70)}
    )
    sim = Simulation.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "programs:sim_detail", args=[sim.pk]
    )
    detail = client.get(done["Location"]).content.decode()
    assert "沈阳临界科技" in detail and 'id="to-fail">1<' in detail
    assert "data-cities" in detail
    only_pass = client.get(done["Location"], {"direction": "pass"}).content.decode()
    assert "沈阳临界科技" not in only_pass

    published = client.post(reverse("programs:sim_publish", args=[sim.pk]), {"note": "试行"})
    assert published.status_code == 302
    assert SpecVersion.objects.get().note == "试行"
