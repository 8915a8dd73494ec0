"""Import from the web: the template, the upload page, the job page and its report."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kechuang.core import jobs
from kechuang.core.models import Job
from kechuang.core.worker import Worker
from kechuang.registry.importing.columns import COLUMNS
from kechuang.registry.models import Enterprise, EnterpriseYear, ImportJob
from tests.registry.test_import import row, write_csv

UPLOAD = reverse("registry:import_upload")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads land here, not in the project's var/


@pytest.fixture
def inline_jobs(settings):
    settings.JOBS_INLINE = True


def upload(client, tmp_path, rows, name="data.csv", dry_run=False):
    path = write_csv(tmp_path / name, rows)
    data = {"file": SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(UPLOAD, data)


@pytest.mark.django_db
def test_template_has_the_exchange_format_headers(client, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header == [c.label for c in COLUMNS]
    assert header[:6] == [
        "统一社会信用代码",
        "企业名称",
        "成立日期",
        "行政区划代码",
        "行业代码",
        "年度",
    ]
    assert sheet.max_row == 1


@pytest.mark.django_db
def test_filled_template_imports(client, province_admin, tmp_path, inline_jobs):
    client.force_login(province_admin)
    book = load_workbook(io.BytesIO(client.get(reverse("registry:import_template")).content))
    values = row(1)
    book.active.append([values.get(c.key) for c in COLUMNS])
    buf = io.BytesIO()
    book.save(buf)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("t.xlsx", buf.getvalue())})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert EnterpriseYear.objects.get().staff == 120


@pytest.mark.django_db
def test_upload_as_province_admin(client, province_admin, tmp_path, inline_jobs):
    client.force_login(province_admin)
    assert client.get(UPLOAD).status_code == 200
    response = upload(client, tmp_path, [row(1, 2022), row(1, 2023)])
    job = ImportJob.objects.get()
    assert response.url == reverse("registry:import_job", args=[job.pk])
    assert job.status == ImportJob.Status.SUCCEEDED
    assert (job.total_rows, job.processed_rows) == (2, 2)
    assert job.counts["enterprise_year"]["created"] == 2
    assert job.created_by == province_admin and job.city_id is None
    assert EnterpriseYear.objects.filter(enterprise__uscc=row(1)["uscc"]).count() == 2
    page = client.get(response.url)
    assert page.status_code == 200
    assert "已完成" in page.content.decode()
    assert "hx-trigger" not in page.content.decode()  # finished: no more polling


@pytest.mark.django_db
def test_rejected_upload_shows_and_offers_the_report(client, province_admin, tmp_path, inline_jobs):
    client.force_login(province_admin)
    upload(client, tmp_path, [row(1), row(2, tech_staff=999)])
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert job.error_count == 1
    assert Enterprise.objects.count() == 0
    url = reverse("registry:import_job", args=[job.pk])
    html = client.get(url).content.decode()
    assert "科技人员数(999)大于职工总数(120)" in html
    assert "Tech staff (999) exceed total staff (120)" in html
    report = client.get(url, {"format": "csv"})
    assert report["Content-Type"].startswith("text/csv")
    text = report.content.decode("utf-8-sig")
    assert "3,H,科技人员数 (tech_staff),999" in text
    xlsx = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    assert [c.value for c in xlsx[2]][:3] == [3, "H", "科技人员数 (tech_staff)"]


@pytest.mark.django_db
def test_dry_run_upload(client, province_admin, tmp_path, inline_jobs):
    client.force_login(province_admin)
    upload(client, tmp_path, [row(1)], dry_run=True)
    job = ImportJob.objects.get()
    assert job.dry_run and job.status == ImportJob.Status.SUCCEEDED
    assert job.counts["enterprise"]["created"] == 1
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_city_admin_upload_rejects_rows_of_another_city(client, city_admin, tmp_path, inline_jobs):
    client.force_login(city_admin)
    upload(client, tmp_path, [row(1), row(2, county="210202")])
    job = ImportJob.objects.get()
    assert job.city_id == "210100"
    assert job.status == ImportJob.Status.REJECTED
    assert [(e["row"], e["code"]) for e in job.errors] == [(3, "out_of_scope")]
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_jobs_are_seen_within_scope(
    client, province_admin, city_admin, dalian_admin, tmp_path, inline_jobs
):
    client.force_login(city_admin)
    upload(client, tmp_path, [row(1)])
    job = ImportJob.objects.get()
    url = reverse("registry:import_job", args=[job.pk])
    client.force_login(dalian_admin)
    assert client.get(url).status_code == 404
    client.force_login(province_admin)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_enterprise_user_is_refused(client, enterprise_user, tmp_path, inline_jobs):
    client.force_login(enterprise_user)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, tmp_path, [row(1)]).status_code == 403
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, tmp_path, inline_jobs):
    response = upload(client, tmp_path, [row(1)])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(UPLOAD).status_code == 302
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_wrong_file_type_is_refused_by_the_form(client, province_admin):
    client.force_login(province_admin)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert response.status_code == 200
    assert "请上传 .xlsx 或 .csv 文件" in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_queued_import(client, province_admin, tmp_path):
    client.force_login(province_admin)
    upload(client, tmp_path, [row(1), row(2)])
    job = ImportJob.objects.get()
    url = reverse("registry:import_job", args=[job.pk])
    partial = client.get(url, headers={"HX-Request": "true"})
    assert 'id="job-status"' in partial.content.decode()
    assert job.status == ImportJob.Status.PENDING  # no thread: it waits for a worker
    assert Worker(poll=0, max_jobs=1).run() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED, (job.message, job.errors)
    assert job.started_at and job.finished_at
    assert Enterprise.objects.count() == 2
    assert job.file.path.startswith(str(tmp_path))
    queued = jobs.for_subject(job)
    assert queued.status == "succeeded" and queued.kind == "registry.import"


@pytest.mark.django_db
def test_a_second_submit_of_the_form_starts_no_second_import(client, province_admin, tmp_path):
    client.force_login(province_admin)
    path = write_csv(tmp_path / "data.csv", [row(1)])
    first = client.post(
        UPLOAD, {"file": SimpleUploadedFile("data.csv", path.read_bytes()), "submission": "k1"}
    )
    again = client.post(
        UPLOAD, {"file": SimpleUploadedFile("data.csv", path.read_bytes()), "submission": "k1"}
    )
    assert first["Location"] == again["Location"]
    assert ImportJob.objects.count() == 1 and Job.objects.count() == 1


@pytest.mark.django_db
def test_upload_page_in_english(client, province_admin):
    client.force_login(province_admin)
    client.cookies["django_language"] = "en"
    html = client.get(UPLOAD).content.decode()
    assert "Download the import template" in html
    assert "Upload and import" in html


@pytest.mark.django_db
def test_a_running_job_polls_for_progress(client, province_admin):
    job = ImportJob.objects.create(
        file_name="big.xlsx",
        status=ImportJob.Status.RUNNING,
        phase=ImportJob.Phase.VALIDATING,
        total_rows=100_000,
        processed_rows=25_000,
        created_by=province_admin,
    )
    client.force_login(province_admin)
    url = reverse("registry:import_job", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress max="100" value="25">' in html
    assert "校验数据" in html
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith("<section") and "<html" not in partial
