"""Import of a technology-contract workbook, all or nothing (market.contracts.importing).

Writes a workbook of N contracts (half of them registered before, with their numbers; half
new submissions) from 200 registered sellers, then measures in a fresh database: a dry run,
the import, a second import of the same file (nothing to change), and as the baseline the
registration services called directly with the same rows, already typed, in one
transaction. The ratio import / services is the price of reading, checking identities
against the stored contracts and reporting.

    python -m benchmarks contract_import                    # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_bench python -m benchmarks contract_import
    BENCH_CONTRACTS=5000 python -m benchmarks contract_import
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

from benchmarks.import_yearly import _setup

SELLERS = 200


def _rows(n: int, sellers: list[str], seed: int = 2023) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        signed = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(150))
        row: dict[str, Any] = {
            "title": f"基准技术合同{i:06d}",
            "type": "development",
            "subtype": rng.choice(["commissioned", "cooperative"]),
            "seller_uscc": rng.choice(sellers),
            "buyer_name": f"买方{rng.randrange(1000)}",
            "buyer_region_code": "110108",
            "turnover": Decimal(rng.randrange(10_000, 9_000_000)),
            "signed_on": signed,
            "effective_on": signed,
            "field_id": f"{rng.randrange(1, 12):02d}",
        }
        if i % 2:
            row["number"] = f"23210101{i + 1:06d}"
            row["registered_on"] = signed + dt.timedelta(days=20)
        out.append(row)
    return out


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook

    from kechuang.market.contracts.excel import COLUMNS

    keys = [c.key for c in COLUMNS if not c.read_only]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("技术合同")
    sheet.append([c.label for c in COLUMNS if not c.read_only])
    for r in rows:
        sheet.append([r.get(k) for k in keys])
    book.save(path)


def _baseline(rows: list[dict[str, Any]], actor: Any) -> float:
    from django.db import transaction

    from kechuang.market.contracts import services

    start = time.perf_counter()
    with transaction.atomic():
        for r in rows:
            data = {k: v for k, v in r.items() if k not in ("number", "registered_on")}
            if "registered_on" in r:
                services.contract_register_existing(
                    actor=actor, data=data, registered_on=r["registered_on"], number=r["number"]
                )
            else:
                services.contract_submit(actor=actor, data=data, source="import")
    return time.perf_counter() - start


def main() -> None:
    n = int(os.environ.get("BENCH_CONTRACTS", "2000"))
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmpdir:
        tmp = Path(tmpdir)
        old_name = _setup(tmp)
        from django.db import connection

        from kechuang.core import uscc
        from kechuang.core.models import User
        from kechuang.market.contracts.importing import import_contracts
        from kechuang.market.models import TechContract
        from kechuang.registry.models import Enterprise

        sellers = []
        for i in range(SELLERS):
            org8 = f"{i + 1:08d}"
            code = uscc.make("91210102" + org8 + uscc.org_code_check(org8))
            sellers.append(code)
        Enterprise.objects.bulk_create(
            Enterprise(uscc=c, name=f"基准卖方{i}", region_id="210102", city_id="210100")
            for i, c in enumerate(sellers)
        )
        actor = User.objects.create(username="bench-province", role="province_admin")
        rows = _rows(n, sellers)
        path = tmp / "contracts.xlsx"
        _write(path, rows)
        print(f"database: {connection.vendor}; workbook: {n:,} contracts")

        start = time.perf_counter()
        dry = import_contracts(path, actor=actor, dry_run=True)
        took_dry = time.perf_counter() - start
        assert dry.ok and not TechContract.objects.exists(), dry.errors[:3]
        print(f"dry run (everything checked, nothing kept): {took_dry:.2f} s")

        start = time.perf_counter()
        result = import_contracts(path, actor=actor)
        took = time.perf_counter() - start
        assert result.ok and TechContract.objects.count() == n, result.errors[:3]
        print(f"import: {took:.2f} s  {result.counts}")

        start = time.perf_counter()
        again = import_contracts(path, actor=actor)
        took_again = time.perf_counter() - start
        assert again.ok and again.changed == 0
        print(f"second import of the same file (nothing to change): {took_again:.2f} s")

        TechContract.objects.all().delete()
        base = _baseline(rows, actor)
        assert TechContract.objects.count() == n
        print(f"baseline: the registration services on typed rows, one transaction: {base:.2f} s")
        print(f"ratio import / services: {took / base:.2f}   per contract: {took / n * 1e3:.1f} ms")
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
