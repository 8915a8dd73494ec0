"""Server time of the registry pages on the demo province (45,000 enterprises at scale 1).

Builds the demo province into a fresh database, then renders each page through Django's
test client as the province administrator (the widest scope) and prints the median time and
its ratio to the login page, a page with the same layout and no registry query, measured
in the same run. Browser time (ECharts drawing) is not included.

    python -m benchmarks web_pages                  # SQLite, scale 1.0
    BENCH_SCALE=0.2 python -m benchmarks web_pages
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench python -m benchmarks web_pages
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

ROUNDS = 7


def _setup(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.environ.setdefault("KECHUANG_VAR_DIR", str(tmp))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    test = connection.settings_dict["TEST"]
    old_test_name = test.get("NAME")
    if connection.vendor == "sqlite":
        # A file, as in production, rather than the in-memory test database.
        test["NAME"] = str(tmp / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    test["NAME"] = old_test_name


def _median_ms(client, url: str) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000


def main() -> None:
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmpdir:
        _setup(Path(tmpdir))
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from kechuang.core.models import User
        from kechuang.demo import builder
        from kechuang.demo.targets import load
        from kechuang.registry.models import Enterprise, Platform

        start = time.perf_counter()
        builder.build(seed=2023, scale=scale, targets=load(), out=lambda _line: None)
        firms = Enterprise.objects.count()
        print(
            f"database: {connection.vendor}; demo province at scale {scale}: "
            f"{firms:,} enterprises, built in {time.perf_counter() - start:.1f} s"
        )
        client = Client()
        client.force_login(User.objects.get(username="province"))
        firm = Enterprise.objects.filter(years__isnull=False).order_by("pk").first()
        platform = Platform.objects.order_by("pk").first()
        assert firm is not None and platform is not None
        enterprises = reverse("registry:enterprise_list")
        pages = [
            ("home (counts + 2 charts)", reverse("home")),
            ("enterprise list, page 1", enterprises),
            ("enterprise list, sorted, page 300", f"{enterprises}?ordering=-founded_on&page=300"),
            ("enterprise list, search", f"{enterprises}?q=%E6%B2%88%E9%98%B3"),
            ("enterprise list, city + section", f"{enterprises}?city=210200&industry_section=C"),
            ("enterprise detail", reverse("registry:enterprise_detail", args=[firm.pk])),
            ("enterprise edit form", reverse("registry:enterprise_edit", args=[firm.pk])),
            ("platform list", reverse("registry:platform_list")),
            ("platform detail", reverse("registry:platform_detail", args=[platform.pk])),
        ]
        # Signed-in users are sent on from the login page, so a visitor measures it.
        baseline = _median_ms(Client(), reverse("login"))
        print(f"baseline, login page: {baseline:.1f} ms (median of {ROUNDS})")
        for label, url in pages:
            took = _median_ms(client, url)
            print(f"{label:38s} {took:8.1f} ms  {took / baseline:6.1f}× baseline")
