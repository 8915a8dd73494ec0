"""Bulletin targets (exchange-formats.md §3): the figures a demo province is calibrated to."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TARGETS = Path(__file__).resolve().parent / "data" / "targets-2023H1.toml"

# The figures the registry generator itself needs; the other codes feed later stages.
REQUIRED = (
    "F01",
    "F02",
    "F03",
    "F04",
    "F05",
    "F06",
    "F07",
    "F08",
    "F10",
    "F11",
    "F23",
    "F25",
    "F26",
)
_PERIOD = re.compile(r"^(\d{4})(?:H([12]))?$")

Number = int | float
Figure = Number | list[Number]


class TargetsError(ValueError):
    """A targets file that cannot drive the generator; the message says what to fix."""


@dataclass(frozen=True)
class Period:
    code: str
    start: dt.date
    end: dt.date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)


@dataclass(frozen=True)
class Targets:
    period: Period
    province: str
    figures: dict[str, Figure]
    prior: dict[str, Figure] = field(default_factory=dict)
    prior_year_growth: dict[str, Number] = field(default_factory=dict)
    start_of_period: dict[str, Figure] = field(default_factory=dict)
    demo: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def count(self, code: str) -> int:
        """A one-part figure that counts records."""
        value = self.figures[code]
        if isinstance(value, list) or int(value) != value:
            raise TargetsError(f"{code} must be a whole number, got {value!r}")
        return int(value)

    def parts(self, code: str) -> list[Number]:
        """A figure with several parts, e.g. F26 = [new this period, total]."""
        value = self.figures[code]
        if not isinstance(value, list):
            raise TargetsError(f"{code} must be a list of parts, got {value!r}")
        return value

    def start_count(self, code: str) -> int:
        try:
            return int(self.start_of_period[code])  # type: ignore[arg-type]
        except KeyError:
            raise TargetsError(f"[start_of_period] {code} is missing") from None

    def param(self, name: str, default: Any = None) -> Any:
        return self.demo.get(name, default)

    @property
    def digest(self) -> str:
        """Identifies the targets by content, so comments and layout do not matter."""
        payload = {
            "period": self.period.code,
            "province": self.province,
            "figures": self.figures,
            "prior": self.prior,
            "prior_year_growth": self.prior_year_growth,
            "start_of_period": self.start_of_period,
            "demo": self.demo,
        }
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def fiscal_years(self) -> list[int]:
        """The complete fiscal years before the period that yearly data is generated for."""
        n = int(self.param("fiscal_years", 4))
        return list(range(self.period.year - n, self.period.year))


def parse_period(code: str) -> Period:
    m = _PERIOD.match(code)
    if not m:
        raise TargetsError(f"period must look like 2023 or 2023H1, got {code!r}")
    year, half = int(m.group(1)), m.group(2)
    if half == "1":
        return Period(code, dt.date(year, 1, 1), dt.date(year, 6, 30))
    if half == "2":
        return Period(code, dt.date(year, 7, 1), dt.date(year, 12, 31))
    return Period(code, dt.date(year, 1, 1), dt.date(year, 12, 31))


def load(path: str | Path | None = None) -> Targets:
    """Read and check a targets file. Raises TargetsError with the problems found."""
    path = Path(path) if path else DEFAULT_TARGETS
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetsError(f"targets file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(f"{path}: not valid TOML: {exc}") from None
    return from_dict(raw, source=str(path))


def from_dict(raw: dict[str, Any], source: str = "") -> Targets:
    if "period" not in raw:
        raise TargetsError("period is missing")
    figures = dict(raw.get("figures", {}))
    missing = [c for c in REQUIRED if c not in figures]
    if missing:
        raise TargetsError(f"[figures] lacks {', '.join(missing)}")
    targets = Targets(
        period=parse_period(str(raw["period"])),
        province=str(raw.get("province", "210000")),
        figures=figures,
        prior=dict(raw.get("prior", {})),
        prior_year_growth=dict(raw.get("prior_year_growth", {})),
        start_of_period=dict(raw.get("start_of_period", {})),
        demo=dict(raw.get("demo", {})),
        source=source,
    )
    check(targets)
    return targets


def check(t: Targets) -> None:
    """Figures that contradict each other cannot all come out of one set of records."""
    problems: list[str] = []
    members, academicians = t.count("F04"), t.count("F05") + t.count("F06") + t.count("F07")
    if academicians > members:
        problems.append(f"F05+F06+F07 = {academicians} exceeds the F04 = {members} members")
    new_national = t.count("F02") - t.start_count("F02")
    if new_national < 0:
        problems.append("F02 is below its [start_of_period] value")
    if t.count("F01") + t.count("F11") > t.count("F02"):
        problems.append("F01 + F11 exceed F02 (both count as national-level platforms)")
    pilot_new, pilot_total = (int(x) for x in t.parts("F26"))
    if pilot_new > pilot_total:
        problems.append("F26: new pilot bases exceed the total")
    n_facilities, invested = t.parts("F10")
    if int(n_facilities) > 0 and invested < int(n_facilities) * 1000:
        problems.append("F10: investment too small to spread over the facilities")
    if t.count("F08") > 0 and t.count("F03") == 0:
        problems.append("F08 needs at least one provincial lab (F03)")
    if problems:
        raise TargetsError("; ".join(problems))
