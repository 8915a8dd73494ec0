"""`kechuang backup` and `kechuang restore`: a round trip gives the same rows in every table,
on SQLite and, where DATABASE_URL names one, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kechuang.core import backup
from kechuang.core.models import AuditEntry
from kechuang.registry import services
from kechuang.registry.models import Enterprise
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

# The restore replaces the database outside any test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _world() -> None:
    admin = UserFactory(username="admin")
    firm = EnterpriseFactory(name="沈阳备份科技有限公司", contact="王建国", phone="13812341234")
    EnterpriseYearFactory(enterprise=firm, year=2023)
    services.organization_update(actor=admin, obj=firm, data={"address": "浑南区"})


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_a_round_trip_gives_identical_tables(tmp_path, portable):
    _world()
    before = backup.checksums()
    assert before["registry_enterprise"][0] == 1 and before["core_auditentry"][0] >= 1
    target = tmp_path / "kechuang.backup"
    call_command("backup", str(target), *(["--portable"] if portable else []))

    Enterprise.objects.all().delete()
    AuditEntry.objects.all().delete()
    UserFactory(username="later")
    assert backup.checksums() != before

    call_command("restore", str(target), "--force")
    assert backup.checksums() == before
    assert Enterprise.objects.get().contact == "王建国"


def test_restore_refuses_to_overwrite_data_without_force(tmp_path):
    target = tmp_path / "empty.backup"
    call_command("backup", str(target))  # reference data only
    call_command("restore", str(target))  # nothing to lose: allowed
    UserFactory(username="someone")
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(target))
    assert backup.holds_data()


def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(junk), "--force")
