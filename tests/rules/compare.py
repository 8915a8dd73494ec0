"""Row-by-row comparison of the engine's output with the reference evaluator's."""

from __future__ import annotations

import math
from typing import Any

import polars as pl


def differences(engine: pl.DataFrame, reference: list[dict[str, Any]]) -> list[str]:
    """Every disagreement, as `uscc column: engine != reference`."""
    rows = {r["uscc"]: r for r in engine.iter_rows(named=True)}
    out = []
    if len(rows) != len(reference):
        out.append(f"{len(rows)} engine rows, {len(reference)} reference rows")
    for ref in reference:
        got = rows.get(ref["uscc"])
        if got is None:
            out.append(f"{ref['uscc']}: missing from the engine output")
            continue
        for key, want in ref.items():
            have = got.get(key, "<absent>")
            if key.startswith("value_") and isinstance(want, float) and isinstance(have, float):
                # Display values only: decisions never read them.
                if math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-12):
                    continue
            elif have == want and type(have) is type(want):
                continue
            out.append(f"{ref['uscc']} {key}: engine {have!r} != reference {want!r}")
        extra = set(got) - set(ref)
        if extra:
            out.append(f"{ref['uscc']}: engine columns the reference lacks: {sorted(extra)}")
    return out
