"""A solver may not be the issuer of a challenge, nor affiliated with it (rules.md §6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kechuang.market.challenges import affiliation, services
from kechuang.market.models import Affiliation, ChallengeBid, ChallengeEvent
from tests.factories import (
    ChallengeFactory,
    EnterpriseFactory,
    InstitutionFactory,
    PlatformFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DURING = dt.date(2023, 5, 1)  # before the factory challenge's deadline


@pytest.fixture
def issuer(db):
    return EnterpriseFactory(name="沈阳新材料集团")


@pytest.fixture
def challenge(issuer):
    return ChallengeFactory(issuer=issuer)


def user_of(org, role="enterprise"):
    return UserFactory(role=role, organization_id=org.pk)


def bid(actor, challenge, **data):
    return services.bid_submit(
        actor=actor, challenge=challenge, data={"proposal": "联合攻关方案", **data}, on=DURING
    )


def refused(actor, challenge, **data) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        bid(actor, challenge, **data)
    assert not ChallengeBid.objects.exists(), "a refused bid leaves nothing behind"
    assert not ChallengeEvent.objects.filter(kind="bid_submitted").exists()
    return exc.value


def test_the_issuer_cannot_take_its_own_challenge(challenge, issuer):
    error = refused(user_of(issuer), challenge)
    assert error.code == "solver_is_issuer"
    assert error.messages == ["揭榜方不能是发榜企业本身"]


def test_an_outside_party_with_the_issuers_code_is_the_issuer(challenge, issuer, province_admin):
    error = refused(
        province_admin,
        challenge,
        solver_name="新材料集团(香港)",
        solver_kind="enterprise",
        solver_uscc=issuer.uscc.lower(),
    )
    # A registered code names the registered enterprise: it is the issuer itself.
    assert error.code == "solver_is_issuer"


def test_an_outside_party_named_like_the_issuer_is_refused(challenge, issuer, province_admin):
    error = refused(
        province_admin,
        challenge,
        solver_name=" 沈阳新材料集团 ",
        solver_kind="enterprise",
        solver_country="CN",
    )
    assert error.code == "solver_is_issuer"


def test_a_subsidiary_is_refused_with_the_tie_named(challenge, issuer):
    subsidiary = EnterpriseFactory(name="沈阳新材料检测有限公司")
    Affiliation.objects.create(
        kind="parent",
        first_uscc=issuer.uscc,
        first_name=issuer.name,
        second_uscc=subsidiary.uscc,
        second_name=subsidiary.name,
    )
    error = refused(user_of(subsidiary), challenge)
    assert error.code == "solver_affiliated"
    assert error.messages == [
        "揭榜方与发榜企业存在关联关系:母子公司(沈阳新材料集团 — 沈阳新材料检测有限公司)"
    ]


def test_a_parent_is_refused_too_the_tie_reads_both_ways(issuer):
    parent = EnterpriseFactory(name="辽宁控股集团")
    Affiliation.objects.create(
        kind="parent",
        first_uscc=parent.uscc,
        first_name=parent.name,
        second_uscc=issuer.uscc,
        second_name=issuer.name,
    )
    error = refused(user_of(parent), ChallengeFactory(issuer=issuer))
    assert error.code == "solver_affiliated"


def test_a_shared_controller_ties_an_institution(challenge, issuer):
    institute = InstitutionFactory(name="沈阳新材料研究院", kind="new_rd")
    Affiliation.objects.create(
        kind="shared_controller",
        first_uscc=institute.uscc,
        first_name=institute.name,
        second_uscc=issuer.uscc,
        second_name=issuer.name,
        note="同一国资控股",
    )
    error = refused(user_of(institute, "institution"), challenge)
    assert error.code == "solver_affiliated" and "同一控制人" in error.messages[0]


def test_the_host_of_a_platform_the_issuer_co_builds_is_refused(challenge, issuer):
    university = InstitutionFactory(name="东北测试大学")
    lab = PlatformFactory(name="先进材料联合实验室", host_institution=university)
    lab.co_builders.add(issuer)
    error = refused(user_of(university, "institution"), challenge)
    assert error.code == "solver_hosts_issuer_platform"
    assert error.messages == ["揭榜方是发榜企业参与共建的平台“先进材料联合实验室”的依托单位"]


def test_a_co_builder_of_the_issuers_own_platform_is_refused(challenge, issuer):
    partner = EnterpriseFactory()
    centre = PlatformFactory(name="轴承钢工程中心", host_enterprise=issuer)
    centre.co_builders.add(partner)
    error = refused(user_of(partner), challenge)
    assert error.code == "solver_co_builds_issuer_platform"


def test_a_revoked_platform_no_longer_ties(challenge, issuer):
    university = InstitutionFactory()
    lab = PlatformFactory(host_institution=university, status="revoked")
    lab.co_builders.add(issuer)
    made = bid(user_of(university, "institution"), challenge)
    assert made.solver_institution == university


def test_unrelated_solvers_bid_domestic_and_foreign(challenge, issuer, province_admin):
    other = EnterpriseFactory()
    Affiliation.objects.create(
        kind="parent",
        first_uscc=other.uscc,
        first_name=other.name,
        second_uscc=EnterpriseFactory().uscc,
        second_name="无关子公司",
    )
    domestic = bid(user_of(other), challenge)
    foreign = bid(
        province_admin,
        challenge,
        solver_name="Fraunhofer-Institut für Werkstoffmechanik",
        solver_kind="institute",
        solver_country="de",
    )
    assert domestic.solver_kind == "enterprise" and not domestic.is_foreign
    assert foreign.is_foreign and foreign.solver_country == "DE" and foreign.solver_uscc == ""
    assert ChallengeEvent.objects.filter(kind="bid_submitted").count() == 2


def test_an_affiliation_needs_two_parties(issuer):
    with pytest.raises(ValidationError):
        Affiliation(
            kind="other",
            first_uscc=issuer.uscc,
            first_name="a",
            second_uscc=issuer.uscc,
            second_name="b",
        ).full_clean()


def test_the_same_code_ties_whatever_the_name(issuer):
    found = affiliation.tie(issuer, uscc=issuer.uscc, name="Another Name Ltd")
    assert found is not None and found.code == "solver_same_uscc"
    assert found.text() == f"揭榜方与发榜企业的统一社会信用代码相同({issuer.uscc})"
    assert affiliation.tie(issuer, uscc="", name="Another Name Ltd") is None


def test_staff_keep_affiliations_in_the_admin_and_it_is_audited(client, challenge, issuer):
    from django.contrib.contenttypes.models import ContentType

    from kechuang.core.models import AuditEntry

    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    subsidiary = EnterpriseFactory()
    response = client.post(
        "/admin/market/affiliation/add/",
        {
            "kind": "parent",
            "first_uscc": issuer.uscc,
            "first_name": issuer.name,
            "second_uscc": subsidiary.uscc,
            "second_name": subsidiary.name,
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    link = Affiliation.objects.get()
    ct = ContentType.objects.get_for_model(Affiliation)
    [entry] = AuditEntry.objects.filter(content_type=ct, object_id=str(link.pk))
    assert (entry.actor, entry.action, entry.source) == (staff, "create", "admin")
    assert refused(user_of(subsidiary), challenge).code == "solver_affiliated"
    assert client.get("/admin/market/affiliation/", {"q": issuer.name}).status_code == 200
