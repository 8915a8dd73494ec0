"""Lock-out after repeated failed logins on the site, the admin and the API, lifted by time or
by an administrator; every login, failure and lock-out in the security log."""

from __future__ import annotations

import base64

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from kechuang.core.models import SecurityEvent
from kechuang.core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass12345"
LIMIT = 5


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_FAILURE_LIMIT = LIMIT


def site_login(client: Client, username: str, password: str) -> int:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code


def admin_login(client: Client, username: str, password: str) -> int:
    response = client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )
    return response.status_code


def api_get(client: Client, username: str, password: str) -> int:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return client.get("/api/v1/registry/banks", HTTP_AUTHORIZATION=f"Basic {token}").status_code


@pytest.mark.parametrize(
    ("attempt", "refused", "good"),
    [(site_login, 200, 302), (admin_login, 200, 302)],
    ids=["site", "admin"],
)
def test_a_user_is_locked_out_after_repeated_failures(attempt, refused, good):
    UserFactory(
        username="target", role=Role.CITY_ADMIN, city_id="210100", is_superuser=True, is_staff=True
    )
    client = Client()
    statuses = [attempt(client, "target", "wrong-password") for _ in range(LIMIT)]
    assert statuses[:-1] == [refused] * (LIMIT - 1)
    assert statuses[-1] == 429
    # Now even the right password is refused, from this address and from any other.
    assert attempt(client, "target", PASSWORD) == 429
    assert attempt(Client(REMOTE_ADDR="10.9.9.9"), "target", PASSWORD) == 429
    assert SecurityEvent.objects.filter(kind="lockout", username="target").exists()
    # Attempts refused during the lock-out are failures too.
    failures = SecurityEvent.objects.filter(kind="login_failed", username="target")
    assert failures.count() == LIMIT + 2
    # Other users from another address are not concerned.
    UserFactory(username="other", role=Role.ENTERPRISE, is_superuser=True, is_staff=True)
    assert attempt(Client(REMOTE_ADDR="10.9.9.10"), "other", PASSWORD) == good


def test_an_address_is_locked_out_after_failures_for_many_names():
    UserFactory(username="victim", role=Role.ENTERPRISE)
    client = Client(REMOTE_ADDR="10.1.2.3")
    for i in range(LIMIT):
        site_login(client, f"guess{i}", "wrong-password")
    assert site_login(client, "victim", PASSWORD) == 429
    assert site_login(Client(REMOTE_ADDR="10.1.2.4"), "victim", PASSWORD) == 302


def test_the_api_takes_no_password_so_none_can_be_guessed_there():
    UserFactory(username="machine", role=Role.BANK)
    client = Client()
    assert [api_get(client, "machine", "wrong-password") for _ in range(LIMIT + 1)] == [401] * (
        LIMIT + 1
    )
    response = client.get(
        "/api/v1/registry/banks",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"machine:pass12345").decode(),
    )
    assert response.status_code == 401 and "API 密钥" in response.json()["detail"]
    assert not SecurityEvent.objects.filter(username="machine").exists()


def test_a_province_admin_sees_and_lifts_a_lockout(client):
    UserFactory(username="locked", role=Role.ENTERPRISE)
    attacker = Client(REMOTE_ADDR="10.3.3.3")
    for _ in range(LIMIT):
        site_login(attacker, "locked", "wrong-password")
    assert site_login(Client(), "locked", PASSWORD) == 429

    client.force_login(UserFactory(role=Role.CITY_ADMIN, city_id="210100"))
    assert client.get(reverse("account:lockouts")).status_code == 403

    province = UserFactory(username="prov", role=Role.PROVINCE_ADMIN)
    client.force_login(province)
    page = client.get(reverse("account:lockouts")).content.decode()
    assert "locked" in page and "10.3.3.3" in page and "已锁定" in page
    attempt = AccessAttempt.objects.filter(username="locked", ip_address="10.3.3.3").get()
    response = client.post(reverse("account:lockouts"), {"attempt": attempt.pk})
    assert response.status_code == 302
    assert site_login(Client(), "locked", PASSWORD) == 302
    unlock = SecurityEvent.objects.get(kind="unlock")
    assert unlock.actor == province and unlock.username == "locked"


def test_superusers_see_lockouts_in_the_admin(client):
    UserFactory(username="locked", role=Role.ENTERPRISE)
    for _ in range(LIMIT):
        site_login(Client(), "locked", "wrong-password")
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = client.get("/admin/axes/accessattempt/").content.decode()
    assert "locked" in page


def test_logins_and_logouts_are_in_the_security_log():
    user = UserFactory(username="firm", role=Role.ENTERPRISE)
    client = Client()
    assert site_login(client, "firm", PASSWORD) == 302
    client.post(reverse("logout"))
    kinds = list(SecurityEvent.objects.order_by("id").values_list("kind", "user", "address"))
    assert kinds == [("login", user.pk, "127.0.0.1"), ("logout", user.pk, "127.0.0.1")]
