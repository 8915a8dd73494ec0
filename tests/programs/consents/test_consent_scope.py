"""A bank sees exactly what the scope of a live consent covers: a points-only consent opens
neither the record nor the yearly figures (API, page, export); the change history never.
One live consent per enterprise, bank and scope. Every bank read is recorded and shown to the
enterprise."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kechuang.core.roles import Role
from kechuang.programs.consents.services import consent_grant
from kechuang.registry import exporting, selectors
from kechuang.registry.models import BankRead, DataConsent, EnterpriseYear
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory
from tests.jobs_support import export_file

pytestmark = pytest.mark.django_db
API = "/api/v1/registry"
DAY = dt.timedelta(days=1)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def consent(enterprise, bank, scope: str) -> DataConsent:
    today = timezone.localdate()
    return DataConsent.objects.create(
        enterprise=enterprise,
        bank=bank,
        scope=scope,
        granted_on=today - DAY,
        expires_on=today + 30 * DAY,
    )


@pytest.fixture
def banker(bank):
    return UserFactory(username="banker", role=Role.BANK, organization_id=bank.pk)


@pytest.fixture
def firms(bank):
    firms = {s: EnterpriseFactory(name=f"授权{s}") for s in ("points", "profile", "registry")}
    for scope, firm in firms.items():
        EnterpriseYearFactory(enterprise=firm, year=2022)
        consent(firm, bank, "innovation_points" if scope == "points" else scope)
    return firms


def test_a_points_only_consent_opens_neither_record_nor_figures(firms, banker):
    client = login(banker)
    points = firms["points"]
    names = [e["name"] for e in client.get(f"{API}/enterprises").json()["items"]]
    assert sorted(names) == ["授权profile", "授权registry"]
    assert client.get(f"{API}/enterprises/{points.pk}").status_code == 404
    page = client.get(reverse("registry:enterprise_detail", args=[points.pk]))
    assert page.status_code == 404
    listed = selectors.enterprise_list(user=banker)
    years = exporting.enterprise_years_of(user=banker, enterprises=listed)
    assert {y.enterprise.name for y in years} == {"授权registry"}


def test_a_profile_consent_shows_the_record_without_figures(firms, banker):
    body = login(banker).get(f"{API}/enterprises/{firms['profile'].pk}").json()
    assert body["name"] == "授权profile"
    assert body["years"] == []
    full = login(banker).get(f"{API}/enterprises/{firms['registry'].pk}").json()
    assert [y["year"] for y in full["years"]] == [2022]


def test_a_bank_never_sees_the_change_history(firms, banker, province_admin):
    firm = firms["registry"]
    login(province_admin).patch(
        f"{API}/enterprises/{firm.pk}", {"contact": "李四"}, content_type="application/json"
    )
    history = login(banker).get(f"{API}/enterprises/{firm.pk}/history").json()
    assert history["count"] == 0
    page = login(banker).get(reverse("registry:enterprise_detail", args=[firm.pk]))
    assert page.status_code == 200
    assert page.context["history"] == []
    assert page.context["year_history"] == []


def test_one_live_consent_per_enterprise_bank_and_scope(enterprise, enterprise_user, bank):
    expires = timezone.localdate() + 30 * DAY
    grant = {"enterprise": enterprise, "bank": bank, "expires_on": expires}
    consent_grant(actor=enterprise_user, scope="profile", **grant)
    with pytest.raises(ValidationError):
        consent_grant(actor=enterprise_user, scope="profile", **grant)
    consent_grant(actor=enterprise_user, scope="innovation_points", **grant)
    assert DataConsent.objects.filter(enterprise=enterprise, bank=bank).count() == 2


def test_an_expired_consent_is_renewed_not_repeated(enterprise, enterprise_user, bank):
    today = timezone.localdate()
    old = DataConsent.objects.create(
        enterprise=enterprise, bank=bank, scope="profile",
        granted_on=today - 60 * DAY, expires_on=today - DAY,
    )  # fmt: skip
    consent_grant(
        actor=enterprise_user, enterprise=enterprise, bank=bank, scope="profile",
        expires_on=today + 30 * DAY,
    )  # fmt: skip
    old.refresh_from_db()
    assert (old.granted_on, old.expires_on) == (today, today + 30 * DAY)
    assert DataConsent.objects.filter(enterprise=enterprise).count() == 1


def test_the_database_holds_one_live_consent(enterprise, bank):
    consent(enterprise, bank, "profile")
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError, whatever the backend
        consent(enterprise, bank, "profile")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel grants need PostgreSQL")
def test_parallel_grants_make_one_consent():
    from tests.factories import BankFactory

    enterprise, bank = EnterpriseFactory(), BankFactory()
    owner = UserFactory(role=Role.ENTERPRISE, organization_id=enterprise.pk)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def grant() -> None:
        barrier.wait()
        try:
            consent_grant(
                actor=owner, enterprise=enterprise, bank=bank, scope="registry",
                expires_on=timezone.localdate() + 30 * DAY,
            )  # fmt: skip
            outcomes.append("granted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=grant) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("granted") == 1
    assert DataConsent.objects.filter(enterprise=enterprise, bank=bank).count() == 1


def test_every_bank_read_is_recorded_and_shown_to_the_enterprise(firms, banker):
    client = login(banker)
    firm = firms["registry"]
    client.get(f"{API}/enterprises/{firm.pk}")
    client.get(reverse("registry:enterprise_detail", args=[firm.pk]))
    client.get(f"{API}/enterprises")
    reads = BankRead.objects.filter(enterprise=firm)
    assert sorted(reads.values_list("what", "channel")) == [
        ("figures", "api"),
        ("figures", "web"),
        ("profile", "api"),
        ("profile", "api"),
        ("profile", "web"),
    ]
    assert set(reads.values_list("reader__username", flat=True)) == {"banker"}
    owner = UserFactory(role=Role.ENTERPRISE, organization_id=firm.pk)
    page = login(owner).get(reverse("programs:consent_reads"))
    assert page.status_code == 200
    assert "banker" in page.content.decode()
    assert 'id="reads-link"' in login(owner).get(reverse("programs:consents")).content.decode()
    api = login(owner).get("/api/v1/programs/consents/reads").json()
    assert api["count"] == 5
    assert {r["reader"] for r in api["items"]} == {"banker"}
    other = UserFactory(role=Role.ENTERPRISE, organization_id=firms["profile"].pk)
    assert login(other).get("/api/v1/programs/consents/reads").json()["count"] == 1


def test_others_reads_are_not_recorded(firms, province_admin):
    login(province_admin).get(f"{API}/enterprises/{firms['registry'].pk}")
    assert not BankRead.objects.exists()
    assert EnterpriseYear.objects.count() == 3


def test_the_exports_keep_to_the_scope_and_are_recorded(firms, banker, settings):
    settings.JOBS_INLINE = True
    client = login(banker)
    csv = {"format": "csv"}
    listed = client.get(reverse("registry:enterprise_export"), csv).content.decode("utf-8-sig")
    assert "授权profile" in listed and "授权registry" in listed and "授权points" not in listed
    years = client.get(reverse("registry:enterprise_year_export"), csv).content.decode("utf-8-sig")
    assert firms["registry"].uscc in years
    assert firms["profile"].uscc not in years and firms["points"].uscc not in years
    # A workbook is made by a job: recorded there too.
    export_file(client, reverse("registry:enterprise_year_export"), {"format": "xlsx"})
    exported = BankRead.objects.filter(channel="export")
    assert sorted(exported.values_list("enterprise__name", "what")) == [
        ("授权profile", "profile"),
        ("授权registry", "figures"),
        ("授权registry", "figures"),
        ("授权registry", "profile"),
    ]
