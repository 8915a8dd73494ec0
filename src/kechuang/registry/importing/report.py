"""The error report of an import: one entry per row and column, in Chinese and English.

Both languages are stored side by side rather than translated on display, because the
report is a file that is downloaded, mailed and read by people who use either language.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from typing import Any

from kechuang.core import exports
from kechuang.registry.importing.columns import BY_KEY

# code -> (Chinese, English); placeholders are filled with str.format(**params).
MESSAGES: dict[str, tuple[str, str]] = {
    "file_unreadable": ("无法读取文件:{detail}", "The file cannot be read: {detail}"),
    "file_empty": ("文件没有数据行", "The file has no data rows"),
    "header_unknown": ("无法识别的列标题“{value}”", "Unknown column header '{value}'"),
    "header_duplicate": ("列“{value}”重复出现", "Column '{value}' appears more than once"),
    "header_missing": ("缺少必需的列", "A required column is missing"),
    "required": ("必填", "Required"),
    "required_new": ("新企业必须填写此项", "Required for an enterprise not yet registered"),
    "uscc_length": ("统一社会信用代码应为18位", "A USCC has 18 characters"),
    "uscc_charset": (
        "统一社会信用代码含有不允许的字符",
        "The USCC contains characters not allowed",
    ),
    "uscc_region": (
        "统一社会信用代码第3–8位应为行政区划代码",
        "Positions 3–8 of a USCC must be a region code",
    ),
    "uscc_check": (
        "统一社会信用代码校验位错误,应为 {expected}",
        "Wrong USCC check character, expected {expected}",
    ),
    "not_integer": ("应为非负整数", "Must be a whole number"),
    "not_number": ("应为数字", "Must be a number"),
    "too_many_decimals": ("金额最多保留两位小数(分)", "Money has at most two decimals (fen)"),
    "negative": ("不能为负数", "Must not be negative"),
    "too_large": ("数值过大", "The value is too large"),
    "not_date": ("日期格式应为 YYYY-MM-DD", "A date must be written YYYY-MM-DD"),
    "not_bool": ("应为 1/0、true/false 或 是/否", "Must be 1/0, true/false or 是/否"),
    "not_year": (
        "年度应为 1949 至 {max} 之间的整数",
        "The year must be a whole number from 1949 to {max}",
    ),
    "too_long": ("不能超过 {max} 个字符", "At most {max} characters"),
    "founded_future": ("成立日期不能晚于今天", "The founding date lies in the future"),
    "founded_too_early": ("成立日期不能早于 1900 年", "The founding date is before 1900"),
    "certificate_too_far": (
        "证书有效期不能超过今天起 10 年",
        "A certificate is valid for at most 10 years from today",
    ),
    "staff_too_large": ("人数不能超过 1000000", "At most 1,000,000 people"),
    "name_empty": ("名称不能为空", "The name is empty"),
    "name_bidi": (
        "名称含有不允许的文字方向控制字符",
        "The name contains text direction control characters",
    ),
    "founded_after_year": (
        "成立日期 {founded} 晚于数据年度 {year}",
        "Founded on {founded}, after the data year {year}",
    ),
    "tech_staff_gt_staff": (
        "科技人员数({tech_staff})大于职工总数({staff})",
        "Tech staff ({tech_staff}) exceed total staff ({staff})",
    ),
    "rd_gt_cost": (
        "研发费用({rd})大于成本费用支出总额({cost})",
        "R&D expense ({rd}) exceeds total cost ({cost})",
    ),
    "region_unknown": (
        "未知的行政区划代码“{value}”,应为辽宁省的县区或市代码",
        "Unknown region code '{value}': use a county or city code of Liaoning",
    ),
    "industry_unknown": (
        "未知的行业代码“{value}”(GB/T 4754-2017)",
        "Unknown industry code '{value}' (GB/T 4754-2017)",
    ),
    "city_unknown": ("未知的市“{value}”", "Unknown city '{value}'"),
    "city_mismatch": (
        "所属市 {city} 与行政区划代码 {region} 不符",
        "City {city} does not contain region {region}",
    ),
    "zone_unknown": ("未知的高新区“{value}”", "Unknown high-tech zone '{value}'"),
    "zone_city_mismatch": (
        "高新区“{zone}”不在所属市 {city}",
        "High-tech zone '{zone}' is not in city {city}",
    ),
    "duplicate_row": (
        "同一企业同一年度重复(与第 {first} 行重复)",
        "Same enterprise and year as row {first}",
    ),
    "name_conflict": (
        "同一统一社会信用代码的企业名称不一致(第 {first} 行为“{other}”)",
        "Another name for the same USCC (row {first} has '{other}')",
    ),
    "out_of_scope": ("该企业不在本市,无权导入", "This enterprise is outside your city"),
    "high_tech_dates": (
        "高企证书有效期至早于已登记的有效期起 {valid_from}",
        "Certificate valid-to precedes the registered valid-from {valid_from}",
    ),
}

MAX_ERRORS = 10_000  # beyond this a report helps no one; the total is still counted


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number; the header is row 1
    column: str  # column key, empty for errors about the whole row or file
    letter: str  # spreadsheet column letter, empty when unknown
    value: str
    code: str
    message_zh: str
    message_en: str

    @property
    def label(self) -> str:
        col = BY_KEY.get(self.column)
        return col.label if col else self.column


def make_error(row: int, column: str, letter: str, cell: Any, code: str, **params: Any) -> RowError:
    zh, en = MESSAGES[code]
    shown = "" if cell is None else str(cell)
    return RowError(
        row=row,
        column=column,
        letter=letter,
        value=shown[:100],
        code=code,
        message_zh=zh.format(**params),
        message_en=en.format(**params),
    )


class ErrorReport:
    """Collects errors up to MAX_ERRORS and counts them all."""

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.total = 0

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, error: RowError) -> None:
        self.total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def sorted(self) -> list[RowError]:
        return sorted(self.errors, key=lambda e: (e.row, e.letter.rjust(3), e.code))

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(e) for e in self.sorted()]


REPORT_HEADERS = ("行 row", "列 column", "字段 field", "值 value", "错误 error", "error")


def report_rows(errors: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows of the downloadable report, from the JSON kept on the import job."""
    out: list[list[Any]] = []
    for e in errors:
        col = BY_KEY.get(e["column"])
        field = f"{col.label} ({col.key})" if col else e["column"]
        out.append([e["row"], e["letter"], field, e["value"], e["message_zh"], e["message_en"]])
    return out


def report_text(errors: list[dict[str, Any]], total: int) -> str:
    """The report as lines of text, for the console."""
    buf = io.StringIO()
    for row, letter, field, value, zh, en in report_rows(errors):
        where = f"第{row}行" + (f" {letter}列" if letter else "")
        what = f" {field}" if field else ""
        shown = f" [值 value: {value}]" if value != "" else ""
        buf.write(f"{where}{what}: {zh} / {en}{shown}\n")
    if total > len(errors):
        buf.write(
            f"……另有 {total - len(errors)} 处错误未列出 / "
            f"{total - len(errors)} more errors not listed\n"
        )
    return buf.getvalue()


def report_csv(errors: list[dict[str, Any]]) -> bytes:
    # The rejected values are whatever the file held: written by the formula-safe writer.
    out = io.BytesIO()
    exports.write_csv(out, [REPORT_HEADERS], report_rows(errors))
    return out.getvalue()


def report_xlsx(errors: list[dict[str, Any]]) -> bytes:
    out = io.BytesIO()
    exports.write_xlsx(out, [REPORT_HEADERS], report_rows(errors), sheet="errors")
    return out.getvalue()
