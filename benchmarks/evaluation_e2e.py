"""A batch run end to end on PostgreSQL: 1,000,000 enterprises × 4 fiscal years.

Loads the registry of `rules_engine.make_frame` into a scratch database by COPY, then times
the production path of `kechuang evaluate … --from-db`: the registry read into the engine's
frame, the evaluation, the results written back (one row per enterprise), for tech-SME and
then for every 2023 program. Baseline, measured in the same run: reading a sample of the same
registry through the ORM (model instances, years prefetched) into the same frame, extrapolated.
Goal: tech-SME read → evaluate → write in ≤ 15 s for 1 M enterprises.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench python -m benchmarks evaluation_e2e
    N=200000 PROGRAMS=tech-sme DATABASE_URL=… python -m benchmarks evaluation_e2e

The scratch database is `test_<name>` of DATABASE_URL, created and dropped by the run.
"""

from __future__ import annotations

import io
import os
import time
from typing import Any

import polars as pl

N = int(os.environ.get("N", "1000000"))
SAMPLE = int(os.environ.get("SAMPLE", "20000"))
CHUNK = 250_000
YEAR = 2023
GOAL = 15.0


def _setup() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from django.db import connection

    old = connection.settings_dict["NAME"]
    # No serialized copy of the database: no test rolls back to it here.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    return str(old)


def _copy(table: str, frame: pl.DataFrame) -> None:
    """COPY `frame` (its columns named as the table's) in CSV chunks."""
    from django.db import connection

    cols = ", ".join(f'"{c}"' for c in frame.columns)
    sql = f'COPY "{table}" ({cols}) FROM STDIN WITH (FORMAT csv)'
    with connection.cursor() as cur, cur.cursor.copy(sql) as copy:
        for chunk in frame.iter_slices(CHUNK):
            buf = io.BytesIO()
            chunk.write_csv(buf, include_header=False)
            copy.write(buf.getvalue())


def load(long: pl.DataFrame) -> float:
    """The frame's enterprises and yearly figures into the registry tables; returns seconds."""
    from django.db import connection
    from django.utils import timezone

    from kechuang.core.models import HighTechZone
    from kechuang.registry.models import Enterprise, EnterpriseYear

    start = time.perf_counter()
    zones = sorted(HighTechZone.objects.values_list("pk", flat=True))
    now = timezone.now().isoformat()
    firms = (
        long.select("uscc", "founded_on", "region_code", "industry_code", "zone_code")
        .unique("uscc", keep="first", maintain_order=True)
        .with_row_index("id", offset=1)
    )
    zone_of = pl.col("zone_code").str.slice(1).cast(pl.Int64)
    enterprises = firms.select(
        "id",
        pl.lit(now).alias("created_at"),
        pl.lit(now).alias("updated_at"),
        "uscc",
        pl.format("辽宁基准科技有限公司{}", pl.col("id")).alias("name"),
        pl.col("region_code").alias("region_id"),
        (pl.col("region_code").str.slice(0, 4) + "00").alias("city_id"),
        # About a third of the firms sit in a high-tech zone.
        pl.when(zone_of < len(zones))
        .then(pl.lit(pl.Series(zones)).get(zone_of % len(zones)))
        .alias("zone_id"),
        pl.lit("").alias("address"),
        pl.lit("").alias("contact"),
        pl.lit("").alias("phone"),
        "founded_on",
        pl.col("industry_code").str.replace(r"^[A-Z]", "").alias("industry_id"),
        pl.lit("unlisted").alias("listing_status"),
        pl.lit("").alias("listing_board"),
        pl.lit("").alias("high_tech_cert_no"),
        pl.lit("").alias("rd_institution_level"),
        pl.lit(False).alias("is_software_enterprise"),
    )
    kept = {f.attname for f in EnterpriseYear._meta.concrete_fields} - {"id"}
    years = (
        long.join(firms.select("uscc", pl.col("id").alias("enterprise_id")), on="uscc")
        .select(
            pl.lit(now).alias("created_at"),
            pl.lit(now).alias("updated_at"),
            *[c for c in long.columns if c in kept],
            "enterprise_id",
        )
        .with_columns(pl.col(pl.Decimal).cast(pl.String))
    )
    with connection.cursor() as cur:
        # A scratch database: foreign keys are not checked row by row while loading.
        cur.execute("SET session_replication_role = replica")
        _copy(Enterprise._meta.db_table, enterprises)
        _copy(EnterpriseYear._meta.db_table, years)
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute(f"ANALYZE {Enterprise._meta.db_table}")
        cur.execute(f"ANALYZE {EnterpriseYear._meta.db_table}")
    return time.perf_counter() - start


def _orm_frame(ids: list[int]) -> pl.DataFrame:
    """The same long frame, read the ORM way: model instances, yearly rows prefetched."""
    from kechuang.programs.frames import COUNTS, FLAGS, MONEY
    from kechuang.registry.models import Enterprise

    rows: list[dict[str, Any]] = []
    firms = Enterprise.objects.filter(pk__in=ids).prefetch_related("years")
    for e in firms.iterator(chunk_size=2000):
        base = {
            "enterprise_id": e.pk,
            "uscc": e.uscc,
            "name": e.name,
            "founded_on": e.founded_on,
            "region_code": e.region_id,
            "industry_code": e.industry_id,
            "city_code": e.city_id,
            "zone_code": str(e.zone_id) if e.zone_id else None,
        }
        for y in e.years.all():
            row = dict(base, year=y.year, high_tech_cert_valid_to=y.high_tech_cert_valid_to)
            row.update({k: getattr(y, k) for k in (*COUNTS, *MONEY, *FLAGS)})
            rows.append(row)
    money = {k: pl.Decimal(38, 2) for k in MONEY}
    return pl.DataFrame(rows, schema_overrides=money, infer_schema_length=None)


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "skipped: needs PostgreSQL — DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench "
            "python -m benchmarks evaluation_e2e"
        )
        return
    from benchmarks.rules_engine import make_frame

    old = _setup()
    from django.db import connection

    from kechuang.programs.frames import Selection, registry_frame
    from kechuang.programs.runs.services import run_evaluation
    from kechuang.rules import available

    try:
        start = time.perf_counter()
        long = make_frame(N)
        made = time.perf_counter() - start
        took = load(long)
        print(
            f"registry: {N:,} enterprises × 4 years = {long.height:,} rows, made in {made:.1f} s, "
            f"loaded by COPY in {took:.1f} s"
        )
        del long

        def timed(program: str) -> Any:
            begin, cpu = time.perf_counter(), time.process_time()
            run = run_evaluation(actor=None, program=program, year=YEAR, source="cli").run
            print(
                f"  ({program}: this process's CPU {time.process_time() - cpu:.1f} s, "
                f"load average {os.getloadavg()[0]:.2f})"
            )
            return run, time.perf_counter() - begin

        tech, total = timed("tech-sme")
        t = tech.timings
        print(
            f"tech-SME run: read {t['read']:.2f} s, evaluate {t['evaluate']:.2f} s, "
            f"write {t['write']:.2f} s — {total:.2f} s in all (goal ≤ {GOAL:.0f} s)  "
            f"[{tech.evaluated:,} evaluated, {tech.passed:,} pass]"
        )
        wanted = os.environ.get("PROGRAMS", "").split(",") if os.environ.get("PROGRAMS") else []
        programs = wanted or [p for p, years in available().items() if YEAR in years]
        everything = 0.0
        for program in programs:
            if program == "tech-sme":
                everything += total
                continue
            run, seconds = timed(program)
            everything += seconds
            t = run.timings
            print(
                f"  {program}: {seconds:.2f} s (read {t['read']:.2f}, evaluate "
                f"{t['evaluate']:.2f}, write {t['write']:.2f}), {run.passed:,} pass"
            )
        print(f"all {len(programs)} programs, one run each: {everything:.1f} s")

        ids = list(range(1, min(SAMPLE, N) + 1))
        begin = time.perf_counter()
        sample = _orm_frame(ids)
        orm = time.perf_counter() - begin
        begin = time.perf_counter()
        bulk = registry_frame(Selection())
        read_all = time.perf_counter() - begin
        assert sample.height == bulk.filter(pl.col("enterprise_id") <= len(ids)).height
        scale = N / len(ids)
        print(
            f"ORM read of {len(ids):,} enterprises: {orm:.2f} s → {N:,}: {orm * scale:.0f} s; "
            f"bulk read of all {N:,}: {read_all:.2f} s"
        )
        print("ratios:")
        print(f"  tech-SME run vs {GOAL:.0f} s goal:      {total / GOAL:.2f}× of the budget")
        print(f"  bulk read vs ORM read, extrapolated: {orm * scale / read_all:.0f}× faster")
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)
