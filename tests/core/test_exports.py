"""The shared writers (formula-safe text, frozen header, autofilter) and exports as jobs:
the file is kept for its owner and the users of its scope only."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.core import exports
from kechuang.core.models import Job
from tests.factories import EnterpriseFactory, UserFactory
from tests.jobs_support import content, export_file

pytestmark = pytest.mark.django_db
RISKY = ["=1+1", "+86 24", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    settings.JOBS_INLINE = True
    settings.MEDIA_ROOT = tmp_path / "media"


def test_xlsx_header_frozen_filtered_and_no_formulas():
    out = io.BytesIO()
    exports.write_xlsx(out, [["名称", "数"]], [[t, 1] for t in RISKY])
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:B{len(RISKY) + 1}"
    cells = [sheet.cell(row=i + 2, column=1) for i in range(len(RISKY))]
    assert [c.value for c in cells] == [t.replace("\r", "\n") for t in RISKY]  # XML line ends
    assert {c.data_type for c in cells} == {"s"}  # text, never "f"


def test_csv_puts_risky_text_behind_an_apostrophe():
    out = io.BytesIO()
    exports.write_csv(out, [["名称", "数"]], [[t, -2] for t in RISKY] + [["甲", None]])
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:-1]] == ["'" + t for t in RISKY]
    assert rows[1][1] == "-2"  # numbers stay numbers
    assert rows[-1] == ["甲", ""]


def test_an_export_job_keeps_its_file_for_the_owner_and_the_scope(client, city_admin, dalian_admin):
    EnterpriseFactory(name="=沈阳甲")
    EnterpriseFactory(name="大连乙", county="210202")
    client.force_login(city_admin)
    response = export_file(client, reverse("registry:enterprise_export"))
    sheet = load_workbook(io.BytesIO(content(response))).worksheets[0]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["=沈阳甲"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    job = Job.objects.get()
    assert job.kind == "core.export" and job.scope == "city:210100" and job.percent == 100
    download = reverse("core:job_download", args=[job.pk])
    colleague = UserFactory(role="city_admin", city_id="210100")
    client.force_login(colleague)
    assert client.get(download).status_code == 200
    client.force_login(dalian_admin)
    assert client.get(download).status_code == 404
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404


def test_a_second_post_of_the_export_form_starts_no_second_job(client, province_admin):
    client.force_login(province_admin)
    url = reverse("registry:bank_export")
    data = {"query": "format=xlsx", "submission": "same"}
    first, again = client.post(url, data), client.post(url, data)
    assert first["Location"] == again["Location"] and Job.objects.count() == 1


def test_contract_export_runs_as_a_job_with_two_header_rows(client, province_admin):
    from tests.factories import TechContractFactory

    TechContractFactory(title="=cmd|' /C calc'!A0")
    client.force_login(province_admin)
    response = export_file(client, reverse("market:contract_export"))
    sheet = load_workbook(io.BytesIO(content(response))).worksheets[0]
    assert sheet.freeze_panes == "A3"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == "title" and rows[2][2] == "=cmd|' /C calc'!A0"
    assert sheet.cell(row=3, column=3).data_type == "s"


def test_jobs_page_lists_and_retries(client, province_admin):
    failed = exports.request_export("registry.bank", actor=province_admin)
    Job.objects.filter(pk=failed.pk).update(status="failed", error="boom")
    client.force_login(province_admin)
    html = client.get(reverse("core:job_list")).content.decode()
    assert f"#{failed.pk}" in html and "银行导出" in html
    detail = client.get(reverse("core:job_detail", args=[failed.pk])).content.decode()
    assert "boom" in detail and "重试" in detail
    retried = client.post(reverse("core:job_retry", args=[failed.pk]))
    again = Job.objects.exclude(pk=failed.pk).get()
    assert retried["Location"] == reverse("core:job_detail", args=[again.pk])
    assert again.status == "succeeded" and again.retry_of_id == failed.pk


def test_the_jobs_api_lists_shows_and_retries(client, province_admin, city_admin):
    row = exports.request_export("registry.bank", actor=province_admin)
    Job.objects.filter(pk=row.pk).update(status="failed", error="boom")
    client.force_login(city_admin)
    assert client.get("/api/v1/jobs").json()["count"] == 0
    assert client.get(f"/api/v1/jobs/{row.pk}").status_code == 404
    client.force_login(province_admin)
    listed = client.get("/api/v1/jobs").json()
    assert [j["id"] for j in listed["items"]] == [row.pk]
    assert client.get(f"/api/v1/jobs/{row.pk}").json()["error"] == "boom"
    again = client.post(f"/api/v1/jobs/{row.pk}/retry")
    assert again.status_code == 201
    body = again.json()
    assert body["retry_of_id"] == row.pk and body["status"] == "succeeded"
    assert body["download_url"] == f"/api/v1/jobs/{body['id']}/file"
    assert client.get(body["download_url"]).status_code == 200


def test_no_tabular_file_is_written_outside_the_shared_writer():
    """Every .xlsx/.csv writer goes through core/exports.py, which keeps formulas out. The
    import template is written apart: its cells are our own labels and examples."""
    from pathlib import Path

    import kechuang

    allowed = {"core/exports.py", "registry/importing/template.py"}
    root = Path(kechuang.__file__).parent
    found = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if str(p.relative_to(root)) not in allowed
        and any(s in p.read_text() for s in ("csv.writer(", "Workbook(", "xlsxwriter"))
    ]
    assert found == []
