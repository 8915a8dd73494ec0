"""Spec files: every shipped one loads; a broken one says which file, which field, what."""

from __future__ import annotations

from pathlib import Path

import pytest

from kechuang.rules import SpecError, available, load_program, load_spec
from tests.rules.helpers import one

MINIMAL = """
program = "demo"
year = 2023
version = "demo/2023.1"
title = { zh-hans = "示例", en = "Example" }

[data]
reads = ["N-1"]
evaluation_date = "2023-06-30"
age_as_of = "2022-12-31"

[measures.staff]
kind = "field"
field = "staff"
year = "N-1"
label = { zh-hans = "职工总数", en = "total staff" }

[[criteria]]
name = "size"
label = { zh-hans = "规模", en = "size" }
max_points = 100
measure = "staff"
bands = [{ min = 60, points = 60 }, { min = 59, points = 59 }]

[pass]
min_score = 60
"""


def write(tmp_path: Path, text: str, name: str = "2023.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_spec_loads_and_labels_its_assumptions():
    shipped = available()
    assert {"tech-sme", "eaglet", "gazelle", "unicorn", "innovation-points"} <= set(shipped)
    versions = set()
    for program, years in shipped.items():
        for year in years:
            spec = load_program(program, year)
            assert (spec.program, spec.year) == (program, year)
            versions.add(spec.version)
            for where, note in spec.assumptions:
                assert where and len(note) > 10
    assert len(versions) == sum(len(y) for y in shipped.values())


def test_assumed_values_are_labelled_in_the_specs():
    spec = load_program("tech-sme", 2023)
    assumed = dict(spec.assumptions)
    assert "eligibility[4]" in assumed  # the excluded-industry list
    assert "tobacco 16" in assumed["eligibility[4]"]
    assert "data.evaluation_date" in assumed
    unicorn = load_program("unicorn", 2023)
    assert "constants.usd_cny" in dict(unicorn.assumptions)
    assert str(unicorn.constants["usd_cny"]) == "70467/10000"


def test_pass_mark_59_fails_60_passes(tmp_path):
    spec = load_spec(write(tmp_path, MINIMAL))
    base = {"uscc": "D1", "year": 2022}
    assert one(spec, base, staff=59)["verdict"] == "fail"
    assert one(spec, base, staff=59)["reasons"] == ["score_below_pass"]
    assert one(spec, base, staff=60)["verdict"] == "pass"


@pytest.mark.parametrize(
    ("old", "new", "where", "problem"),
    [
        ('version = "demo/2023.1"\n', "", "version", "is required"),
        ('field = "staff"', 'field = "staf"', "measures.staff.field", "unknown input field"),
        (
            'measure = "staff"\nbands',
            'measure = "stuff"\nbands',
            "criteria[0].measure",
            "unknown measure 'stuff'",
        ),
        ("points = 60 }", "points = 160 }", "criteria[0].bands", "more than max_points"),
        (
            "{ min = 59, points = 59 }",
            "{ min = 60, points = 59 }",
            "criteria[0].bands",
            "two bands start at 60",
        ),
        (
            "{ min = 59, points = 59 }",
            '{ min = "5x", points = 59 }',
            "criteria[0].bands[1].min",
            "not a decimal number",
        ),
        ('reads = ["N-1"]', 'reads = ["N-2"]', "measures.staff.year", "not listed in data.reads"),
        ('reads = ["N-1"]', 'reads = ["N+1"]', "data.reads", "after the evaluation year"),
        ('year = "N-1"', 'year = "last"', "measures.staff.year", "year reference"),
        ('kind = "field"', 'kind = "median"', "measures.staff.kind", "not one of"),
        ("min_score = 60", "", "pass", "needs min_score or top_percent"),
        (
            'evaluation_date = "2023-06-30"',
            'evaluation_date = "2023-02-30"',
            "data.evaluation_date",
            "not an ISO date",
        ),
        (
            'title = { zh-hans = "示例", en = "Example" }',
            'title = { en = "Example" }',
            "title",
            "zh-hans",
        ),
        ("year = 2023\n", "year = 2024\n", "year", "does not match the file name"),
    ],
)
def test_a_broken_spec_names_file_field_and_problem(tmp_path, old, new, where, problem):
    assert old in MINIMAL
    path = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    err = caught.value
    assert err.path == str(path)
    assert err.where == where
    assert problem in err.problem
    assert str(path) in str(err) and where in str(err)


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(write(tmp_path, "program = "))
    with pytest.raises(SpecError, match="cannot be read"):
        load_spec(tmp_path / "nowhere.toml")
    with pytest.raises(SpecError, match="no spec for tech-sme 1999"):
        load_program("tech-sme", 1999)


def test_a_default_must_be_labelled_assumed(tmp_path):
    text = MINIMAL.replace(
        "[[criteria]]",
        '[measures.resident]\nkind = "field"\nfield = "resident_taxpayer"\ndefault = true\n'
        'display_only = true\nlabel = { zh-hans = "居民企业", en = "resident" }\n\n[[criteria]]',
    )
    with pytest.raises(SpecError) as caught:
        load_spec(write(tmp_path, text))
    assert caught.value.where == "measures.resident.default"
    assert "assumed" in caught.value.problem


def test_cohort_weights_must_add_up_to_1000(tmp_path):
    text = (
        Path(load_program("innovation-points", 2023).path)
        .read_text(encoding="utf-8")
        .replace(
            "weights = { startup = 60, growth = 70, stable = 80 }",
            "weights = { startup = 60, growth = 70, stable = 81 }",
        )
    )
    with pytest.raises(SpecError) as caught:
        load_spec(write(tmp_path, text))
    assert "stage stable add up to 1001" in caught.value.problem


def test_an_unused_measure_is_reported(tmp_path):
    text = MINIMAL.replace(
        "[[criteria]]",
        '[measures.extra]\nkind = "age"\nlabel = { zh-hans = "年限", en = "age" }\n\n[[criteria]]',
    )
    with pytest.raises(SpecError) as caught:
        load_spec(write(tmp_path, text))
    assert caught.value.where == "measures.extra"
