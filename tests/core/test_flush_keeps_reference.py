import pytest

from kechuang.core.models import Holiday, Region


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_flushes():
    assert Region.objects.exists()


@pytest.mark.django_db
def test_reference_data_survives_the_flush():
    assert Region.objects.filter(level="city").count() == 14
    assert Holiday.objects.exists()
