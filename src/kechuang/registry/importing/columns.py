"""The columns of the enterprise yearly-data exchange format (exchange-formats.md §1).

A header cell may carry the English key or the Chinese label. Headers are compared after
NFKC normalisation, so full-width brackets and the Roman numerals Ⅰ/Ⅱ match their ASCII
forms, and a leading `*` (the template's mark for required columns) is ignored.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Kind = Literal["uscc", "text", "date", "year", "count", "money", "signed_money", "bool", "code"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind
    enterprise_level: bool = False  # repeats on every row; the latest year's value wins
    required: bool = False  # the column must be present in the file
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("uscc", "统一社会信用代码", "uscc", required=True, help="18位,GB 32100 校验位"),
    Column("name", "企业名称", "text", enterprise_level=True, help="新企业必填"),
    Column("founded_on", "成立日期", "date", enterprise_level=True, help="YYYY-MM-DD"),
    Column(
        "region_code",
        "行政区划代码",
        "code",
        enterprise_level=True,
        help="6位县区代码(或市代码),新企业必填",
    ),
    Column(
        "industry_code",
        "行业代码",
        "code",
        enterprise_level=True,
        help="GB/T 4754-2017 大类或更细,如 C39 或 39",
    ),
    Column("year", "年度", "year", required=True, help="以下数据所属的会计年度"),
    Column("staff", "职工总数", "count"),
    Column("tech_staff", "科技人员数", "count"),
    Column("sales_revenue", "销售收入", "money", help="元"),
    Column("total_cost", "成本费用支出总额", "money", help="元"),
    Column("rd_expense", "研发费用", "money", help="元"),
    Column("st_activity_expense", "科技活动经费", "money", help="元"),
    Column("total_assets", "资产总额", "money", help="元"),
    Column("net_profit", "净利润", "signed_money", help="元,可为负"),
    Column("tax_paid", "纳税额", "signed_money", help="元"),
    Column("ip_class1", "Ⅰ类知识产权数", "count"),
    Column("ip_class2", "Ⅱ类知识产权数", "count"),
    Column("invention_applications", "发明专利申请数", "count"),
    Column("pct_applications", "PCT专利申请数", "count"),
    Column("equity_financing", "股权融资额", "money", help="元"),
    Column("max_single_investment", "单笔最大投资额", "money", help="元"),
    Column("valuation_usd", "最新估值(美元)", "money", help="美元"),
    Column("professional_investors", "获专业机构投资", "bool", help="1/0、是/否"),
    Column("listed", "是否上市", "bool", help="1/0、是/否"),
    Column("high_tech_cert_valid_to", "高新技术企业证书有效期至", "date", help="YYYY-MM-DD"),
    Column("provincial_rd_institution", "省部级以上研发机构", "bool", help="1/0、是/否"),
    Column("national_award_top3", "近五年国家科技奖前三完成单位", "bool", help="1/0、是/否"),
    Column("led_standard", "近五年主导制定标准", "bool", help="1/0、是/否"),
    Column(
        "abnormal_or_blacklisted",
        "列入经营异常名录或严重违法失信名单",
        "bool",
        help="本年或上年,1/0、是/否",
    ),
    Column(
        "major_incident",
        "重大安全/质量事故、严重环境违法、科研严重失信",
        "bool",
        help="本年或上年,1/0、是/否",
    ),
    # Optional columns beyond §1: they let an export carry the zone and the reporting unit.
    Column(
        "city",
        "所属市",
        "code",
        enterprise_level=True,
        help="市代码或 SHENFU(沈抚示范区);空则由区划代码推出",
    ),
    Column("zone", "所在高新区", "text", enterprise_level=True, help="高新区全称"),
)

BY_KEY = {c.key: c for c in COLUMNS}
YEAR_KEYS: tuple[str, ...] = tuple(
    c.key for c in COLUMNS if not c.enterprise_level and c.key not in ("uscc", "year")
)
ENTERPRISE_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.enterprise_level)


def normalize_header(text: object) -> str:
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = "".join(value.split()).lstrip("*").casefold()
    return value


_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    _LOOKUP[normalize_header(_c.key)] = _c.key
    _LOOKUP[normalize_header(_c.label)] = _c.key


def key_for_header(text: object) -> str | None:
    return _LOOKUP.get(normalize_header(text))


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
