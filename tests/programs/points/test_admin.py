"""Pilot zones of innovation points are kept by the province's staff in the Django admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from kechuang.core.models import AuditEntry, HighTechZone
from kechuang.programs.points.models import PointsPilotZone
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(settings) -> Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_a_pilot_zone_is_added_listed_and_audited(staff):
    zone = HighTechZone.objects.order_by("pk").first()
    response = staff.post(
        reverse("admin:programs_pointspilotzone_add"),
        {"zone": zone.pk, "since": "2023-03-17"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    pilot = PointsPilotZone.objects.get(zone=zone)
    assert pilot.since == dt.date(2023, 3, 17)
    ct = ContentType.objects.get_for_model(PointsPilotZone)
    (entry,) = AuditEntry.objects.filter(content_type=ct, object_id=str(pilot.pk))
    assert (entry.action, entry.source) == ("create", "admin")
    listing = staff.get(reverse("admin:programs_pointspilotzone_changelist"), {"q": zone.name})
    assert listing.status_code == 200 and zone.name in listing.content.decode()
    # One record per zone.
    again = staff.post(
        reverse("admin:programs_pointspilotzone_add"), {"zone": zone.pk, "since": "2024-01-01"}
    )
    assert again.status_code == 200 and PointsPilotZone.objects.count() == 1
