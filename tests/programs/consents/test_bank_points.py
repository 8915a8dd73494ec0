"""Innovation points for banks: only enterprises whose consent to that bank is in force and
covers the points; consents granted and revoked by the enterprise, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kechuang.core.models import AuditEntry
from kechuang.core.roles import Role
from kechuang.programs.consents import selectors as sel
from kechuang.programs.consents.services import consent_grant, consent_revoke
from kechuang.programs.runs import selectors as runs
from kechuang.registry.models import DataConsent
from tests.factories import BankFactory, UserFactory
from tests.programs.runs_support import firm, run

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def banker(bank):
    return UserFactory(username="banker", role=Role.BANK, organization_id=bank.pk)


@pytest.fixture
def world(bank, province_admin):
    today = timezone.localdate()
    other_bank = BankFactory(name="他行")
    names = (
        "授权积分",
        "授权登记",
        "已过期",
        "已撤回",
        "授权他行",
        "其他范围",
        "未来生效",
        "未授权",
    )
    firms = {n: firm(n) for n in names}

    def consent(name: str, scope: str = "innovation_points", **kw: object) -> None:
        DataConsent.objects.create(
            enterprise=firms[name],
            bank=kw.pop("to", bank),
            scope=scope,
            granted_on=kw.pop("granted_on", today - 10 * DAY),
            expires_on=kw.pop("expires_on", today + 10 * DAY),
            **kw,
        )

    consent("授权积分")
    consent("授权登记", scope="registry")
    consent("已过期", expires_on=today - DAY)
    consent("已撤回", revoked_at=timezone.now())
    consent("授权他行", to=other_bank)
    consent("其他范围", scope="loans")
    consent("未来生效", granted_on=today + DAY, expires_on=today + 30 * DAY)
    run(province_admin, program="innovation-points")
    return firms


def test_a_bank_sees_the_points_of_enterprises_that_consented_to_it(world, banker):
    rows = sel.bank_points(user=banker)
    assert {r.enterprise.name for r in rows} == {"授权积分", "授权登记"}
    for r in rows:
        assert r.program == "innovation-points" and r.score is not None
        assert len(r.criterion_points) > 10 and r.stage and r.rank and r.cohort_size == 8
        assert runs.explanation(r, "en")[0].startswith(("Passed", "Not passed"))


def test_only_the_latest_result_of_each_enterprise_is_listed(world, banker, province_admin):
    newer = run(province_admin, program="innovation-points")
    rows = list(sel.bank_points(user=banker))
    assert len(rows) == 2 and {r.run_id for r in rows} == {newer.pk}


@pytest.mark.parametrize(
    "role", [Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ENTERPRISE, Role.EXPERT, Role.INSTITUTION]
)
def test_other_roles_get_nothing_from_the_bank_list(world, role):
    user = UserFactory(role=role, city_id="210100" if role == Role.CITY_ADMIN else None)
    assert not sel.bank_points(user=user).exists()


def test_a_bank_sees_no_other_results_through_the_results_list(world, banker):
    assert not runs.result_list(user=banker).exists()


def test_revoking_hides_the_points_at_once(world, banker):
    firm_user = UserFactory(role=Role.ENTERPRISE, organization_id=world["授权积分"].pk)
    consent = DataConsent.objects.get(enterprise=world["授权积分"])
    consent_revoke(actor=firm_user, consent=consent)
    assert {r.enterprise.name for r in sel.bank_points(user=banker)} == {"授权登记"}
    with pytest.raises(ValidationError):
        consent_revoke(actor=firm_user, consent=consent)


def test_consents_are_granted_and_revoked_by_the_enterprise_only_and_audited(world, bank, banker):
    e = world["未授权"]
    owner = UserFactory(role=Role.ENTERPRISE, organization_id=e.pk)
    stranger = UserFactory(role=Role.ENTERPRISE, organization_id=world["授权积分"].pk)
    expires = timezone.localdate() + 90 * DAY
    with pytest.raises(PermissionDenied):
        consent_grant(actor=stranger, enterprise=e, bank=bank, scope="registry", expires_on=expires)
    with pytest.raises(PermissionDenied):
        consent_grant(actor=banker, enterprise=e, bank=bank, scope="registry", expires_on=expires)
    with pytest.raises(ValidationError):
        consent_grant(actor=owner, enterprise=e, bank=bank, scope="loans", expires_on=expires)

    c = consent_grant(
        actor=owner, enterprise=e, bank=bank, scope="innovation_points", expires_on=expires
    )
    assert "未授权" in {r.enterprise.name for r in sel.bank_points(user=banker)}
    with pytest.raises(PermissionDenied):
        consent_revoke(actor=banker, consent=c)
    consent_revoke(actor=owner, consent=c)

    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(DataConsent), object_id=str(c.pk)
    ).order_by("id")
    assert [(x.action, x.actor) for x in entries] == [("create", owner), ("update", owner)]
    assert entries[1].changes["revoked_at"][0] is None


def test_the_pages_list_points_for_the_bank_and_consents_for_the_enterprise(
    world, bank, banker, client
):
    client.force_login(banker)
    page = client.get(reverse("programs:bank_points")).content.decode()
    assert "授权积分" in page and "授权登记" in page
    assert "已过期" not in page and "已撤回" not in page and "授权他行" not in page

    e = world["未授权"]
    client.force_login(UserFactory(role=Role.ENTERPRISE, organization_id=e.pk))
    expires = (timezone.localdate() + 30 * DAY).isoformat()
    granted = client.post(
        reverse("programs:consents"),
        {"bank": bank.pk, "scope": "registry", "expires_on": expires},
    )
    assert granted.status_code == 302
    c = DataConsent.objects.get(enterprise=e)
    listing = client.get(reverse("programs:consents")).content.decode()
    assert bank.name in listing and "授权他行" not in listing
    past = client.post(
        reverse("programs:consents"),
        {"bank": bank.pk, "scope": "registry", "expires_on": "2000-01-01"},
    )
    assert past.status_code == 200 and DataConsent.objects.filter(enterprise=e).count() == 1
    assert client.post(reverse("programs:consent_revoke", args=[c.pk])).status_code == 302
    c.refresh_from_db()
    assert c.revoked_at is not None
    # Someone else's consent is not there for this enterprise.
    other = DataConsent.objects.get(enterprise=world["授权积分"])
    assert client.post(reverse("programs:consent_revoke", args=[other.pk])).status_code == 404

    client.force_login(banker)
    assert client.get(reverse("programs:consents")).status_code == 403
    mine = DataConsent.objects.get(enterprise=world["授权登记"])
    assert client.post(reverse("programs:consent_revoke", args=[mine.pk])).status_code == 403
