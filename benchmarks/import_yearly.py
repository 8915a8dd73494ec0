"""Import of a 100,000-row yearly-data workbook (25,000 enterprises × 4 years).

Generates a valid workbook in a temporary folder, imports it into a fresh database
(reading, validation, bulk writes and audit entries included), then measures a plain
`bulk_create` of the same rows, already typed, into the emptied tables, and prints the
ratio. The issue's goal: the import in 15 s or less. The CPU time of this process is printed
too: on a shared machine it varies less than the wall-clock time (on PostgreSQL it leaves out
the server's share).

    python -m benchmarks import_yearly                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench python -m benchmarks import_yearly
    BENCH_ENTERPRISES=5000 python -m benchmarks import_yearly
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

YEARS = 4


def _setup(tmp: Path) -> str:
    """A fresh database; returns the name of the configured one, to restore afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.environ.setdefault("KECHUANG_VAR_DIR", str(tmp))
    import django

    django.setup()
    from django.db import connection

    test = connection.settings_dict["TEST"]
    old_name, old_test_name = connection.settings_dict["NAME"], test.get("NAME")
    if connection.vendor == "sqlite":
        # A file, as in production, rather than the in-memory test database.
        test["NAME"] = str(tmp / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    test["NAME"] = old_test_name
    return old_name


def _records(n: int, seed: int = 2023) -> list[dict[str, Any]]:
    from kechuang.core import uscc
    from kechuang.core.models import Industry, Region

    rng = random.Random(seed)
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    divisions = list(Industry.objects.filter(level="division").values_list("parent_id", "code"))
    last = dt.date.today().year - 1
    out = []
    for i in range(n):
        org8 = f"{i + 1:08d}"
        code = uscc.make("91" + rng.choice(counties) + org8 + uscc.org_code_check(org8))
        section, division = rng.choice(divisions)
        founded = dt.date(rng.randint(1990, last - YEARS), rng.randint(1, 12), rng.randint(1, 28))
        region = code[2:8]
        for year in range(last - YEARS + 1, last + 1):
            staff = rng.randint(5, 2000)
            cost = Decimal(rng.randint(100_000, 500_000_000)) / 100
            out.append(
                {
                    "uscc": code,
                    "name": f"辽宁测评科技有限公司{i + 1:05d}",
                    "founded_on": founded,
                    "region_code": region,
                    "industry_code": f"{section}{division}",
                    "year": year,
                    "staff": staff,
                    "tech_staff": rng.randint(0, staff),
                    "sales_revenue": Decimal(rng.randint(0, 900_000_000)) / 100,
                    "total_cost": cost,
                    "rd_expense": (cost * Decimal(rng.randint(0, 20)) / 100).quantize(
                        Decimal("0.01")
                    ),
                    "st_activity_expense": Decimal(rng.randint(0, 9_000_000)) / 100,
                    "total_assets": Decimal(rng.randint(0, 2_000_000_000)) / 100,
                    "net_profit": Decimal(rng.randint(-50_000_000, 90_000_000)) / 100,
                    "tax_paid": Decimal(rng.randint(0, 30_000_000)) / 100,
                    "ip_class1": rng.randint(0, 10),
                    "ip_class2": rng.randint(0, 40),
                    "invention_applications": rng.randint(0, 20),
                    "pct_applications": rng.randint(0, 3),
                    "equity_financing": Decimal(rng.randint(0, 10_000_000)),
                    "max_single_investment": Decimal(rng.randint(0, 5_000_000)),
                    "valuation_usd": None,
                    "professional_investors": rng.random() < 0.1,
                    "listed": False,
                    "high_tech_cert_valid_to": dt.date(year + 2, 12, 31)
                    if rng.random() < 0.3
                    else None,
                    "provincial_rd_institution": rng.random() < 0.2,
                    "national_award_top3": False,
                    "led_standard": rng.random() < 0.05,
                    "abnormal_or_blacklisted": False,
                    "major_incident": False,
                }
            )
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return 1 if value else 0
    return float(value) if isinstance(value, Decimal) else value


def _write_workbook(path: Path, records: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook

    from kechuang.registry.importing.columns import COLUMNS

    keys = [c.key for c in COLUMNS if c.key not in ("city", "zone")]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业年度数据")
    sheet.append([c.label for c in COLUMNS if c.key in keys])
    for r in records:
        sheet.append([_cell(r[k]) for k in keys])
    book.save(path)


def _baseline(records: list[dict[str, Any]]) -> float:
    from kechuang.core.models import AuditEntry
    from kechuang.registry.models import Enterprise, EnterpriseYear

    EnterpriseYear.objects.all().delete()
    Enterprise.objects.all().delete()
    AuditEntry.objects.all().delete()
    year_fields = [f.name for f in EnterpriseYear._meta.concrete_fields]
    start = time.perf_counter()
    firms: dict[str, Enterprise] = {}
    for r in records:
        if r["uscc"] not in firms:
            firms[r["uscc"]] = Enterprise(
                uscc=r["uscc"],
                name=r["name"],
                founded_on=r["founded_on"],
                region_id=r["region_code"],
                city_id=r["region_code"][:4] + "00",
                industry_id=r["industry_code"][1:],
            )
    Enterprise.objects.bulk_create(firms.values(), batch_size=5000)
    ids = dict(Enterprise.objects.values_list("uscc", "id"))
    rows = [
        EnterpriseYear(
            enterprise_id=ids[r["uscc"]], **{k: v for k, v in r.items() if k in year_fields}
        )
        for r in records
    ]
    EnterpriseYear.objects.bulk_create(rows, batch_size=5000)
    return time.perf_counter() - start


def main() -> None:
    n = int(os.environ.get("BENCH_ENTERPRISES", "25000"))
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmpdir:
        tmp = Path(tmpdir)
        old_name = _setup(tmp)
        from django.db import connection

        from kechuang.core.models import AuditEntry
        from kechuang.registry.importing import import_file
        from kechuang.registry.models import Enterprise, EnterpriseYear

        records = _records(n)
        path = tmp / "yearly.xlsx"
        t0 = time.perf_counter()
        _write_workbook(path, records)
        print(
            f"database: {connection.vendor}; workbook: {len(records):,} rows, "
            f"{path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f} s"
        )

        start, cpu = time.perf_counter(), time.process_time()
        result = import_file(path, actor=None)
        took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
        assert result.ok, result.errors[:5]
        assert EnterpriseYear.objects.count() == len(records)
        audited = AuditEntry.objects.count()
        print(
            f"import (read + validate + write + audit): {took:.2f} s (CPU {took_cpu:.2f} s)  "
            f"{result.counts}  audit entries: {audited:,}"
        )

        start = time.perf_counter()
        again = import_file(path, actor=None)
        took_again = time.perf_counter() - start
        assert again.changed == 0 and AuditEntry.objects.count() == audited
        print(f"second import of the same file (nothing to change): {took_again:.2f} s")

        cpu = time.process_time()
        base = _baseline(records)
        base_cpu = time.process_time() - cpu
        assert Enterprise.objects.count() == n
        print(
            f"baseline bulk_create of the same rows (typed, no checks, no audit): {base:.2f} s "
            f"(CPU {base_cpu:.2f} s)"
        )
        print(
            f"ratio import / bulk_create: {took / base:.2f} (CPU {took_cpu / base_cpu:.2f})   "
            f"goal: import <= 15 s: "
            f"{'met' if took <= 15 else 'NOT met'}"
        )
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
