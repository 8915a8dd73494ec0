"""Generation of the demo province at scale 1.0 (≈ 45,000 enterprises, 200,000 rows).

Builds the demo into a fresh database in a temporary folder (SQLite unless DATABASE_URL
says otherwise) and prints the time and rows per second of each stage and of the whole.
The baseline, measured in the same run: the same enterprises and their yearly rows,
already generated, inserted one by one with `Model.objects.create` (a sample, extrapolated
to the whole build). The bulk build includes generating its data; the baseline does not,
so the ratio understates the difference.

    python -m benchmarks demo_generation
    BENCH_SCALE=0.2 BENCH_SAMPLE=500 python -m benchmarks demo_generation
"""

from __future__ import annotations

import os
import tempfile
import time
from itertools import islice
from pathlib import Path


def _setup(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    os.environ.setdefault("KECHUANG_VAR_DIR", str(tmp))
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        # A file, as `make run` uses, rather than the in-memory test database.
        connection.settings_dict["TEST"]["NAME"] = str(tmp / "demo-bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)


def _baseline(scale: float, sample: int) -> tuple[int, float, float]:
    """Insert the build's first `sample` enterprises and their years one by one, then the
    same rows with the generator's bulk writer; returns rows and both times."""
    from django.db import transaction

    from kechuang.demo import builder, bulk, yeardata
    from kechuang.demo.enterprises import ENTERPRISE_COLS, enterprise_rows
    from kechuang.demo.firms import FirmMaker
    from kechuang.demo.targets import load
    from kechuang.registry.models import Enterprise, EnterpriseYear

    targets = load()
    ctx = builder.new_context(2023, scale, targets, out=lambda _: None)
    n = round(int(targets.param("enterprises")) * scale)
    firms = FirmMaker(ctx.rng("firms"), targets, ctx.geo, ctx.sectors, scale).make(n)
    zone_share = float(targets.param("zone_share"))
    rng = ctx.rng("enterprise-rows")
    firm_rows = list(
        islice(enterprise_rows(firms, rng, ctx.geo, ctx.sectors, ctx.codes, zone_share), sample)
    )
    year_rows = list(yeardata.rows(firms[:sample], ctx.rng("years"), targets))
    start = time.perf_counter()
    for row in firm_rows:
        Enterprise.objects.create(**dict(zip(ENTERPRISE_COLS, row, strict=True)))
    for row in year_rows:
        EnterpriseYear.objects.create(**dict(zip(yeardata.YEAR_COLS, row, strict=True)))
    took = time.perf_counter() - start
    EnterpriseYear.objects.all().delete()
    Enterprise.objects.all().delete()
    start = time.perf_counter()
    with transaction.atomic():
        bulk.insert(Enterprise, ENTERPRISE_COLS, firm_rows, now=ctx.now)
        bulk.insert(EnterpriseYear, yeardata.YEAR_COLS, year_rows, now=ctx.now)
    took_bulk = time.perf_counter() - start
    EnterpriseYear.objects.all().delete()
    Enterprise.objects.all().delete()
    return len(firm_rows) + len(year_rows), took, took_bulk


def main() -> None:
    scale = float(os.environ.get("BENCH_SCALE", "1.0"))
    sample = int(os.environ.get("BENCH_SAMPLE", "2000"))
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmpdir:
        _setup(Path(tmpdir))
        from django.db import connection

        from kechuang.demo import builder
        from kechuang.demo.targets import load

        base_rows, base_took, bulk_took = _baseline(scale, sample)
        base_rate = base_rows / base_took
        print(
            f"database: {connection.vendor}\n"
            f"baseline, Model.objects.create one by one: {sample:,} enterprises and their "
            f"years = {base_rows:,} rows in {base_took:.2f} s ({base_rate:,.0f} rows/s)\n"
            f"the same rows through the bulk writer: {bulk_took:.3f} s "
            f"({base_rows / bulk_took:,.0f} rows/s, {base_took / bulk_took:.0f}x)"
        )

        lines: list[str] = []
        start = time.perf_counter()
        result = builder.build(seed=2023, scale=scale, targets=load(), out=lines.append)
        took = time.perf_counter() - start
        print("\n".join(lines))
        rows = sum(result.build.counts.values())
        rate = rows / took
        naive = rows / base_rate
        print(
            f"demo build, scale {scale}: {rows:,} rows in {took:.2f} s ({rate:,.0f} rows/s, "
            "data generation and logins included)\n"
            f"one by one, the same {rows:,} rows would take ≈ {naive:,.0f} s\n"
            f"ratio bulk / one-by-one (rows per second): {rate / base_rate:.1f}x   "
            f"goal: scale 1.0 well under 60 s: {'met' if took < 60 else 'NOT met'}"
        )
        connection.creation.destroy_test_db(
            connection.settings_dict["NAME"], verbosity=0, keepdb=False
        )
