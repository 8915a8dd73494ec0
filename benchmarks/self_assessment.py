"""Response time of the live tech-SME self-assessment (the htmx preview as the firm types).

Each keystroke pause posts the form; the server evaluates the figures (one enterprise, the
rules' single-record evaluator) and renders the score and the reasons. Printed: the median
server time of the preview, of `assessment.tech_sme` alone and of the Polars engine on a
one-enterprise frame, each with its ratio to the login page (same layout, no query) measured
in the same run.

    python -m benchmarks self_assessment
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROUNDS = 41
FORM = {
    "year": "2023",
    "staff": "100",
    "tech_staff": "30",
    "sales_revenue": "50000000",
    "total_cost": "40000000",
    "rd_expense": "3000000",
    "total_assets": "30000000",
    "ip_class1": "0",
    "ip_class2": "2",
}


def _setup(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.environ.setdefault("KECHUANG_VAR_DIR", str(tmp))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)


def _median_ms(call: Callable[[], Any]) -> float:
    call()  # warm up: templates, compiled spec, first query
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmpdir:
        _setup(Path(tmpdir))
        import datetime as dt

        from django.test import Client
        from django.urls import reverse

        from kechuang.core.models import Region, User
        from kechuang.core.roles import Role
        from kechuang.programs import assessment
        from kechuang.programs.techsme.models import EvaluationRegistration
        from kechuang.registry.models import Enterprise
        from kechuang.rules import evaluate, load_program

        firm = Enterprise.objects.create(
            uscc="91210102MA0Y000019",
            name="基准测试科技有限公司",
            region=Region.objects.get(code="210102"),
            city=Region.objects.get(code="210100"),
            industry_id="39",
            founded_on=dt.date(2015, 6, 1),
        )
        EvaluationRegistration.objects.create(enterprise=firm, registered_on=dt.date(2023, 3, 1))
        user = User.objects.create(username="firm", role=Role.ENTERPRISE, organization_id=firm.pk)
        client = Client()
        client.force_login(user)
        url = reverse("programs:techsme_preview")

        def preview() -> None:
            response = client.post(url, FORM, HTTP_HX_REQUEST="true")
            assert b'id="live-score">82<' in response.content, response.content[:300]

        figures = {
            "staff": 100,
            "tech_staff": 30,
            "sales_revenue": Decimal("50000000"),
            "total_cost": Decimal("40000000"),
            "rd_expense": Decimal("3000000"),
            "total_assets": Decimal("30000000"),
            "ip_class1": 0,
            "ip_class2": 2,
        }
        spec = load_program("tech-sme", 2023)
        one_firm = assessment.frame(firm, {2022: figures})
        anonymous = Client()
        login_ms = _median_ms(lambda: anonymous.get(reverse("login")))
        rows = [
            ("live preview (POST, htmx)", _median_ms(preview)),
            (
                "assessment.tech_sme (1 firm)",
                _median_ms(lambda: assessment.tech_sme(firm, 2023, figures)),
            ),
            ("Polars engine (1-firm frame)", _median_ms(lambda: evaluate(spec, one_firm))),
        ]
        print(f"login page (baseline): {login_ms:.2f} ms")
        for name, ms in rows:
            print(f"{name:<32} {ms:8.2f} ms   ×{ms / login_ms:.2f} of the login page")
