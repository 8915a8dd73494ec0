"""The workflow core on a real model: permission, state, reason, event, audit, on-commit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kechuang.core import audit
from kechuang.core.workflow import Transition, Workflow, owner, province
from kechuang.programs.common import ApplicationEvent, Program
from kechuang.programs.techsme.models import TechSMEApplication
from tests.factories import TechSMEApplicationFactory

S = TechSMEApplication.Status


def _emit(kind, *, actor, obj, reason="", **data):
    return ApplicationEvent.emit(
        kind,
        actor=actor,
        reason=reason,
        enterprise=obj.enterprise,
        program=Program.TECH_SME,
        tech_sme=obj,
        **data,
    )


FLOW = Workflow(
    TechSMEApplication,
    [
        Transition("withdraw", "撤回", (S.SUBMITTED,), S.DRAFT, owner("enterprise_id")),
        Transition(
            "reject", "不通过", (S.SUBMITTED,), S.REJECTED, province, "rejected", reason=True
        ),
        Transition(
            "pass",
            "通过",
            (S.SUBMITTED,),
            S.PASSED_REVIEW,
            province,
            "review_passed",
            guard=lambda app: "" if app.verdict == "pass" else "自评未通过",
        ),
    ],
    emit=_emit,
    register=False,
)


@pytest.fixture
def app(enterprise):
    return TechSMEApplicationFactory(enterprise=enterprise)


def test_available_lists_what_the_user_may_do_now(app, province_admin, enterprise_user):
    assert [t.name for t in FLOW.available(province_admin, app)] == ["reject", "pass"]
    assert [t.name for t in FLOW.available(enterprise_user, app)] == ["withdraw"]
    assert FLOW.available(None, app) == []
    app.verdict = "fail"
    assert [t.name for t in FLOW.available(province_admin, app)] == ["reject"]
    actions = FLOW.actions(province_admin, app)
    assert actions[0] == {
        "name": "reject",
        "label": "不通过",
        "reason_required": True,
        "confirm": "",
        "style": "primary",
        "form": "",
    }


def test_awaits_asks_the_state_alone_whoever_asks(app, enterprise):
    assert FLOW.awaits(app, "pass") and FLOW.awaits(app, "withdraw")
    app.verdict = "fail"  # a guard does not count: the step is still awaited
    assert FLOW.awaits(app, "pass")
    other = TechSMEApplicationFactory(status=S.DRAFT)
    rows = TechSMEApplication.objects.filter(FLOW.awaiting("reject"))
    assert list(rows) == [app] and other not in rows
    assert not FLOW.awaits(other, "reject")
    with pytest.raises(ValueError):
        FLOW.awaits(app, "nothing")


def test_perform_changes_state_and_writes_event_and_audit(app, province_admin):
    done = FLOW.perform("reject", actor=province_admin, obj=app, reason=" 材料不全 ")
    assert done.status == S.REJECTED
    app.refresh_from_db()
    assert app.status == S.REJECTED
    ev = ApplicationEvent.objects.get(tech_sme=app)
    assert (ev.kind, ev.reason, ev.actor) == ("rejected", "材料不全", province_admin)
    entry = audit.history(app).get()
    assert entry.changes["status"] == [S.SUBMITTED, S.REJECTED]


def test_refusals_change_nothing(app, province_admin, enterprise_user):
    with pytest.raises(PermissionDenied):
        FLOW.perform("reject", actor=enterprise_user, obj=app, reason="x")
    with pytest.raises(ValidationError) as e:
        FLOW.perform("reject", actor=province_admin, obj=app, reason="  ")
    assert e.value.error_dict["reason"]
    app.verdict = "fail"
    app.save()
    with pytest.raises(ValidationError, match="自评未通过"):
        FLOW.perform("pass", actor=province_admin, obj=app)
    FLOW.perform("withdraw", actor=enterprise_user, obj=app)
    with pytest.raises(ValidationError) as e:
        FLOW.perform("reject", actor=province_admin, obj=app, reason="x")
    assert e.value.code == "bad_status"
    assert list(ApplicationEvent.objects.values_list("kind", flat=True)) == []
    app.refresh_from_db()
    assert app.status == S.DRAFT


def test_a_failing_change_rolls_everything_back(app, province_admin):
    def change(row):
        row.score = 1
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        FLOW.perform("pass", actor=province_admin, obj=app, change=change)
    app.refresh_from_db()
    assert (app.status, app.score) == (S.SUBMITTED, 82)
    assert not audit.history(app).exists()


def test_the_change_adds_to_the_event_data(app, province_admin):
    FLOW.perform("pass", actor=province_admin, obj=app, change=lambda row: {"overdue": True})
    assert ApplicationEvent.objects.get().data == {"overdue": True}


def test_notifications_wait_for_the_commit(app, province_admin, django_capture_on_commit_callbacks):
    sent = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        FLOW.perform("pass", actor=province_admin, obj=app, notify=lambda row: sent.append(row))
    assert sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert [r.pk for r in sent] == [app.pk]


def test_perform_many_keeps_going_past_a_refusal(enterprise, province_admin):
    good = TechSMEApplicationFactory(enterprise=enterprise)
    bad = TechSMEApplicationFactory(enterprise=enterprise, year=2022, verdict="fail")
    result = FLOW.perform_many("pass", actor=province_admin, objs=[bad, good])
    assert [r.pk for r in result.done] == [good.pk]
    assert [(o.pk, why) for o, why in result.failed] == [(bad.pk, "自评未通过")]
    bad.refresh_from_db()
    assert bad.status == S.SUBMITTED


def test_the_diagram_is_drawn_from_the_data():
    text = FLOW.mermaid()
    assert text.startswith("stateDiagram-v2")
    assert "submitted --> rejected: 不通过" in text
    assert "*理由" in text


def test_unknown_states_and_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(
            TechSMEApplication,
            [Transition("x", "x", ("nowhere",), S.DRAFT, province)],
            register=False,
        )
    t = Transition("x", "x", (S.DRAFT,), S.DRAFT, province)
    with pytest.raises(ValueError, match="share a name"):
        Workflow(TechSMEApplication, [t, t], register=False)
