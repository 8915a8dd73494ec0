"""The registry of the demo province yields the bulletin's figures when its rows are counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from kechuang.demo import builder
from kechuang.demo.targets import load
from kechuang.registry.models import (
    BankBranch,
    Enterprise,
    Person,
    Platform,
    PlatformInvestment,
)
from tests.demo.conftest import SCALE, SEED, write_targets

pytestmark = pytest.mark.django_db

END = dt.date(2023, 6, 30)
START = dt.date(2023, 1, 1)


def national_platforms(on: dt.date) -> int:
    return (
        Platform.objects.filter(level="national", approved_on__lte=on)
        .exclude(status="revoked")
        .count()
    )


def lab_members():
    return Person.objects.filter(memberships__platform__kind="provincial_lab").distinct()


def counted() -> dict[str, object]:
    """Each figure counted from records with plain queries, as the bulletin would."""
    members = lab_members()
    facilities = Platform.objects.filter(kind="large_facility")
    pilot = Platform.objects.filter(kind="pilot_base", level="provincial")
    return {
        "F01": Platform.objects.filter(kind="national_key_lab", approved_on__lte=END).count(),
        "F02": national_platforms(END),
        "F02_start": national_platforms(START - dt.timedelta(days=1)),
        "F03": Platform.objects.filter(kind="provincial_lab").count(),
        "F04": members.count(),
        "F05": members.filter(title__in=["cas", "cae"]).count(),
        "F06": members.filter(title="foreign_academician").count(),
        "F07": members.filter(title="national_talent").count(),
        "F08": Platform.objects.filter(
            kind="industry_academia", parent__kind="provincial_lab", co_builders__isnull=False
        )
        .distinct()
        .count(),
        "F10": [
            facilities.count(),
            int(
                PlatformInvestment.objects.filter(platform__in=facilities).aggregate(
                    s=Sum("amount")
                )["s"]
            ),
        ],
        "F11": Platform.objects.filter(kind="ai_compute", level="national").count(),
        "F23": BankBranch.objects.filter(is_tech_branch=True).count(),
        "F25": Enterprise.objects.filter(listing_status="listed", listing_board="star").count(),
        "F26": [
            pilot.filter(approved_on__gte=START, approved_on__lte=END).count(),
            pilot.filter(approved_on__lte=END).count(),
        ],
    }


def test_bulletin_figures_hold_by_counting(demo):
    assert counted() == {
        "F01": 11, "F02": 40, "F02_start": 34, "F03": 4, "F04": 482, "F05": 16, "F06": 2,
        "F07": 83, "F08": 6, "F10": [3, 1_036_480_000], "F11": 2, "F23": 14, "F25": 8,
        "F26": [14, 36],
    }  # fmt: skip


def test_facility_investment_exceeds_one_billion(demo):
    total = PlatformInvestment.objects.filter(platform__kind="large_facility").aggregate(
        s=Sum("amount")
    )["s"]
    assert total > 1_000_000_000


def test_named_labs_and_partners_are_there(demo):
    assert set(Platform.objects.filter(kind="provincial_lab").values_list("name", flat=True)) == {
        "辽宁材料实验室", "辽宁辽河实验室", "辽宁滨海实验室", "辽宁黄海实验室",
    }  # fmt: skip
    partners = set(
        Enterprise.objects.filter(co_built_platforms__kind="industry_academia").values_list(
            "name", flat=True
        )
    )
    assert {"鞍钢集团有限公司", "瓦房店轴承集团有限责任公司"} <= partners
    assert any("黎明" in name for name in partners)
    assert set(Platform.objects.filter(kind="ai_compute").values_list("city_id", flat=True)) == {
        "210100", "210200",
    }  # fmt: skip
    hosts = set(
        Platform.objects.filter(kind="national_key_lab").values_list(
            "host_institution__name", flat=True
        )
    )
    assert {"东北大学", "大连理工大学", "中国科学院大连化学物理研究所"} <= hosts


def test_other_targets_give_other_counts(db, tmp_path):
    path = write_targets(
        tmp_path,
        {
            "figures.F01": "9", "figures.F02": "30", "start_of_period.F02": "27",
            "figures.F03": "5", "figures.F04": "300", "figures.F05": "10", "figures.F06": "1",
            "figures.F07": "50", "figures.F08": "8", "figures.F10": "[2, 500_000_000]",
            "figures.F11": "1", "figures.F23": "9", "figures.F25": "5", "figures.F26": "[5, 20]",
        },
    )  # fmt: skip
    builder.build(seed=SEED, scale=SCALE, targets=load(path), out=lambda _: None)
    assert counted() == {
        "F01": 9, "F02": 30, "F02_start": 27, "F03": 5, "F04": 300, "F05": 10, "F06": 1,
        "F07": 50, "F08": 8, "F10": [2, 500_000_000], "F11": 1, "F23": 9, "F25": 5,
        "F26": [5, 20],
    }  # fmt: skip


def test_enterprise_count_follows_the_scale(db, targets):
    builder.build(seed=SEED, scale=0.03, targets=targets, out=lambda _: None)
    assert Enterprise.objects.count() == round(45_000 * 0.03)
