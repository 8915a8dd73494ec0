"""Consents to banks as a workflow: only the enterprise revokes, only a consent in force, and
the page offers the revocation exactly when the workflow does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kechuang.core import audit
from kechuang.core.roles import Role
from kechuang.programs.consents.services import consent_grant, consent_revoke
from kechuang.programs.consents.workflow import CONSENT
from kechuang.registry.models import DataConsent
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
S = DataConsent.Status


@pytest.fixture
def consent(enterprise_user, enterprise, bank):
    return consent_grant(
        actor=enterprise_user,
        enterprise=enterprise,
        bank=bank,
        scope="registry",
        expires_on=timezone.localdate() + 30 * DAY,
    )


def test_a_granted_consent_is_live_and_the_enterprise_alone_may_revoke_it(
    consent, enterprise_user, bank
):
    assert consent.status == S.GRANTED and consent.state_label == "有效"
    banker = UserFactory(role=Role.BANK, organization_id=bank.pk)
    other_firm = UserFactory(role=Role.ENTERPRISE, organization_id=EnterpriseFactory().pk)
    assert [t.name for t in CONSENT.available(enterprise_user, consent)] == ["revoke"]
    for stranger in (banker, other_firm):
        assert CONSENT.available(stranger, consent) == []
        with pytest.raises(PermissionDenied):
            consent_revoke(actor=stranger, consent=consent)


def test_revoking_records_the_time_and_the_status_follows(consent, enterprise_user):
    consent_revoke(actor=enterprise_user, consent=consent)
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert consent.status == S.REVOKED and consent.state_label == "已撤回"
    entry = audit.history(consent).order_by("id").last()
    assert entry.actor == enterprise_user and entry.changes["status"] == ["granted", "revoked"]
    with pytest.raises(ValidationError) as e:
        consent_revoke(actor=enterprise_user, consent=consent)
    assert e.value.code == "bad_status"


def test_an_expired_consent_is_not_revoked(enterprise_user, enterprise, bank):
    today = timezone.localdate()
    old = DataConsent.objects.create(
        enterprise=enterprise,
        bank=bank,
        granted_on=today - 60 * DAY,
        expires_on=today - DAY,
    )
    assert old.state_label == "已到期"
    assert CONSENT.available(enterprise_user, old) == []
    with pytest.raises(ValidationError, match="已到期"):
        consent_revoke(actor=enterprise_user, consent=old)


def test_a_revocation_in_the_database_alone_is_seen_as_revoked(consent):
    DataConsent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    assert DataConsent.objects.get(pk=consent.pk).status == S.REVOKED


def test_the_page_shows_the_revoke_button_exactly_when_it_is_open(client, consent, enterprise_user):
    client.force_login(enterprise_user)
    revoke = reverse("programs:consent_revoke", args=[consent.pk])
    page = client.get(reverse("programs:consents")).content.decode()
    assert revoke in page and str(CONSENT["revoke"].confirm) in page
    assert client.post(revoke).status_code == 302
    page = client.get(reverse("programs:consents")).content.decode()
    assert revoke not in page and "已撤回" in page
