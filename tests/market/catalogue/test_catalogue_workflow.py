"""The catalogue's workflows: publishing and withdrawing achievements, closing demands,
and who sees an achievement's contact person."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kechuang.core.models import AuditEntry
from kechuang.market.catalogue import services
from kechuang.market.models import Achievement, CatalogueEvent, TechDemand
from tests.factories import (
    AchievementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    TechDemandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def audited(obj) -> list[str]:
    ct = ContentType.objects.get_for_model(type(obj))
    return list(
        AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def events(**link) -> list[str]:
    return list(CatalogueEvent.objects.filter(**link).values_list("kind", flat=True))


@pytest.fixture
def owner(institution):
    return UserFactory(role="institution", organization_id=institution.pk)


@pytest.fixture
def draft(institution):
    return AchievementFactory(
        institution=institution, status=Achievement.Status.DRAFT, published_on=None, contact="张三"
    )


def test_publish_withdraw_and_publish_again_keep_the_first_date(owner, draft):
    published = services.achievement_publish(actor=owner, achievement=draft)
    first = published.published_on
    assert (published.status, first is not None) == (Achievement.Status.PUBLISHED, True)
    services.achievement_publish(actor=owner, achievement=published, publish=False)
    again = services.achievement_publish(actor=owner, achievement=published)
    assert (again.status, again.published_on) == (Achievement.Status.PUBLISHED, first)
    assert events(achievement=draft) == [
        "achievement_published",
        "achievement_withdrawn",
        "achievement_published",
    ]
    assert CatalogueEvent.objects.filter(actor=owner).count() == 3
    assert audited(draft) == ["update"] * 3


def test_a_refused_transition_changes_nothing(owner, draft, institution):
    stranger = UserFactory(role="institution", organization_id=InstitutionFactory().pk)
    with pytest.raises(PermissionDenied):
        services.achievement_publish(actor=stranger, achievement=draft)
    with pytest.raises(ValidationError) as exc:
        services.achievement_publish(actor=owner, achievement=draft, publish=False)
    assert exc.value.code == "bad_status"
    draft.refresh_from_db()
    assert (draft.status, draft.published_on) == (Achievement.Status.DRAFT, None)
    assert events(achievement=draft) == [] and audited(draft) == []


def test_the_page_offers_the_actions_of_the_workflow(client, owner, draft):
    url = reverse("market:achievement_detail", args=[draft.pk])
    client.force_login(owner)
    assert reverse("market:achievement_publish", args=[draft.pk]) in client.get(url).text
    client.post(reverse("market:achievement_publish", args=[draft.pk]))
    page = client.get(url).text
    assert reverse("market:achievement_withdraw", args=[draft.pk]) in page
    # Publishing what is published is refused with a message, not an error page.
    response = client.post(reverse("market:achievement_publish", args=[draft.pk]), follow=True)
    assert response.status_code == 200 and "不能执行此操作" in response.text
    client.logout()
    page = client.get(url).text
    assert reverse("market:achievement_withdraw", args=[draft.pk]) not in page


def test_the_contact_person_is_personal_data(client, owner, draft, enterprise_user):
    draft.status = Achievement.Status.PUBLISHED
    draft.save()
    page = reverse("market:achievement_detail", args=[draft.pk])
    api = f"/api/v1/market/achievements/{draft.pk}"
    assert "张三" not in client.get(page).text and "张*" not in client.get(page).text
    body = client.get(api).json()
    assert (body["contact"], body["actions"]) == (None, [])
    client.force_login(enterprise_user)
    assert "张*" in client.get(page).text and "张三" not in client.get(page).text
    assert client.get(api).json()["contact"] == "张*"
    client.force_login(owner)
    assert "张三" in client.get(page).text
    body = client.get(api).json()
    assert body["contact"] == "张三"
    assert [a["name"] for a in body["actions"]] == ["withdraw"]


@pytest.fixture
def demand_owner(enterprise):
    return UserFactory(role="enterprise", organization_id=enterprise.pk)


def test_closing_a_demand(client, enterprise, demand_owner):
    demand = TechDemandFactory(enterprise=enterprise)
    other = UserFactory(role="enterprise", organization_id=EnterpriseFactory().pk)
    with pytest.raises(PermissionDenied):
        services.demand_close(actor=other, demand=demand)
    assert TechDemand.objects.get(pk=demand.pk).status == TechDemand.Status.OPEN
    client.force_login(demand_owner)
    detail = reverse("market:demand_detail", args=[demand.pk])
    assert reverse("market:demand_close", args=[demand.pk]) in client.get(detail).text
    client.post(reverse("market:demand_close", args=[demand.pk]))
    demand.refresh_from_db()
    assert demand.status == TechDemand.Status.CLOSED
    assert events(demand=demand) == ["demand_closed"]
    assert audited(demand) == ["update"]
    # Closed: no more changes, and no buttons.
    page = client.get(detail).text
    assert reverse("market:demand_edit", args=[demand.pk]) not in page
    with pytest.raises(ValidationError) as exc:
        services.demand_update(actor=demand_owner, demand=demand, data={"title": "改"})
    assert exc.value.code == "locked"
    with pytest.raises(ValidationError) as exc:
        services.demand_close(actor=demand_owner, demand=demand)
    assert exc.value.code == "bad_status"
    assert events(demand=demand) == ["demand_closed"] and audited(demand) == ["update"]


def test_an_open_demand_is_corrected_through_its_workflow(enterprise, demand_owner):
    demand = TechDemandFactory(enterprise=enterprise)
    changed = services.demand_update(
        actor=demand_owner, demand=demand, data={"title": "新标题", "status": "closed"}
    )
    assert (changed.title, changed.status) == ("新标题", TechDemand.Status.OPEN)
    assert audited(demand) == ["update"]
