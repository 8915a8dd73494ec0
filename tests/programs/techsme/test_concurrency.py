"""At the same moment: admissions numbered in parallel get distinct numbers, and two
officials deciding one application get one decision and one refusal. PostgreSQL only: SQLite
serialises every write, so there is no race to lose there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from kechuang.core.roles import Role
from kechuang.programs.common import ApplicationEvent
from kechuang.programs.techsme import services
from kechuang.programs.techsme.models import AdmissionSerial, TechSMEApplication
from tests.factories import TechSMEApplicationFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a race needs PostgreSQL"),
]


def at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `n` threads released together; each outcome or the error raised."""
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = work(i)
        except Exception as exc:  # the outcome under test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_fifty_admissions_numbered_at_once_get_fifty_numbers():
    def number(_i: int) -> str:
        with transaction.atomic():
            return services.allocate_number(2023, "210102")[1]

    numbers = at_once(50, number)
    assert all(isinstance(n, str) for n in numbers), numbers
    assert len(set(numbers)) == 50
    assert AdmissionSerial.objects.get(year=2023, county_id="210102").last == 50


def test_two_officials_deciding_at_once_one_wins_the_other_is_told():
    app = TechSMEApplicationFactory(status=TechSMEApplication.Status.SUBMITTED)
    officials = [UserFactory(role=Role.PROVINCE_ADMIN) for _ in range(2)]
    decisions = ["pass", "reject"]

    def decide(i: int) -> Any:
        return services.review(
            actor=officials[i], application=app, decision=decisions[i], reason="材料不全"
        )

    outcomes = at_once(2, decide)
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1, outcomes
    assert refused[0].code == "bad_status"
    app.refresh_from_db()
    winner = decisions[outcomes.index(next(o for o in outcomes if o is not refused[0]))]
    expected = {"pass": "passed_review", "reject": "rejected"}[winner]
    assert app.status == expected
    kinds = list(ApplicationEvent.objects.filter(tech_sme=app).values_list("kind", flat=True))
    assert kinds.count("review_passed") + kinds.count("rejected") == 1
