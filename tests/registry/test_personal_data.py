"""A contact person's name and mobile are personal data: in full for the record's own
organisation and the administrations of its scope, masked for other signed-in readers, never
shown to anonymous ones — on the pages, in their history, in the API and in exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from kechuang.core.models import HighTechZone
from kechuang.core.personal import mask_name, mask_phone
from kechuang.core.roles import Role
from kechuang.registry import services
from tests.factories import EnterpriseFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db
MOBILE, MASKED_MOBILE = "13812341234", "138****1234"
NAME, MASKED_NAME = "王建国", "王**"


def test_masks():
    assert mask_phone(MOBILE) == MASKED_MOBILE
    assert mask_phone("024-2389 1234") == "024****1234"
    assert mask_phone("12345") == "***45"
    assert mask_name(NAME) == MASKED_NAME
    assert mask_name("李") == "李*"


@pytest.fixture
def university(db):
    return InstitutionFactory(name="东北大学", contact=NAME, phone=MOBILE)  # city 210100


def _page(client, user, obj) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("registry:institution_detail", args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_readers_never_see_a_contact(client, university):
    page = _page(client, None, university)
    assert MOBILE not in page and MASKED_MOBILE not in page
    assert NAME not in page and MASKED_NAME not in page
    assert "东北大学" in page


def test_other_readers_see_it_masked(client, university, dalian_admin):
    other = InstitutionFactory()
    for user in (dalian_admin, UserFactory(role=Role.INSTITUTION, organization_id=other.pk)):
        client.logout()
        page = _page(client, user, university)
        assert MASKED_MOBILE in page and MOBILE not in page
        assert MASKED_NAME in page and NAME not in page


def test_own_organisation_and_scope_admins_see_it_in_full(
    client, university, city_admin, province_admin
):
    own = UserFactory(role=Role.INSTITUTION, organization_id=university.pk)
    for user in (own, city_admin, province_admin):
        client.logout()
        page = _page(client, user, university)
        assert MOBILE in page and NAME in page


def test_the_history_does_not_give_the_number_away(client, university, province_admin):
    services.organization_update(
        actor=province_admin, obj=university, data={"phone": "13900001111"}
    )
    assert "13900001111" not in _page(client, None, university)
    assert MOBILE not in _page(client, None, university)
    client.logout()
    page = _page(client, UserFactory(role=Role.CITY_ADMIN, city_id="210200"), university)
    assert "139****1111" in page and "13900001111" not in page


def test_exports_mask_the_rows_outside_the_readers_scope(client, university, dalian_admin):
    InstitutionFactory(
        name="大连理工大学", city_id="210200", region_id="210202", phone="13900002222"
    )
    client.force_login(dalian_admin)
    body = client.get(reverse("registry:institution_export"), {"format": "csv"}).content
    rows = {r[1]: r for r in csv.reader(io.StringIO(body.decode("utf-8-sig")))}
    assert rows["东北大学"][-1] == MASKED_MOBILE and rows["东北大学"][-2] == MASKED_NAME
    assert rows["大连理工大学"][-1] == "13900002222"


def test_the_api_masks_an_enterprise_contact_for_its_zone(client, city_admin):
    zone = HighTechZone.objects.filter(city_id="210100").first()
    firm = EnterpriseFactory(zone=zone, contact=NAME, phone=MOBILE)
    url = f"/api/v1/registry/enterprises/{firm.pk}"
    client.force_login(UserFactory(role=Role.ZONE_ADMIN, zone_id=zone.pk))
    body = client.get(url).json()
    assert (body["contact"], body["phone"]) == (MASKED_NAME, MASKED_MOBILE)
    client.force_login(city_admin)
    body = client.get(url).json()
    assert (body["contact"], body["phone"]) == (NAME, MOBILE)
