"""The input fields the engine knows: exchange-formats.md §1 plus optional extra columns.

The §1 keys are a contract and never change. Extra columns are optional: a file or frame
without them is valid, and a criterion that needs one sees it as missing (a reason code),
not as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "code", "date", "int", "count", "money", "bool"]
Level = Literal["enterprise", "year"]


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    kind: Kind
    level: Level = "year"
    extra: bool = False  # not in exchange-formats §1: an optional added column

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


_F = Field
FIELDS: tuple[Field, ...] = (
    _F("uscc", "统一社会信用代码", "unified social credit code", "code", "enterprise"),
    _F("name", "企业名称", "enterprise name", "text", "enterprise"),
    _F("founded_on", "成立日期", "founding date", "date", "enterprise"),
    _F("region_code", "行政区划代码", "region code", "code", "enterprise"),
    _F("industry_code", "行业代码", "industry code", "code", "enterprise"),
    _F("year", "年度", "fiscal year", "int"),
    _F("staff", "职工总数", "total staff", "count"),
    _F("tech_staff", "科技人员数", "S&T staff", "count"),
    _F("sales_revenue", "销售收入", "sales revenue", "money"),
    _F("total_cost", "成本费用支出总额", "total cost and expense", "money"),
    _F("rd_expense", "研发费用", "R&D expense", "money"),
    _F("st_activity_expense", "科技活动经费", "S&T activity expense", "money"),
    _F("total_assets", "资产总额", "total assets", "money"),
    _F("net_profit", "净利润", "net profit", "money"),
    _F("tax_paid", "纳税额", "tax paid", "money"),
    _F("ip_class1", "Ⅰ类知识产权数", "class I IP", "count"),
    _F("ip_class2", "Ⅱ类知识产权数", "class II IP", "count"),
    _F("invention_applications", "发明专利申请数", "invention patent applications", "count"),
    _F("pct_applications", "PCT专利申请数", "PCT applications", "count"),
    _F("equity_financing", "股权融资额", "equity financing", "money"),
    _F("max_single_investment", "单笔最大投资额", "largest single venture investment", "money"),
    _F("valuation_usd", "最新估值(美元)", "latest post-money valuation (USD)", "money"),
    _F("professional_investors", "获专业机构投资", "backed by professional investors", "bool"),
    _F("listed", "是否上市", "listed", "bool"),
    _F(
        "high_tech_cert_valid_to",
        "高新技术企业证书有效期至",
        "high-tech enterprise certificate valid to",
        "date",
    ),
    _F(
        "provincial_rd_institution",
        "省部级以上研发机构",
        "R&D institution at provincial level or above",
        "bool",
    ),
    _F(
        "national_award_top3",
        "近五年国家科技奖前三完成单位",
        "national S&T award, top-3 unit, last 5 years",
        "bool",
    ),
    _F("led_standard", "近五年主导制定标准", "led a standard in the last 5 years", "bool"),
    _F(
        "abnormal_or_blacklisted",
        "列入经营异常名录或严重违法失信名单",
        "on the abnormal-operations or serious-violation list",
        "bool",
    ),
    _F(
        "major_incident",
        "重大安全/质量事故、严重环境违法、科研严重失信",
        "major incident, serious violation or integrity breach",
        "bool",
    ),
    # Optional extra columns (exchange formats grow by adding columns, never by renaming).
    _F("zone_code", "所在高新区代码", "high-tech zone code", "code", "enterprise", True),
    _F("city_code", "所属城市代码", "city code", "code", "enterprise", True),
    _F(
        "resident_taxpayer",
        "居民企业且查账征收",
        "resident enterprise taxed on its books",
        "bool",
        extra=True,
    ),
    _F(
        "non_independent_unit",
        "生产基地、分支机构或销售贸易公司",
        "production base, branch, or sales/trading company",
        "bool",
        extra=True,
    ),
    _F(
        "tech_contract_turnover",
        "技术合同成交额",
        "technology-contract turnover",
        "money",
        extra=True,
    ),
    _F("talent_titles", "人才称号数", "talent titles", "count", extra=True),
    _F(
        "provincial_award",
        "近五年省级以上科技奖励",
        "provincial or national S&T award",
        "bool",
        extra=True,
    ),
    _F(
        "software_enterprise_cert",
        "软件企业证书",
        "software-enterprise certificate",
        "bool",
        extra=True,
    ),
    _F("software_product_cert", "软件产品证书", "software-product certificate", "bool", extra=True),
    _F(
        "contest_prize",
        "创新创业大赛获奖",
        "prize at an innovation contest final",
        "bool",
        extra=True,
    ),
    _F(
        "key_chain_enterprise",
        "重点产业链企业",
        "enterprise of a key industrial chain",
        "bool",
        extra=True,
    ),
)

BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
NUMERIC_KINDS = ("int", "count", "money")
KEY_COLUMNS = ("uscc", "year")


def scale(key: str) -> int:
    """How many units of the stored integer make one unit of meaning (fen per yuan)."""
    return 100 if BY_KEY[key].kind == "money" else 1
