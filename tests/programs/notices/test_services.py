"""The notice's services around the workflow: publishing a batch (a creation, then each
application's `publish`) and raising an objection (a creation the application's workflow
allows only while an upheld objection could still keep it out)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core.models import AuditEntry
from kechuang.programs.common import ApplicationEvent
from kechuang.programs.notices.models import NoticeBatch, Objection
from kechuang.programs.notices.services import notice_publish, objection_raise, objection_resolve
from kechuang.programs.techsme.models import TechSMEApplication
from tests.programs.conftest import NOTICE_END, NOTICE_START, YEAR, audited, kinds

pytestmark = pytest.mark.django_db
S = TechSMEApplication.Status


def publish(actor, app, *, starts_on, on):
    return notice_publish(
        actor=actor, program="tech-sme", year=YEAR, applications=[app], starts_on=starts_on, on=on
    )


def test_a_notice_cannot_start_before_the_day_it_is_published(passed, province_admin):
    events, entries = ApplicationEvent.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        publish(province_admin, passed, starts_on=NOTICE_START, on=NOTICE_END)
    assert refused.value.error_dict["starts_on"][0].code == "past"
    assert "2023-10-30" in refused.value.messages[0]
    passed.refresh_from_db()
    assert passed.status == S.PASSED_REVIEW
    assert not NoticeBatch.objects.exists()
    assert (ApplicationEvent.objects.count(), AuditEntry.objects.count()) == (events, entries)
    # The day of publication itself, or any later day, is a start.
    batch = publish(province_admin, passed, starts_on=NOTICE_START, on=NOTICE_START)
    assert batch.starts_on == NOTICE_START


def test_a_notice_starts_today_unless_told_otherwise(passed, province_admin):
    from django.utils import timezone

    batch = notice_publish(
        actor=province_admin, program="tech-sme", year=YEAR, applications=[passed]
    )
    assert batch.starts_on == timezone.localdate()


def test_only_the_province_publishes_and_a_refusal_writes_nothing(passed, city_admin):
    with pytest.raises(PermissionDenied):
        publish(city_admin, passed, starts_on=NOTICE_START, on=NOTICE_START)
    assert not NoticeBatch.objects.exists()
    passed.refresh_from_db()
    assert passed.status == S.PASSED_REVIEW and "publicised" not in kinds(passed)


def test_an_objection_is_written_with_its_event_and_audit_entry(in_notice, bank_user):
    entry = in_notice.notice_entry
    objection = objection_raise(actor=bank_user, entry=entry, reason="数据不实", on=NOTICE_START)
    assert objection.decision == Objection.Decision.PENDING
    assert kinds(in_notice)[-1] == "objection_raised"
    assert in_notice.events.last().data == {"objection": objection.pk}
    assert audited(objection, "create") == 1
    in_notice.refresh_from_db()
    assert in_notice.status == S.IN_NOTICE  # the application keeps its state


def test_no_objection_once_the_application_is_out_of_the_notice(
    in_notice, bank_user, province_admin
):
    entry = in_notice.notice_entry
    first = objection_raise(actor=bank_user, entry=entry, reason="数据不实", on=NOTICE_START)
    objection_resolve(actor=province_admin, objection=first, upheld=True, note="核实属实")
    in_notice.refresh_from_db()
    assert in_notice.status == S.REJECTED
    before = (Objection.objects.count(), ApplicationEvent.objects.count())
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        objection_raise(actor=bank_user, entry=entry, reason="再次异议", on=NOTICE_START)
    assert refused.value.code == "bad_status"
    assert (Objection.objects.count(), ApplicationEvent.objects.count()) == before
    assert AuditEntry.objects.count() == audits
