"""Which rules a program uses for a year: the active published version, else the shipped file.

Published versions are TOML text in the database (`SpecVersion`); they go through the same
loader as the shipped files, so a published version is checked exactly like a file.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

from kechuang.programs.runs.models import SpecVersion
from kechuang.rules import Spec, SpecError, available, load_spec, spec_path

_VERSION_LINE = re.compile(r"^version\s*=.*$", re.MULTILINE)
_VERSION_NUMBER = re.compile(r"\.(\d+)$")


@dataclass(frozen=True)
class ActiveSpec:
    spec: Spec
    text: str
    record: SpecVersion | None  # None: the shipped file

    @property
    def sha256(self) -> str:
        return digest(self.text)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=64)
def load_text(text: str) -> Spec:
    """A spec from its TOML text. Raises SpecError, which names the field that is wrong."""
    with tempfile.TemporaryDirectory(prefix="kc-spec-") as tmp:
        path = Path(tmp) / "spec.toml"
        path.write_text(text, encoding="utf-8")
        return load_spec(path)


def file_text(program: str, year: int) -> str | None:
    path = spec_path(program, year)
    return path.read_text(encoding="utf-8") if path.exists() else None


def active_spec(program: str, year: int) -> ActiveSpec:
    """The rules a run of `program` for `year` uses. Raises SpecError if there are none."""
    record = SpecVersion.objects.filter(program=program, year=year, is_active=True).first()
    if record is not None:
        return ActiveSpec(load_text(record.text), record.text, record)
    text = file_text(program, year)
    if text is None:
        raise SpecError(spec_path(program, year), "program", f"no spec for {program} {year}")
    return ActiveSpec(load_spec(spec_path(program, year)), text, None)


def catalogue() -> dict[str, list[int]]:
    """Programs and the years with rules: shipped files and published versions."""
    out = {p: set(years) for p, years in available().items()}
    for program, year in SpecVersion.objects.values_list("program", "year").distinct():
        out.setdefault(program, set()).add(year)
    return {p: sorted(ys) for p, ys in sorted(out.items())}


@lru_cache(maxsize=32)
def _file_title(program: str, year: int) -> tuple[str, str]:
    spec = load_spec(spec_path(program, year))
    return spec.title.zh, spec.title.en


def program_title(program: str, lang: str) -> str:
    """The program's name from its newest shipped spec; its code when there is none."""
    years = available().get(program)
    if not years:
        return program
    zh, en = _file_title(program, years[-1])
    return en if lang == "en" else zh


def next_version(program: str, year: int) -> str:
    """`<program>/<year>.<n>`, n one above every version of the file and the database."""
    versions = list(
        SpecVersion.objects.filter(program=program, year=year).values_list("version", flat=True)
    )
    text = file_text(program, year)
    if text is not None:
        versions.append(load_spec(spec_path(program, year)).version)
    numbers = [int(m.group(1)) for v in versions if (m := _VERSION_NUMBER.search(v))]
    return f"{program}/{year}.{max(numbers, default=0) + 1}"


def with_version(text: str, version: str) -> str:
    """The text with its top-level `version` key set to `version`."""
    line = f'version = "{version}"'
    head_end = re.search(r"^\s*\[", text, re.MULTILINE)
    head = text[: head_end.start()] if head_end else text
    if _VERSION_LINE.search(head):
        head = _VERSION_LINE.sub(line, head, count=1)
    else:
        head = head.rstrip("\n") + "\n" + line + "\n\n"
    return head + (text[head_end.start() :] if head_end else "")


def spec_error_text(exc: SpecError) -> str:
    """A SpecError without the temporary file name of a text spec."""
    return f"{exc.where}: {exc.problem}"


# --- the choice of program and year, for the run and simulation forms ---------------------


def spec_choices() -> list[tuple[str, str]]:
    """`program:year` of every program and year with rules, newest year first."""
    lang = "en" if (get_language() or "").startswith("en") else "zh-hans"
    out = []
    for program, years in catalogue().items():
        title = program_title(program, lang)
        out += [(f"{program}:{y}", f"{title} {y}") for y in reversed(years)]
    return out


def split(value: str) -> tuple[str, int]:
    program, _sep, year = value.rpartition(":")
    return program, int(year)
