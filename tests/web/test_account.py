"""Accounts: password rules and change, the forced change of a password someone else chose,
session limits, the second factor of admins, and the Django admin closed to all but
superusers."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kechuang.core.models import SecurityEvent, User
from kechuang.core.roles import Role
from kechuang.core.security import LAST_SEEN, LOGIN_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OLD = "pass12345"
NEW = "Liaoning-kc-2024!"


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def change(client: Client, new: str, old: str = OLD):
    return client.post(
        reverse("account:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Kc-2024!", "至少"),  # 8 characters: the minimum is 10
        ("password123", "常见"),
        ("2024061812345", "只包含数字"),
        ("zhangwei-shenyang", "相似"),
    ],
)
def test_weak_passwords_are_refused(client, password, message):
    user = UserFactory(username="zhangwei", display_name="zhangwei-shenyang", role=Role.EXPERT)
    client.force_login(user)
    response = change(client, password)
    assert response.status_code == 200 and message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_every_user_changes_its_password_from_the_user_menu(client):
    user = UserFactory(username="firm", role=Role.ENTERPRISE)
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("account:password_change") in home
    assert change(client, NEW, old="wrong").status_code == 200
    response = change(client, NEW)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW) and user.password_changed_at is not None
    # The session that changed it stays logged in.
    assert client.get(reverse("account:overview")).status_code == 200
    event = SecurityEvent.objects.get(kind="password")
    assert event.user == user and event.actor == user and event.data == {"by_self": True}


def test_a_generated_password_must_be_changed_at_first_login(client, settings):
    settings.FORCE_PASSWORD_CHANGE = True
    user = UserFactory(username="new", role=Role.ENTERPRISE, must_change_password=True)
    response = client.post(reverse("login"), {"username": "new", "password": OLD})
    assert response.status_code == 302
    held = client.get(reverse("registry:enterprise_list"))
    assert held.status_code == 302 and held["Location"].startswith(
        reverse("account:password_change")
    )
    assert client.get("/api/v1/registry/enterprises").status_code == 403
    assert "请先设置只有您知道的新密码" in client.get(held["Location"]).content.decode()
    assert change(client, OLD, old=OLD).status_code == 200  # the same password again: no
    assert change(client, NEW).status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("registry:enterprise_list")).status_code == 200


def test_the_demo_keeps_its_published_passwords(client, settings):
    settings.FORCE_PASSWORD_CHANGE = False  # what KECHUANG_DEMO=1 sets
    client.force_login(UserFactory(role=Role.ENTERPRISE, must_change_password=True))
    assert client.get(reverse("registry:enterprise_list")).status_code == 200


def test_a_password_set_in_the_admin_is_recorded_and_must_be_changed(client):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    user = UserFactory(username="firm", role=Role.ENTERPRISE)
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.check_password(NEW) and user.must_change_password
    event = SecurityEvent.objects.get(kind="password")
    assert event.actor == root and event.user == user and event.source == "admin"


def age_session(client: Client, *, idle: int = 0, since_login: int = 0) -> None:
    session = client.session
    now = int(time.time())
    session[LAST_SEEN] = now - idle
    session[LOGIN_AT] = now - since_login
    session.save()


def test_an_idle_session_ends(client, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    client.force_login(UserFactory(role=Role.ENTERPRISE))
    age_session(client, idle=29 * 60)
    assert client.get(reverse("account:overview")).status_code == 200
    age_session(client, idle=31 * 60)
    response = client.get(reverse("account:overview"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_session_ends_after_its_absolute_limit_even_in_use(client, settings):
    settings.SESSION_MAX_SECONDS = 12 * 3600
    client.force_login(UserFactory(role=Role.ENTERPRISE))
    age_session(client, idle=10, since_login=13 * 3600)
    response = client.get(reverse("account:overview"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_expired_session_is_anonymous_in_the_api(client):
    client.force_login(UserFactory(role=Role.PROVINCE_ADMIN))
    age_session(client, idle=3 * 3600)
    assert client.get("/api/v1/registry/banks").status_code == 200  # a public read
    assert client.get("/api/v1/jobs").status_code == 401


def unthrottle(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None, last_t=device.last_t
    )


def test_a_province_admin_must_enrol_and_use_a_second_factor(client, settings):
    settings.REQUIRE_ADMIN_2FA = True
    UserFactory(username="province", role=Role.PROVINCE_ADMIN)
    assert client.post(reverse("login"), {"username": "province", "password": OLD}).status_code
    held = client.get(reverse("registry:enterprise_list"))
    assert held["Location"].startswith(reverse("account:otp_setup"))
    page = client.get(held["Location"]).content.decode()
    assert "data:image/svg+xml" in page
    device = TOTPDevice.objects.get(user__username="province", confirmed=False)
    bad = client.post(reverse("account:otp_setup"), {"token": "000000"})
    assert bad.status_code == 200 and not TOTPDevice.objects.filter(confirmed=True).exists()
    unthrottle(device)  # a wrong code delays the next try by a second
    token = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert client.post(reverse("account:otp_setup"), {"token": token}).status_code == 302
    assert client.get(reverse("registry:enterprise_list")).status_code == 200

    # The next login asks for the code before anything else.
    other = Client()
    other.post(reverse("login"), {"username": "province", "password": OLD})
    held = other.get(reverse("registry:enterprise_list"))
    assert held["Location"].startswith(reverse("account:otp_verify"))
    assert other.post(reverse("account:otp_verify"), {"token": "123456"}).status_code == 200
    device.refresh_from_db()
    device.last_t = -1  # the same code again, as if in the next 30 seconds
    unthrottle(device)
    assert other.post(reverse("account:otp_verify"), {"token": token}).status_code == 302
    assert other.get(reverse("registry:enterprise_list")).status_code == 200
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {"otp_enrolled", "otp_failed", "otp_verified"} <= kinds


def test_a_province_admin_cannot_skip_the_second_factor_with_a_password_on_the_api(
    client, settings
):
    import base64

    settings.REQUIRE_ADMIN_2FA = True
    UserFactory(username="province", role=Role.PROVINCE_ADMIN)
    token = base64.b64encode(f"province:{OLD}".encode()).decode()
    response = client.get("/api/v1/jobs", HTTP_AUTHORIZATION=f"Basic {token}")
    assert response.status_code == 401 and "API 密钥" in response.json()["detail"]


def test_the_second_factor_is_optional_for_other_roles(client, settings):
    settings.REQUIRE_ADMIN_2FA = True
    client.force_login(UserFactory(role=Role.ENTERPRISE))
    assert client.get(reverse("registry:enterprise_list")).status_code == 200
    assert client.get(reverse("account:otp_setup")).status_code == 200  # may enrol


def test_the_django_admin_is_closed_to_staff_who_are_not_superusers(client):
    client.force_login(
        UserFactory(role=Role.CITY_ADMIN, city_id="210100", is_staff=True, is_superuser=False)
    )
    response = client.get("/admin/core/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/").status_code == 302
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get("/admin/core/user/").status_code == 200


def test_a_user_created_in_the_admin_must_change_its_password(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(
        reverse("admin:core_user_add"),
        {"username": "newcomer", "password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(username="newcomer").must_change_password
