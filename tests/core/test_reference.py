import pytest

from kechuang.core import reference
from kechuang.core.models import HighTechZone, Industry, IndustryCluster, Region, TechField

pytestmark = pytest.mark.django_db


def test_reference_data_is_loaded_by_migrations():
    assert Region.objects.get(code="210000").name == "辽宁省"
    assert Region.objects.filter(level="city").count() == 14
    assert Region.objects.filter(level="county").count() == 100
    assert Region.objects.get(code=reference.SHENFU_CODE).level == "reporting_unit"
    assert HighTechZone.objects.filter(level__in=["national", "provincial"]).count() >= 10
    assert HighTechZone.objects.get(level="demonstration_zone").city_id == reference.SHENFU_CODE
    assert Industry.objects.filter(level="section").count() == 20
    assert Industry.objects.filter(level="division").count() == 97
    assert Industry.objects.get(code="01").parent_id == "A"
    assert TechField.objects.count() == 11
    assert IndustryCluster.objects.filter(kind="base").count() == 3
    clusters = IndustryCluster.objects.filter(kind="cluster")
    assert clusters.count() == 22
    assert clusters.filter(official=False).count() == 17


def test_loading_again_changes_nothing():
    before = reference.load()
    assert reference.load() == before
