"""Machine clients: API keys (stored as digests, scoped to their account, read-only or not,
expiring, revocable), no passwords on the API, rate limits, and retried POSTs answered once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kechuang.core import apikeys, idempotency
from kechuang.core.models import ApiKey, AuditEntry, IdempotentRequest, Job
from kechuang.core.roles import Role
from tests.factories import BankFactory, UserFactory

pytestmark = pytest.mark.django_db
JOBS = "/api/v1/jobs"


def get(token: str, path: str = JOBS) -> int:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def test_a_key_acts_for_its_account_and_is_kept_only_as_a_digest(province_admin):
    key, token = apikeys.issue(actor=province_admin, name="信贷系统")
    assert token.startswith(f"kc_{key.prefix}_") and token not in key.digest
    assert get(token) == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    entry = AuditEntry.objects.get(object_id=str(key.pk))
    assert "digest" not in str(entry.changes) and token not in str(entry.changes)


def test_a_read_only_key_cannot_write(province_admin):
    job = Job.objects.create(kind="core.selftest", created_by=province_admin, scope="province")
    _key, token = apikeys.issue(actor=province_admin, name="只读")
    response = Client().post(f"{JOBS}/{job.pk}/cancel", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    _key, writer = apikeys.issue(actor=province_admin, name="读写", access="write")
    response = Client().post(f"{JOBS}/{job.pk}/cancel", HTTP_AUTHORIZATION=f"Bearer {writer}")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_wrong_expired_and_revoked_keys_are_refused_never_anonymous(province_admin):
    key, token = apikeys.issue(actor=province_admin, name="k")
    public = "/api/v1/registry/banks"  # anonymous callers may read it
    wrong = token[:-1] + ("x" if token[-1] != "x" else "y")
    assert get(wrong, public) == 401
    assert get("kc_nothing_here", public) == 401
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert get(token) == 401
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert get(token) == 200
    apikeys.revoke(actor=province_admin, key=key)
    assert get(token) == 401


def test_keys_are_managed_by_their_organisation_and_the_province(province_admin):
    bank, other_bank = BankFactory(), BankFactory()
    clerk = UserFactory(username="clerk", role=Role.BANK, organization_id=bank.pk)
    colleague = UserFactory(username="colleague", role=Role.BANK, organization_id=bank.pk)
    stranger = UserFactory(username="stranger", role=Role.BANK, organization_id=other_bank.pk)
    key, _token = apikeys.issue(actor=clerk, name="信贷系统")
    assert list(apikeys.manageable(colleague)) == [key]
    assert list(apikeys.manageable(province_admin)) == [key]
    assert not apikeys.manageable(stranger).exists()
    c = Client()
    c.force_login(stranger)
    assert c.post(reverse("account:key_revoke", args=[key.pk])).status_code == 404
    c.force_login(colleague)
    page = c.get(reverse("account:keys")).content.decode()
    assert f"kc_{key.prefix}" in page
    c.post(reverse("account:key_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == colleague


def test_the_page_shows_a_new_key_once(client, province_admin, settings):
    client.force_login(province_admin)
    page = client.post(
        reverse("account:keys"), {"name": "统计系统", "access": "read", "days": 30}
    ).content.decode()
    key = ApiKey.objects.get()
    assert 'id="new-key"' in page and f"kc_{key.prefix}_" in page
    assert 'id="new-key"' not in client.get(reverse("account:keys")).content.decode()
    assert abs(key.expires_at - key.created_at - dt.timedelta(days=30)) < dt.timedelta(seconds=5)
    too_long = {"name": "x", "access": "read", "days": settings.API_KEY_MAX_DAYS + 1}
    client.post(reverse("account:keys"), too_long)
    assert ApiKey.objects.count() == 1


def test_calls_beyond_the_rate_are_429_with_retry_after(settings, province_admin):
    cache.clear()
    settings.API_RATE_ANON = "3/m"
    settings.API_RATE_USER = "5/m"
    anonymous = Client(REMOTE_ADDR="10.7.7.7")
    answers = [anonymous.get("/api/v1/registry/banks").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = anonymous.get("/api/v1/registry/banks")
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "频繁" in response.json()["detail"]
    # An account counts apart from the address it calls from.
    _key, token = apikeys.issue(actor=province_admin, name="k")
    assert [get(token) for _ in range(6)] == [200] * 5 + [429]
    cache.clear()


def test_a_retried_post_is_answered_once(province_admin):
    job = Job.objects.create(
        kind="core.selftest", created_by=province_admin, scope="province", status="failed"
    )
    _key, token = apikeys.issue(actor=province_admin, name="k", access="write")
    c = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_IDEMPOTENCY_KEY": "retry-1"}
    first = c.post(f"{JOBS}/{job.pk}/retry", **headers)
    again = c.post(f"{JOBS}/{job.pk}/retry", **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Job.objects.filter(retry_of=job).count() == 1
    other = Job.objects.create(
        kind="core.selftest", created_by=province_admin, scope="province", status="failed"
    )
    reused = c.post(f"{JOBS}/{other.pk}/retry", **headers)
    assert reused.status_code == 422 and not Job.objects.filter(retry_of=other).exists()
    assert IdempotentRequest.objects.count() == 1
    IdempotentRequest.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    assert idempotency.sweep() == 1


def test_a_machine_client_downloads_a_jobs_file_with_its_key(province_admin, city_admin):
    from kechuang.core import jobs

    job = Job.objects.create(kind="core.selftest", created_by=province_admin, scope="province")
    jobs.save_result(job, "名单.csv", "名称\n甲\n".encode())
    _key, token = apikeys.issue(actor=province_admin, name="k")
    listed = Client().get(f"{JOBS}/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert listed["download_url"] == f"{JOBS}/{job.pk}/file"
    response = Client().get(listed["download_url"], HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "名称\n甲\n".encode()
    _key, city_token = apikeys.issue(actor=city_admin, name="k")
    assert get(city_token, f"{JOBS}/{job.pk}/file") == 404  # not the city's job
