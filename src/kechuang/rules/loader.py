"""Read and check a spec file. Every problem names the file, the field path and what is wrong."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from kechuang.rules import loader_parts as parts
from kechuang.rules.fields import BY_KEY
from kechuang.rules.spec import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Measure,
    Spec,
    SpecError,
    Test,
    Text,
)

SPECS_DIR = Path(__file__).resolve().parent / "specs"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_WRAPPED = {"value", "assumed", "note"}
_YEAR_REF = re.compile(r"^N(?:([+-])(\d+))?$")
_OPS = ("<", "<=", ">", ">=", "==", "!=", "in", "not_in")


def spec_path(program: str, year: int) -> Path:
    return SPECS_DIR / program / f"{year}.toml"


def available() -> dict[str, list[int]]:
    """Programs and the years a shipped spec exists for."""
    return {
        d.name: sorted(int(p.stem) for p in d.glob("*.toml") if p.stem.isdigit())
        for d in sorted(SPECS_DIR.iterdir())
        if d.is_dir()
    }


def load_program(program: str, year: int) -> Spec:
    path = spec_path(program, year)
    if not path.exists():
        known = ", ".join(f"{p} {ys}" for p, ys in available().items())
        raise SpecError(path, "program", f"no spec for {program} {year}; shipped: {known}")
    return load_spec(path)


def load_spec(path: Path | str) -> Spec:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(path, "file", f"cannot be read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path, "file", f"is not valid TOML ({exc})") from exc
    return _Loader(path).spec(raw)


class _Loader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.assumptions: list[tuple[str, str]] = []
        self.year = 0
        self.reads: tuple[int, ...] = ()
        self.measures: dict[str, Measure] = {}

    def fail(self, where: str, problem: str) -> SpecError:
        return SpecError(self.path, where, problem)

    # -- scalars ------------------------------------------------------------------------------
    def unwrap(self, value: Any, where: str) -> Any:
        """`{ value = …, assumed = true, note = "…" }` stands for `value`, labelled assumed."""
        if isinstance(value, dict) and "value" in value and set(value) <= _WRAPPED:
            if value.get("assumed") is True:
                if not str(value.get("note", "")).strip():
                    raise self.fail(where, "an assumed value needs a note saying why")
                self.assumptions.append((where, str(value["note"])))
            return value["value"]
        return value

    def get(
        self,
        table: dict[str, Any],
        key: str,
        where: str,
        kinds: tuple[type, ...],
        required: bool = True,
        default: Any = None,
    ) -> Any:
        path = f"{where}.{key}" if where else key
        if key not in table:
            if required:
                raise self.fail(path, "is required")
            return default
        value = self.unwrap(table[key], path)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(path, f"must be {self.kind_names(kinds)}, not a boolean")
        if not isinstance(value, kinds):
            raise self.fail(path, f"must be {self.kind_names(kinds)}, got {value!r}")
        return value

    @staticmethod
    def kind_names(kinds: tuple[type, ...]) -> str:
        names = {
            str: "a string",
            int: "an integer",
            bool: "a boolean",
            dict: "a table",
            list: "an array",
            float: "a number",
            dt.date: "a date",
        }
        return " or ".join(names.get(k, k.__name__) for k in kinds)

    def name(self, table: dict[str, Any], where: str) -> str:
        value = self.get(table, "name", where, (str,))
        if not _NAME.match(value):
            raise self.fail(f"{where}.name", f"{value!r} must be lower_snake_case")
        return str(value)

    def text(self, table: dict[str, Any], key: str, where: str) -> Text:
        value = self.get(table, key, where, (dict,))
        zh, en = value.get("zh-hans"), value.get("en")
        if not isinstance(zh, str) or not isinstance(en, str) or not zh or not en:
            path = f"{where}.{key}" if where else key
            raise self.fail(path, "needs both `zh-hans` and `en` strings")
        return Text(zh, en)

    def opt_text(self, table: dict[str, Any], key: str, where: str) -> Text | None:
        return self.text(table, key, where) if key in table else None

    def number(self, value: Any, where: str) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(where, f"must be a number (or a decimal string), got {value!r}")
        try:
            return Fraction(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            raise self.fail(where, f"{value!r} is not a decimal number") from None

    def date(self, value: Any, where: str) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(where, f"{value!r} is not an ISO date (YYYY-MM-DD)") from None

    def year_ref(self, value: Any, where: str) -> int:
        match = _YEAR_REF.match(str(value)) if isinstance(value, str) else None
        if not match:
            raise self.fail(where, f"{value!r} must be a year reference like 'N-1' or 'N'")
        sign, n = match.groups()
        year = self.year + (int(n) * (-1 if sign == "-" else 1) if n else 0)
        if self.reads and year not in self.reads:
            raise self.fail(where, f"reads fiscal year {year}, not listed in data.reads")
        return year

    def assumed(self, table: dict[str, Any], where: str) -> tuple[bool, str]:
        flag = self.get(table, "assumed", where, (bool,), required=False, default=False)
        note = self.get(table, "note", where, (str,), required=False, default="")
        if flag:
            if not note.strip():
                raise self.fail(f"{where}.note", "an assumed entry needs a note saying why")
            self.assumptions.append((where, note))
        return flag, note

    # -- spec ---------------------------------------------------------------------------------
    def spec(self, raw: dict[str, Any]) -> Spec:
        program = self.get(raw, "program", "", (str,))
        self.year = self.get(raw, "year", "", (int,))
        if self.path.stem.isdigit() and int(self.path.stem) != self.year:
            raise self.fail("year", f"{self.year} does not match the file name {self.path.name}")
        version = self.get(raw, "version", "", (str,))
        title = self.text(raw, "title", "")
        data = self.get(raw, "data", "", (dict,))
        reads = self.get(data, "reads", "data", (list,))
        self.reads = tuple(
            sorted({self.year_ref(r, f"data.reads[{i}]") for i, r in enumerate(reads)})
        )
        if self.reads and self.reads[-1] > self.year:
            raise self.fail("data.reads", "cannot read a fiscal year after the evaluation year")
        if not self.reads:
            raise self.fail("data.reads", "must list at least one fiscal year")
        evaluation_date = self.date(
            self.get(data, "evaluation_date", "data", (str, dt.date)), "data.evaluation_date"
        )
        age_as_of = self.date(self.get(data, "age_as_of", "data", (str, dt.date)), "data.age_as_of")
        constants = {
            k: self.number(self.unwrap(v, f"constants.{k}"), f"constants.{k}")
            for k, v in self.get(raw, "constants", "", (dict,), False, {}).items()
        }
        measures = self.get(raw, "measures", "", (dict,))
        for name, table in measures.items():
            self.measures[name] = parts.measure(self, name, table, constants)
        valid_until = None
        if "validity" in raw:
            until = self.get(self.get(raw, "validity", "", (dict,)), "until", "validity", (str,))
            valid_until = parts.until(self, until, "validity.until")
        eligibility = self.conditions(raw, "eligibility")
        direct = self.conditions(raw, "direct")
        cohort = parts.cohort(self, raw) if "cohort" in raw else None
        criteria = tuple(
            parts.criterion(self, t, f"criteria[{i}]", cohort)
            for i, t in enumerate(self.tables(raw, "criteria"))
        )
        adjustments = tuple(
            parts.adjustment(self, t, f"adjustments[{i}]")
            for i, t in enumerate(self.tables(raw, "adjustments"))
        )
        tiers = tuple(
            parts.tier(self, t, f"tiers[{i}]") for i, t in enumerate(self.tables(raw, "tiers"))
        )
        pass_rule = parts.pass_rule(self, raw, criteria, cohort)
        spec = Spec(
            program=program,
            year=self.year,
            version=version,
            title=title,
            path=str(self.path),
            source=self.get(raw, "source", "", (str,), False, ""),
            reads=self.reads,
            evaluation_date=evaluation_date,
            age_as_of=age_as_of,
            measures=self.measures,
            eligibility=eligibility,
            direct=direct,
            criteria=criteria,
            adjustments=adjustments,
            cohort=cohort,
            tiers=tiers,
            pass_rule=pass_rule,
            constants=constants,
            valid_until=valid_until,
            notes=self.get(raw, "notes", "", (str,), False, ""),
            assumptions=tuple(self.assumptions),
        )
        parts.check_whole(self, spec)
        return spec

    def tables(self, raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
        items = self.get(raw, key, "", (list,), required=False, default=[])
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{i}]", "must be a table ([[" + key + "]])")
        return list(items)

    def conditions(self, raw: dict[str, Any], key: str) -> tuple[Condition, ...]:
        out = []
        for i, table in enumerate(self.tables(raw, key)):
            where = f"{key}[{i}]"
            flag, note = self.assumed(table, where)
            out.append(
                Condition(
                    name=self.name(table, where),
                    label=self.text(table, "label", where),
                    test=self.test(self.get(table, "test", where, (dict,)), f"{where}.test"),
                    assumed=flag,
                    note=note,
                )
            )
        names = [c.name for c in out]
        for name in names:
            if names.count(name) > 1:
                raise self.fail(key, f"condition name {name!r} is used twice")
        return tuple(out)

    def test(self, table: dict[str, Any], where: str) -> Test:
        for key, cls in (("all", AllOf), ("any", AnyOf)):
            if key in table:
                items = self.get(table, key, where, (list,))
                if not items or not all(isinstance(x, dict) for x in items):
                    raise self.fail(f"{where}.{key}", "must be a non-empty array of tests")
                return cls(tuple(self.test(x, f"{where}.{key}[{i}]") for i, x in enumerate(items)))
        measure = self.measure_ref(table, "measure", where)
        op = self.get(table, "op", where, (str,))
        if op not in _OPS:
            raise self.fail(f"{where}.op", f"{op!r} is not one of {', '.join(_OPS)}")
        vtype = self.measures[measure].vtype
        raw = self.get(table, "value", where, (int, float, str, bool, list))
        path = f"{where}.value"
        value: Fraction | bool | str | tuple[str, ...]
        if vtype == "number":
            if op in ("in", "not_in"):
                raise self.fail(f"{where}.op", f"{op} needs a text measure; {measure} is a number")
            value = self.number(raw, path)
            self.check_threshold(self.measures[measure], value, path)
        elif vtype == "bool":
            if op not in ("==", "!=") or not isinstance(raw, bool):
                raise self.fail(path, f"{measure} is a yes/no measure: use == or != with a boolean")
            value = raw
        elif op in ("in", "not_in"):
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise self.fail(path, f"{op} needs an array of strings")
            value = tuple(raw)
        elif op in ("==", "!=") and isinstance(raw, str):
            value = raw
        else:
            raise self.fail(path, f"{measure} is text: use ==, !=, in or not_in with strings")
        return Compare(measure, op, value)

    def check_threshold(self, m: Measure, value: Fraction, where: str) -> None:
        """Thresholds are compared on 128-bit integers: keep their powers within reach."""
        p, q = value.numerator, value.denominator
        if m.offset and value < -1:
            raise self.fail(where, "a growth rate cannot be compared with less than -1")
        if max(abs(p + q * m.offset), q) ** m.power > 10**20:
            raise self.fail(
                where, f"{value} is too fine a threshold over {m.power} years (use fewer decimals)"
            )

    def measure_ref(self, table: dict[str, Any], key: str, where: str) -> str:
        name = str(self.get(table, key, where, (str,)))
        if name not in self.measures:
            raise self.fail(f"{where}.{key}", f"unknown measure {name!r}")
        return name

    def field_ref(self, table: dict[str, Any], key: str, where: str, kinds: tuple[str, ...]) -> str:
        name = str(self.get(table, key, where, (str,)))
        if name not in BY_KEY or name in ("uscc", "year"):
            raise self.fail(f"{where}.{key}", f"unknown input field {name!r}")
        if BY_KEY[name].kind not in kinds:
            raise self.fail(
                f"{where}.{key}",
                f"{name} is {BY_KEY[name].kind}; expected one of {', '.join(kinds)}",
            )
        return name
