"""Matching on the database: fresh indexes, scope, institutions, experts, enterprises, API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from kechuang.market.catalogue import services as catalogue_services
from kechuang.market.matching import index, selectors
from kechuang.market.models import Achievement, TechDemand
from kechuang.registry.models import Person
from tests.factories import (
    AchievementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    TechDemandFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/market"
ANODE = "硅碳负极材料及其制备方法"
ANODE_TEXT = "抑制硅在锂离子电池充放电中的体积膨胀，首次效率和循环寿命显著提高。"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(enterprise, enterprise_user, institution):
    other_inst = InstitutionFactory(name="大连某研究所", city_id="210200", region_id="210202")
    other_firm = EnterpriseFactory(name="别家电池公司", industry_id="38")
    return {
        "published": AchievementFactory(
            institution=institution, title=ANODE, abstract=ANODE_TEXT, field_id="05", trl=7
        ),
        "lab": AchievementFactory(
            institution=other_inst,
            title="硅负极体积膨胀机理",
            abstract="研究硅负极的体积膨胀规律。",
            field_id="05",
            trl=2,
        ),
        "draft": AchievementFactory(
            institution=other_inst,
            title="硅碳负极改性草稿",
            abstract="硅碳负极体积膨胀抑制。",
            status=Achievement.Status.DRAFT,
        ),
        "unrelated": AchievementFactory(
            institution=institution, title="海参苗种繁育", abstract="海参池塘养殖。", field_id="09"
        ),
        "demand": TechDemandFactory(
            enterprise=enterprise,
            title="动力电池负极材料需求",
            problem="电池容量衰减快，希望引进硅碳负极技术抑制体积膨胀。",
            field_id="05",
            budget=Decimal("3000000.00"),
        ),
        "private_mine": TechDemandFactory(
            enterprise=enterprise,
            title="负极材料保密需求",
            problem="硅碳负极首次效率低。",
            field_id="05",
            is_public=False,
        ),
        "private_other": TechDemandFactory(
            enterprise=other_firm,
            title="别家保密负极需求",
            problem="硅碳负极体积膨胀。",
            field_id="05",
            is_public=False,
        ),
        "closed": TechDemandFactory(
            enterprise=other_firm,
            title="已关闭的负极需求",
            problem="硅碳负极体积膨胀。",
            field_id="05",
            status=TechDemand.Status.CLOSED,
        ),
        "public_other": TechDemandFactory(
            enterprise=other_firm,
            title="别家公开负极需求",
            problem="硅碳负极循环寿命短。",
            field_id="05",
            deadline=timezone.localdate() + dt.timedelta(days=30),
        ),
        "other_inst": other_inst,
        "other_firm": other_firm,
    }


def titles(matches) -> list[str]:
    return [m.achievement.title for m in matches]


def test_a_demand_gets_the_relevant_published_achievements_first(world, enterprise_user):
    result = selectors.demand_matches(user=enterprise_user, pk=world["demand"].pk)
    assert titles(result.achievements)[:2] == [ANODE, "硅负极体积膨胀机理"]
    top = result.achievements[0].match
    assert {"硅碳", "负极", "体积", "膨胀"} <= {t.term for t in top.terms}
    assert top.field_match and top.component("maturity").value == 0.75  # type: ignore[union-attr]
    # Drafts are not offered, not even to the province; nothing shares a term with the sea.
    admin = UserFactory(role="province_admin")
    for user in (enterprise_user, admin, AnonymousUser()):
        found = titles(selectors.demand_matches(user=user, pk=world["demand"].pk).achievements)
        assert "硅碳负极改性草稿" not in found and "海参苗种繁育" not in found


def test_the_index_follows_creation_edit_and_deletion(world, institution):
    owner = UserFactory(role="institution", organization_id=institution.pk)
    demand = TechDemandFactory(title="普鲁士蓝正极", problem="寻求普鲁士蓝类正极", field_id="05")
    assert titles(selectors.demand_matches(user=owner, pk=demand.pk).achievements) == []

    created = catalogue_services.achievement_create(
        actor=owner,
        institution=institution,
        data={"title": "普鲁士蓝正极", "abstract": "一种正极。", "field_id": "05", "trl": 6},
    )
    catalogue_services.achievement_publish(actor=owner, achievement=created)
    before = index.builds()["achievements"]
    assert titles(selectors.demand_matches(user=owner, pk=demand.pk).achievements) == [
        "普鲁士蓝正极"
    ]
    assert index.builds()["achievements"] == before + 1  # rebuilt once, lazily
    selectors.demand_matches(user=owner, pk=demand.pk)
    assert index.builds()["achievements"] == before + 1  # and not again without a change

    created.refresh_from_db()
    catalogue_services.achievement_update(
        actor=owner, achievement=created, data={"title": "层状氧化物", "abstract": "储能。"}
    )
    assert titles(selectors.demand_matches(user=owner, pk=demand.pk).achievements) == []
    catalogue_services.achievement_update(
        actor=owner, achievement=created, data={"abstract": "普鲁士蓝类正极。"}
    )
    assert titles(selectors.demand_matches(user=owner, pk=demand.pk).achievements) == ["层状氧化物"]
    Achievement.objects.filter(pk=created.pk).get().delete()
    assert titles(selectors.demand_matches(user=owner, pk=demand.pk).achievements) == []


def test_changes_of_other_processes_are_seen_through_the_fingerprint(world, settings):
    demand = TechDemandFactory(title="风电叶片结冰", problem="冬季叶片结冰", field_id="06")
    settings.MATCHING_CHECK_SECONDS = 3600
    anyone = AnonymousUser()
    assert titles(selectors.demand_matches(user=anyone, pk=demand.pk).achievements) == []
    # Written without signals, as another process (or a bulk load) would.
    Achievement.objects.filter(pk=world["unrelated"].pk).update(
        title="叶片防冰涂层", abstract="风电叶片结冰防护。", updated_at=timezone.now()
    )
    assert titles(selectors.demand_matches(user=anyone, pk=demand.pk).achievements) == []
    settings.MATCHING_CHECK_SECONDS = 0
    assert titles(selectors.demand_matches(user=anyone, pk=demand.pk).achievements) == [
        "叶片防冰涂层"
    ]


def test_an_achievement_gets_open_demands_it_may_see(world, enterprise_user, institution):
    pk = world["published"].pk
    owner = UserFactory(role="institution", organization_id=institution.pk)
    seen = {
        "owner": selectors.achievement_matches(user=owner, pk=pk),
        "firm": selectors.achievement_matches(user=enterprise_user, pk=pk),
        "anonymous": selectors.achievement_matches(user=AnonymousUser(), pk=pk),
        "province": selectors.achievement_matches(user=UserFactory(role="province_admin"), pk=pk),
    }
    found = {who: {m.demand.title for m in r.demands} for who, r in seen.items()}
    public = {"动力电池负极材料需求", "别家公开负极需求"}
    assert found["owner"] == found["anonymous"] == public
    assert found["firm"] == public | {"负极材料保密需求"}  # its own private one, no one else's
    assert found["province"] == public | {"负极材料保密需求", "别家保密负极需求"}
    for r in seen.values():  # closed demands are not offered
        assert "已关闭的负极需求" not in {m.demand.title for m in r.demands}
    top = seen["owner"].demands[0].match
    assert top.component("deadline") is not None and top.terms


def test_hidden_records_have_no_matches(world, enterprise_user):
    with pytest.raises(TechDemand.DoesNotExist):
        selectors.demand_matches(user=AnonymousUser(), pk=world["private_mine"].pk)
    with pytest.raises(Achievement.DoesNotExist):
        selectors.achievement_matches(user=enterprise_user, pk=world["draft"].pk)


def test_institutions_and_experts_for_a_demand(world, enterprise_user, institution):
    expert = Person.objects.create(name="甲研究员", institution=institution, field_id="05")
    Person.objects.create(name="乙研究员", institution=institution, field_id="09")
    academician = Person.objects.create(
        name="丙院士", title=Person.Title.CAE, institution=InstitutionFactory(), field_id="05"
    )
    province = UserFactory(role="province_admin")
    result = selectors.demand_matches(user=province, pk=world["demand"].pk)
    assert [i.institution for i in result.institutions] == [institution, world["other_inst"]]
    assert result.institutions[0].field_match
    assert [a.achievement.title for a in result.institutions[0].achievements] == [ANODE]
    names = [e.person.name for e in result.experts]
    assert set(names) == {"甲研究员", "丙院士"}  # the field's people; not the 09 one
    by_name = {e.person.name: e for e in result.experts}
    assert by_name["甲研究员"].institution_score > 0 and by_name["丙院士"].title_score > 0
    # People without a title are not public: the enterprise sees only the academician.
    public = selectors.demand_matches(user=enterprise_user, pk=world["demand"].pk)
    assert [e.person for e in public.experts] == [academician]
    assert expert not in [e.person for e in public.experts]


def test_enterprises_for_an_achievement(world, enterprise, institution):
    # A materials firm (division 26) with no demand: found by industry, by those who see it.
    chemist = EnterpriseFactory(name="化工材料公司", industry_id="26")
    pk = world["published"].pk
    province = selectors.achievement_matches(user=UserFactory(role="province_admin"), pk=pk)
    firms = [e.enterprise for e in province.enterprises]
    assert firms[:2] == [enterprise, world["other_firm"]] or firms[:2] == [
        world["other_firm"],
        enterprise,
    ]
    assert chemist in firms
    by_firm = {e.enterprise: e for e in province.enterprises}
    assert by_firm[chemist].demands == [] and by_firm[chemist].industry_affinity == 1.0
    assert by_firm[chemist].score < min(
        by_firm[enterprise].score, by_firm[world["other_firm"]].score
    )
    owner = UserFactory(role="institution", organization_id=institution.pk)
    mine = selectors.achievement_matches(user=owner, pk=pk)
    assert chemist not in [e.enterprise for e in mine.enterprises]  # the register is not public
    assert {e.enterprise for e in mine.enterprises} == {enterprise, world["other_firm"]}


def test_pages_show_the_matches_and_why(client, world, enterprise_user):
    client.force_login(enterprise_user)
    demand = world["demand"]
    page = client.get(reverse("market:demand_matches", args=[demand.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and ANODE in html and "硅碳" in html
    assert "<html" in html and "硅碳负极改性草稿" not in html
    panel = client.get(reverse("market:demand_matches", args=[demand.pk]), HTTP_HX_REQUEST="true")
    assert ANODE in panel.content.decode() and "<html" not in panel.content.decode()
    detail = client.get(reverse("market:demand_detail", args=[demand.pk])).content.decode()
    assert f'hx-get="{reverse("market:demand_matches", args=[demand.pk])}"' in detail
    ach = client.get(reverse("market:achievement_matches", args=[world["published"].pk]))
    assert "别家公开负极需求" in ach.content.decode()
    assert "别家保密负极需求" not in ach.content.decode()
    hidden = reverse("market:demand_matches", args=[world["private_other"].pk])
    assert client.get(hidden).status_code == 404


def test_api_returns_matches_with_reasons(client, world):
    body = client.get(f"{API}/demands/{world['demand'].pk}/matches", {"limit": 1}).json()
    assert [a["title"] for a in body["achievements"]] == [ANODE]
    why = body["achievements"][0]["why"]
    assert {"硅碳", "负极"} <= {t["term"] for t in why["terms"]}
    assert {c["name"] for c in why["components"]} >= {"text", "field", "industry", "maturity"}
    assert why["field_match"] is True
    assert body["institutions"][0]["achievement_ids"] == [world["published"].pk]
    body = client.get(f"{API}/achievements/{world['published'].pk}/matches").json()
    assert {d["title"] for d in body["demands"]} == {"动力电池负极材料需求", "别家公开负极需求"}
    assert client.get(f"{API}/demands/{world['private_mine'].pk}/matches").status_code == 404
    assert client.get(f"{API}/achievements/{world['draft'].pk}/matches").status_code == 404
    assert client.get(f"{API}/demands/{world['demand'].pk}/matches?limit=0").status_code == 422


def test_the_demand_index_follows_demands_and_their_enterprise(world, institution):
    owner = UserFactory(role="institution", organization_id=institution.pk)
    pk = world["published"].pk

    def found() -> dict[str, float]:
        r = selectors.achievement_matches(user=owner, pk=pk)
        return {m.demand.title: m.match.industry_affinity for m in r.demands}

    # Division 39 takes up a little of field 05 (0.3 in signals.toml), division 38 nothing.
    assert found() == {"动力电池负极材料需求": 0.3, "别家公开负极需求": 0.0}
    firm = world["other_firm"]
    firm.industry_id = "26"  # chemicals: a main user of new materials (signals.toml)
    firm.save()
    assert found()["别家公开负极需求"] == 1.0
    demand = world["demand"]
    catalogue_services.demand_update(
        actor=UserFactory(role="province_admin"),
        demand=demand,
        data={"title": "食堂排烟", "problem": "厨房油烟大"},
    )
    assert set(found()) == {"别家公开负极需求"}
    TechDemandFactory(title="负极新需求", problem="硅碳负极", field_id="05")
    assert set(found()) == {"别家公开负极需求", "负极新需求"}
