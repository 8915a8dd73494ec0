"""The run pages: who may open and start what, the polled status panel, the filtered results,
their export, and the enterprise's own results page in both languages."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.core.roles import Role
from kechuang.programs.runs.models import EvaluationRun
from tests.factories import UserFactory
from tests.jobs_support import content, export_file
from tests.programs.runs_support import YEAR, province_firms, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(db, settings, tmp_path):
    settings.JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"  # export files land here
    return province_firms()


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_anonymous_users_are_sent_to_log_in(firms, client, province_admin):
    r = run(province_admin)
    for url in (
        reverse("programs:run_list"),
        reverse("programs:run_create"),
        reverse("programs:run_detail", args=[r.pk]),
        reverse("programs:run_export", args=[r.pk]),
        reverse("programs:my_results"),
        reverse("programs:sim_create"),
        reverse("programs:bank_points"),
        reverse("programs:consents"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.ENTERPRISE, Role.BANK, Role.EXPERT])
def test_who_may_not_run_is_refused_the_form_and_sees_no_runs(firms, client, role, province_admin):
    r = run(province_admin)
    client.force_login(UserFactory(role=role, zone_id=1 if role == Role.ZONE_ADMIN else None))
    assert client.get(reverse("programs:run_create")).status_code == 403
    posted = client.post(reverse("programs:run_create"), {"spec": f"tech-sme:{YEAR}"})
    assert posted.status_code == 403
    listing = client.get(reverse("programs:run_list"))
    assert listing.status_code == 200 and "开始评价" not in listing.content.decode()
    assert f"#{r.pk}<" not in listing.content.decode()
    assert client.get(reverse("programs:run_detail", args=[r.pk])).status_code == 404
    assert client.get(reverse("programs:run_export", args=[r.pk])).status_code == 404
    assert client.get(reverse("programs:sim_create")).status_code == 403


def test_a_city_admin_starts_a_run_of_its_city_and_not_of_another(firms, client, city_admin):
    client.force_login(city_admin)
    form = client.get(reverse("programs:run_create")).content.decode()
    assert 'value="210102"' in form and 'value="210202"' not in form  # its own counties only
    response = client.post(reverse("programs:run_create"), {"spec": f"tech-sme:{YEAR}"})
    r = EvaluationRun.objects.get()
    assert response["Location"] == reverse("programs:run_detail", args=[r.pk])
    assert (r.status, r.city_id, r.evaluated) == ("done", "210100", 3)
    # Another city cannot even be chosen.
    refused = client.post(
        reverse("programs:run_create"), {"spec": f"tech-sme:{YEAR}", "region": "210200"}
    )
    assert refused.status_code == 200 and EvaluationRun.objects.count() == 1
    province_run = run(UserFactory(role=Role.PROVINCE_ADMIN))
    assert client.get(reverse("programs:run_detail", args=[province_run.pk])).status_code == 404


def test_the_status_panel_polls_until_the_run_is_done(firms, client, province_admin):
    client.force_login(province_admin)
    from kechuang.programs.runs.services import run_create

    queued = run_create(actor=province_admin, program="tech-sme", year=YEAR)
    url = reverse("programs:run_detail", args=[queued.pk])
    panel = client.get(url, headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert 'hx-trigger="every 1s"' in panel.content.decode()
    assert "<html" not in panel.content.decode()
    from kechuang.programs.runs.services import execute

    execute(queued.pk)
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"
    page = client.get(url).content.decode()
    assert 'id="results"' in page and "沈阳临界科技" in page and "every 1s" not in page
    assert 'id="counts"' in page and reverse("programs:run_export", args=[queued.pk]) in page


def test_a_run_that_stopped_on_an_error_says_so_and_shows_no_results(firms, client, province_admin):
    from kechuang.programs.runs.services import run_create

    broken = run_create(actor=province_admin, program="tech-sme", year=YEAR)
    EvaluationRun.objects.filter(pk=broken.pk).update(
        status=EvaluationRun.Status.FAILED, error="MemoryError: out of memory"
    )
    broken.refresh_from_db()
    assert broken.aborted and broken.finished and not broken.done
    client.force_login(province_admin)
    page = client.get(reverse("programs:run_detail", args=[broken.pk])).content.decode()
    assert "评价未能完成" in page and "MemoryError: out of memory" in page
    assert 'id="counts"' not in page and 'id="results"' not in page
    assert reverse("programs:run_export", args=[broken.pk]) not in page


def test_results_filter_and_export(firms, client, province_admin, dalian_admin):
    r = run(province_admin)
    client.force_login(province_admin)
    url = reverse("programs:run_detail", args=[r.pk])
    passed = client.get(url, {"verdict": "pass"}).content.decode()
    assert "沈阳通过科技" in passed and "大连低分科技" not in passed
    ineligible = client.get(url, {"verdict": "ineligible"}).content.decode()
    assert "沈阳大型科技" in ineligible and "沈阳通过科技" not in ineligible
    dalian = client.get(url, {"city": "210200"}).content.decode()
    assert "大连低分科技" in dalian and "沈阳通过科技" not in dalian
    assert "score_below_pass" in dalian  # the row's reason codes, from their positions
    scores = client.get(url, {"score_min": "60", "score_max": "70"}).content.decode()
    assert "沈阳临界科技" in scores and "沈阳通过科技" not in scores
    section = client.get(url, {"industry_section": "C", "q": "临界"}).content.decode()
    assert "沈阳临界科技" in section and "沈阳大型科技" not in section

    export = client.get(reverse("programs:run_export", args=[r.pk]), {"format": "csv"})
    rows = _csv(export)
    assert len(rows) == 5 and rows[0]["得分"] == "82.00"
    assert {row["企业名称"] for row in rows if row["结论"] == "通过"} == {
        "沈阳通过科技",
        "沈阳临界科技",
        "沈抚示范区科技",
    }
    filtered = client.get(
        reverse("programs:run_export", args=[r.pk]), {"format": "csv", "verdict": "fail"}
    )
    assert [row["原因代码"] for row in _csv(filtered)] == ["score_below_pass"]
    xlsx = export_file(client, reverse("programs:run_export", args=[r.pk]), {"verdict": "pass"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    sheet = load_workbook(io.BytesIO(content(xlsx)), read_only=True).worksheets[0]
    got = [list(v) for v in sheet.iter_rows(values_only=True)]
    assert got[0][1] == "企业名称" and len(got) == 4  # the header and the three passed
    assert (
        client.get(reverse("programs:run_export", args=[r.pk]), {"format": "pdf"}).status_code
        == 400
    )

    # A city bureau reads a province run it may see only through its own runs; its own run
    # holds its city's enterprises only.
    client.force_login(dalian_admin)
    assert client.get(url).status_code == 404


def test_the_enterprise_page_shows_its_latest_results_in_its_language(
    firms, client, province_admin
):
    run(province_admin)
    user = UserFactory(role=Role.ENTERPRISE, organization_id=firms["near"].pk)
    client.force_login(user)
    zh = client.get(reverse("programs:my_results")).content.decode()
    assert "评价通过：得分66分（通过线60分）。" in zh
    client.cookies["django_language"] = "en"
    en = client.get(reverse("programs:my_results"), headers={"Accept-Language": "en"})
    assert "Passed with 66 points (pass mark 60)." in en.content.decode()

    for role in (Role.PROVINCE_ADMIN, Role.BANK, Role.EXPERT):
        client.force_login(UserFactory(role=role))
        assert client.get(reverse("programs:my_results")).status_code == 403
