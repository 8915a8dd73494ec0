"""Input the contract pages and API refuse with a clear answer rather than an error page:
implausible statistics periods, oversized or disguised files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kechuang.market.contracts import forms

pytestmark = pytest.mark.django_db

STATS = "/api/v1/market/contracts/stats"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=0001-01-01&end=2023-06-30", "start"),
        ("start=2023-01-01&end=9999-12-31", "end"),
        ("start=2023-06-30&end=2023-01-01", "end"),
    ],
)
def test_an_implausible_period_answers_400(client, province_admin, query, field):
    client.force_login(province_admin)
    page = client.get(f"{reverse('market:contract_stats')}?{query}")
    assert page.status_code == 400
    assert "日期须在" in page.text or "截止日期不能早于起始日期" in page.text
    # The API answers invalid input as every operation does: 422, naming the field.
    api = client.get(f"{STATS}?{query}")
    assert api.status_code == 422
    assert [e["loc"][-1] for e in api.json()["detail"]] == [field]


def test_a_plausible_period_is_answered(client, province_admin):
    client.force_login(province_admin)
    query = "start=2023-01-01&end=2023-06-30"
    assert client.get(f"{reverse('market:contract_stats')}?{query}").status_code == 200
    assert client.get(f"{STATS}?{query}").status_code == 200


def test_the_import_file_is_size_checked_before_it_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("c.xlsx", b"PK\x03\x04" + b"0" * 200)
    form = forms.ImportForm(data={}, files={"file": big})
    assert not form.is_valid()
    assert form.errors.as_data()["file"][0].code == "file_too_large"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("contract.html", b"<html><script>alert(1)</script>", "attachment_type"),
        ("contract.pdf", b"<html><script>alert(1)</script>", "attachment_content"),
    ],
)
def test_a_contract_attachment_must_be_a_document(name, content, code):
    form = forms.ContractForm(data={}, files={"attachment": SimpleUploadedFile(name, content)})
    form.is_valid()
    assert form.errors.as_data()["attachment"][0].code == code


def test_a_pdf_attachment_is_accepted():
    upload = SimpleUploadedFile("contract.pdf", b"%PDF-1.7 ...")
    form = forms.ContractForm(data={}, files={"attachment": upload})
    form.is_valid()
    assert "attachment" not in form.errors
