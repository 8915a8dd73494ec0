"""The vectorised engine and the plain-Python reference agree on every output, row by row."""

from __future__ import annotations

import random

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.rules import available, evaluate_many, load_program, reference_evaluate_all
from kechuang.rules.prepare import records_from_frame
from tests.rules.compare import differences
from tests.rules.generate import SCHEMA, enterprise, frame

SPECS = [load_program(p, y) for p, years in available().items() for y in years]


def check_all(df: pl.DataFrame, seed: int = 0) -> None:
    """Rows as they come (grouped by enterprise) and shuffled: the two ways into the engine."""
    records = records_from_frame(df)
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=seed)
    for rows in (df, shuffled):
        results = evaluate_many(SPECS, rows)
        for spec in SPECS:
            engine = results[f"{spec.program}/{spec.year}"]
            problems = differences(engine, reference_evaluate_all(spec, records))
            assert not problems, f"{spec.program} {spec.year}:\n" + "\n".join(problems[:10])


@pytest.mark.slow
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_engine_equals_reference_on_10000_enterprises(seed):
    df = frame(10_000, seed)
    assert df["uscc"].n_unique() == 10_000
    check_all(df, seed)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rng=st.randoms(use_true_random=False), n=st.integers(min_value=1, max_value=6))
def test_engine_equals_reference_on_small_shrinkable_frames(rng: random.Random, n: int):
    rows = [row for i in range(n) for row in enterprise(rng, i)]
    check_all(pl.DataFrame(rows, schema=SCHEMA))
