"""Files in and out: the enterprise-year template (exchange-formats §1) and results (§2).

Reading goes through one all-text Polars frame whatever the file type, so every check is
vectorised and every error names its spreadsheet row (the header is row 1) and its column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

import polars as pl

from kechuang.rules.fields import FIELDS, Field
from kechuang.rules.spec import Spec

MAX_ERRORS = 20
_SIGNED = {"net_profit", "tax_paid"}
_TRUE = ("1", "true", "是", "y", "yes")
_FALSE = ("0", "false", "否", "n", "no")
_CODE = {
    "region_code": (r"^[0-9]{6}$", "a 6-digit GB/T 2260 code"),
    "industry_code": (r"^[A-T]?[0-9]{2,4}$", "a GB/T 4754 code such as C39 or 39"),
}
_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InputFileError(ValueError):
    """A file that does not follow the template; lists the first problems found."""

    def __init__(self, path: str, errors: list[str]) -> None:
        self.path, self.errors = path, errors
        more = "" if len(errors) <= MAX_ERRORS else f"\n… and {len(errors) - MAX_ERRORS} more"
        super().__init__(f"{path}:\n" + "\n".join(errors[:MAX_ERRORS]) + more)


def _label_key(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").lower()


_HEADERS = {_label_key(f.key): f for f in FIELDS} | {_label_key(f.zh): f for f in FIELDS}


def _cell_text(value: Any) -> str | None:
    """An xlsx cell as the text a CSV would hold: dates ISO, numbers without float noise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP), "f")
    return str(value)


def _rows(path: Path) -> tuple[list[str], list[list[str | None]]]:
    try:
        return _read_rows(path)
    except InputFileError:
        raise
    except OSError as exc:
        raise InputFileError(str(path), [f"cannot be read ({exc.strerror})"]) from exc
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), ["is not UTF-8 text (save the CSV as UTF-8)"]) from exc
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise InputFileError(str(path), [f"is not a readable workbook ({exc})"]) from exc


def _read_rows(path: Path) -> tuple[list[str], list[list[str | None]]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    elif path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = [list(r) for r in csv.reader(fh)]
    else:
        raise InputFileError(str(path), ["the file must be .csv (UTF-8) or .xlsx"])
    if not rows:
        raise InputFileError(str(path), ["the file is empty: row 1 must hold the headers"])
    header = [(h or "").strip() for h in rows[0]]
    return header, rows[1:]


def read_enterprise_years(path: str | Path) -> pl.DataFrame:
    """Read a §1 file into the long frame `evaluate` takes. Raises InputFileError."""
    path = Path(path)
    header, body = _rows(path)
    errors: list[str] = []
    columns: dict[int, Field] = {}
    for i, text in enumerate(header):
        if not text:
            continue
        found = _HEADERS.get(_label_key(text))
        if found is None:
            errors.append(
                f"row 1, column {i + 1}: unknown header {text!r} "
                "(use the English key or the Chinese label of the template)"
            )
        elif found in columns.values():
            errors.append(f"row 1, column {i + 1}: {text!r} repeats column {found.key}")
        else:
            columns[i] = found
    keys = {f.key for f in columns.values()}
    errors += [
        f"row 1: the required column {k} is missing" for k in ("uscc", "year") if k not in keys
    ]
    if errors:
        raise InputFileError(str(path), errors)
    width = len(header)
    for n, row in enumerate(body):
        stray = [j for j in range(width, len(row)) if (row[j] or "").strip()]
        stray += [
            j for j in range(min(width, len(row))) if j not in columns and (row[j] or "").strip()
        ]
        if stray:
            errors.append(f"row {n + 2}, column {stray[0] + 1}: a value without a header")
    table = pl.DataFrame(
        {f.key: [row[i] if i < len(row) else None for row in body] for i, f in columns.items()},
        schema={f.key: pl.String for f in columns.values()},
    ).with_row_index("_row", offset=2)
    table = table.filter(  # blank lines are not records
        pl.any_horizontal(
            pl.col(f.key).str.strip_chars().str.len_chars() > 0 for f in columns.values()
        )
    )
    frame, errors = _parse(table, list(columns.values()), errors)
    if errors:
        raise InputFileError(str(path), errors)
    return frame


def _parse(
    text: pl.DataFrame, fields: list[Field], errors: list[str]
) -> tuple[pl.DataFrame, list[str]]:
    stripped = text.with_columns(pl.col(f.key).str.strip_chars().replace("", None) for f in fields)
    exprs, checks = [], []
    for f in fields:
        parsed, problem = _parse_column(f)
        exprs.append(parsed.alias(f.key))
        checks.append((f, pl.col(f.key).is_not_null() & problem))
    flagged = stripped.with_columns([c.alias(f"_bad.{f.key}") for f, c in checks])
    bad = flagged.filter(pl.any_horizontal(pl.col(f"_bad.{f.key}") for f in fields))
    for row in bad.head(MAX_ERRORS + 1).iter_rows(named=True):
        for f in fields:
            if row[f"_bad.{f.key}"]:
                errors.append(
                    f"row {row['_row']}, column {f.key} ({f.zh}): {row[f.key]!r} {_what(f)}"
                )
    if len(bad) > MAX_ERRORS + 1:
        errors.append(f"{len(bad)} rows have bad values in all")
    if errors:
        return stripped, errors
    frame = stripped.select("_row", *exprs)
    dup = frame.filter(pl.struct("uscc", "year").is_duplicated()).sort("uscc", "year", "_row")
    for row in dup.head(MAX_ERRORS).iter_rows(named=True):
        errors.append(
            f"row {row['_row']}: enterprise {row['uscc']} has another row for {row['year']}"
        )
    missing_key = frame.filter(pl.col("uscc").is_null() | pl.col("year").is_null())
    for row in missing_key.head(MAX_ERRORS).iter_rows(named=True):
        errors.append(f"row {row['_row']}: uscc and year must not be empty")
    return frame.drop("_row"), errors


def _what(f: Field) -> str:
    if f.key in _CODE:
        return f"is not {_CODE[f.key][1]}"
    return {
        "code": "is not a valid unified social credit code (GB 32100)",
        "date": "is not a date (YYYY-MM-DD)",
        "int": "is not a year between 1949 and 2100",
        "count": "is not a whole number of at least 0",
        "money": "is not an amount in yuan"
        + ("" if f.key in _SIGNED else " of at least 0")
        + " below 10^15",
        "bool": "is not yes/no (1/0, true/false, 是/否)",
    }.get(f.kind, "is not valid")


def _parse_column(f: Field) -> tuple[pl.Expr, pl.Expr]:
    """(parsed value, whether a non-empty cell failed to parse)."""
    c = pl.col(f.key)
    if f.kind == "money":
        plain = c.str.replace_all(",", "")
        sign = "-?" if f.key in _SIGNED else ""
        ok = plain.str.contains(rf"^{sign}[0-9]{{1,15}}(\.[0-9]+)?$")  # below 10^15 yuan
        money = pl.when(ok).then(_round_fen(plain)).cast(pl.Decimal(38, 2))
        return money, ~ok
    if f.kind in ("count", "int"):
        ok = c.str.contains(r"^[0-9]+(\.0+)?$")
        number = pl.when(ok).then(c.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False))
        if f.kind == "int":
            ok = ok & number.is_between(1949, 2100)
        return number, ~ok.fill_null(False)
    if f.kind == "bool":
        low = c.str.to_lowercase()
        flag = pl.when(low.is_in(list(_TRUE))).then(True).when(low.is_in(list(_FALSE))).then(False)
        return flag.otherwise(None), flag.is_null()
    if f.kind == "date":
        day = c.str.to_date("%Y-%m-%d", strict=False)
        return day, day.is_null() | ~c.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    if f.key == "uscc":
        code = c.str.replace_all(r"[\s-]", "").str.to_uppercase()
        return code, ~_uscc_ok(code)
    if f.key in _CODE:
        code = c.str.to_uppercase()
        return code, ~code.str.contains(_CODE[f.key][0])
    return c, pl.lit(False)


def _fen(text: str) -> str:
    return format(Decimal(text).quantize(Decimal("0.01"), ROUND_HALF_UP), "f")


def _round_fen(plain: pl.Expr) -> pl.Expr:
    # Polars rounds text to Decimal half-to-even; amounts round half up, so the rare value with
    # more than two decimals goes through Python's Decimal.
    long = plain.str.contains(r"\.[0-9]{3,}$")
    return pl.when(long).then(plain.map_elements(_fen, return_dtype=pl.String)).otherwise(plain)


def _uscc_ok(code: pl.Expr) -> pl.Expr:
    """GB 32100: 18 characters from the charset, the last one the weighted check character."""
    shape = code.str.contains(rf"^[{_USCC_CHARSET}]{{18}}$")
    values = {ch: i for i, ch in enumerate(_USCC_CHARSET)}
    total = pl.lit(0, pl.Int64)
    for i, w in enumerate(_USCC_WEIGHTS):
        total = (
            total
            + code.str.slice(i, 1).replace_strict(values, default=0, return_dtype=pl.Int64) * w
        )
    check = ((31 - total % 31) % 31).replace_strict(
        dict(enumerate(_USCC_CHARSET)), return_dtype=pl.String
    )
    return (shape & (code.str.slice(17, 1) == check)).fill_null(False)


def output_frame(result: pl.DataFrame, spec: Spec) -> pl.DataFrame:
    """The §2 columns, in order, as text: reasons joined by `;`, empty for unknown."""
    cols = [
        "uscc",
        "program",
        "spec_version",
        "eligible",
        "score",
        *spec.criterion_columns(),
        "qualified_by",
        "verdict",
        "reasons",
    ]
    return result.select(
        pl.col(c).cast(pl.String)
        if c != "reasons"
        else pl.when(pl.col(c).list.len() > 0).then(pl.col(c).list.join(";")).alias(c)
        for c in cols
    )


def write_output(result: pl.DataFrame, spec: Spec, target: str | Path | IO[str]) -> None:
    frame = output_frame(result, spec)
    if isinstance(target, str | Path):
        frame.write_csv(Path(target))
    else:
        buffer = io.StringIO()
        frame.write_csv(buffer)
        target.write(buffer.getvalue())
