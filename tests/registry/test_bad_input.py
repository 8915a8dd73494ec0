"""Bad input gets a clear error and changes nothing: uploads bounded before they are read,
and implausible names, dates and counts refused by the pages, the API and the import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from openpyxl import Workbook

from kechuang.registry.importing import import_file
from kechuang.registry.models import Enterprise, EnterpriseYear
from tests.factories import EnterpriseFactory
from tests.registry.test_import import errors_by, row, write_csv

pytestmark = pytest.mark.django_db
API = "/api/v1/registry"


def test_a_workbook_with_a_far_cell_is_refused_by_the_import(tmp_path, province_admin):
    book = Workbook()
    book.active.append(["统一社会信用代码", "年度"])
    book.active["CV100000"] = 1
    path = tmp_path / "far.xlsx"
    book.save(path)
    result = import_file(path, actor=province_admin)
    assert not result.ok
    assert [e["code"] for e in result.errors] == ["file_unreadable"]
    assert not Enterprise.objects.exists()


def test_an_upload_above_the_limit_is_refused_by_the_page(client, province_admin, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(province_admin)
    upload = SimpleUploadedFile("a.csv", b"x" * 2048, content_type="text/csv")
    response = client.post(reverse("registry:import_upload"), {"file": upload})
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()


def test_the_import_refuses_implausible_cells(tmp_path, province_admin):
    rows = [
        row(1, name="甲\u202e公司"),
        row(2, founded_on="1850-01-01"),
        row(3, staff=2_000_000, tech_staff=1),
        row(4, high_tech_cert_valid_to="2099-12-31"),
    ]
    result = import_file(write_csv(tmp_path / "a.csv", rows), actor=province_admin)
    found = errors_by(result)
    assert found[(2, "name")] == "name_bidi"
    assert found[(3, "founded_on")] == "founded_too_early"
    assert found[(4, "staff")] == "staff_too_large"
    assert found[(5, "high_tech_cert_valid_to")] == "certificate_too_far"
    assert not Enterprise.objects.exists()


def test_the_api_refuses_implausible_values_and_strips_names(client, province_admin):
    firm = EnterpriseFactory()
    client.force_login(province_admin)
    url = f"{API}/enterprises/{firm.pk}"
    for body in (
        {"name": "甲\u202e公司"},
        {"name": "   "},
        {"founded_on": "1850-01-01"},
        {"high_tech_valid_to": (dt.date.today() + dt.timedelta(days=3700 + 365)).isoformat()},
    ):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code == 422, body
    firm.refresh_from_db()
    assert "\u202e" not in firm.name and firm.founded_on == dt.date(2015, 6, 1)
    response = client.patch(url, {"name": "  沈阳  甲公司 "}, content_type="application/json")
    assert response.status_code == 200
    assert Enterprise.objects.get(pk=firm.pk).name == "沈阳 甲公司"
    year = f"{url}/years/2023"
    response = client.put(year, {"staff": 2_000_000}, content_type="application/json")
    assert response.status_code == 422
    future = f"{url}/years/{dt.date.today().year + 1}"
    assert client.put(future, {"staff": 10}, content_type="application/json").status_code == 422
    assert not EnterpriseYear.objects.exists()
