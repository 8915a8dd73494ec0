"""The program pages across sub-domains (each sub-domain's own are in its test_pages.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

FORM = {
    "year": "2023",
    "staff": "100",
    "tech_staff": "30",
    "sales_revenue": "50000000",
    "total_cost": "40000000",
    "rd_expense": "3000000",
    "total_assets": "30000000",
    "ip_class1": "0",
    "ip_class2": "2",
}


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_pages_render_in_english(in_notice, province_admin):
    c = login(province_admin)
    c.cookies["django_language"] = "en"
    batch = in_notice.notice_entry.batch
    for url in (
        reverse("programs:techsme_detail", args=[in_notice.pk]),
        reverse("programs:notice_detail", args=[batch.pk]),
        reverse("programs:notice_list"),
        reverse("programs:admission_list"),
        reverse("programs:gradient_call_list"),
    ):
        response = c.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()
    detail = c.get(reverse("programs:techsme_detail", args=[in_notice.pk])).content.decode()
    assert "Passed with 82 points (pass mark 60)." in detail
