"""Result rows from the engine's output: the table written to the database."""

from __future__ import annotations

import polars as pl
import pytest

from kechuang.programs.runs import results
from kechuang.programs.runs.models import EvaluationResult, codes_by_position, points_by_name
from kechuang.rules import evaluate, load_program
from tests.programs.runs_support import province_firms, run
from tests.rules.generate import frame as random_frame


@pytest.mark.parametrize("program", ["tech-sme", "innovation-points"])
def test_a_table_encoded_in_slices_equals_the_table_encoded_at_once(program, monkeypatch):
    spec = load_program(program, 2023)
    long = random_frame(300, seed=11)
    long = long.with_columns(pl.col("uscc").rank("dense").cast(pl.Int64).alias("enterprise_id"))
    result = evaluate(spec, long)

    monkeypatch.setattr(results, "SLICE", 10**9)
    whole = results.result_table(spec, result, long, run_id=7)
    monkeypatch.setattr(results, "SLICE", 7)  # 300 rows: eight slices, the last one short
    sliced = results.result_table(spec, result, long, run_id=7)

    assert sliced.columns == list(results.COLUMNS)
    assert sliced.height == result.height == 300
    assert sliced.equals(whole)
    # Every row is its own enterprise's: the slices are put back in order.
    assert (
        sliced["enterprise_id"].to_list()
        == long["enterprise_id"].unique(maintain_order=True).to_list()
    )
    assert sliced["program"].unique().to_list() == [program]
    assert sliced["run_id"].unique().to_list() == [7]


API = "/api/v1/programs"


def province_run(actor):
    province_firms()
    return run(actor)


@pytest.mark.django_db
def test_the_api_gives_each_criterions_points_by_name(province_admin, client):
    r = province_run(province_admin)
    client.force_login(province_admin)
    listed = client.get(f"{API}/runs/{r.pk}/results?limit=100").json()["items"]
    by_name = {i["enterprise_name"]: i for i in listed}
    assert by_name["沈阳通过科技"]["points"] == {"st_staff": 20, "rd": 50, "ip": 12}
    assert by_name["沈阳通过科技"]["reasons"] == []
    assert by_name["大连低分科技"]["reasons"] == ["score_below_pass"]
    one = by_name["沈阳通过科技"]["id"]
    detail = client.get(f"{API}/results/{one}").json()
    assert detail["points"] == {"st_staff": 20, "rd": 50, "ip": 12}
    assert detail["explanation"]["en"][0].startswith("Passed with 82 points")


@pytest.mark.django_db
def test_rows_that_hold_the_names_themselves_read_as_before(province_admin, client):
    r = province_run(province_admin)
    row = r.results.get(enterprise__name="沈阳通过科技")
    # A row as runs wrote them before the run kept the names: {criterion: points}.
    EvaluationResult.objects.filter(pk=row.pk).update(
        points={"st_staff": 20, "rd": 50, "ip": 12}, reasons=["zero_points:st_staff"]
    )
    row.refresh_from_db()
    assert row.points == {"st_staff": 20, "rd": 50, "ip": 12} == row.criterion_points
    assert row.reason_codes == ["zero_points:st_staff"]
    client.force_login(province_admin)
    detail = client.get(f"{API}/results/{row.pk}").json()
    assert detail["points"] == {"st_staff": 20, "rd": 50, "ip": 12}
    assert detail["reasons"] == ["zero_points:st_staff"]
    assert detail["explanation"]["en"][0].startswith("Passed with 82 points")


def test_reason_positions_read_as_codes():
    keys = ["ineligible:staff_cap", "missing:rd_expense", "score_below_pass"]
    assert codes_by_position([0, 2], keys) == ["ineligible:staff_cap", "score_below_pass"]
    assert codes_by_position(["score_below_pass"], []) == ["score_below_pass"]
    assert codes_by_position([], keys) == []
    with pytest.raises(IndexError):
        codes_by_position([3], keys)


def test_points_and_names_must_match_in_number():
    assert points_by_name([1, 2], ["a", "b"]) == {"a": 1, "b": 2}
    assert points_by_name({"a": 1}, []) == {"a": 1}
    with pytest.raises(ValueError):
        points_by_name([1, 2, 3], ["a", "b"])
