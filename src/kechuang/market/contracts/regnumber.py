"""The 14-digit registration number of a technology contract (legacy national format).

YY (year of registration) + province (2) + prefecture (2) + registration office (2) +
serial (6). A valid string, not a number: leading zeros matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB/T 2260 province-level codes (incl. Taiwan, Hong Kong, Macao).
_PROVINCE_CODES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54"
PROVINCES = frozenset([*_PROVINCE_CODES.split(), "61", "62", "63", "64", "65", "71", "81", "82"])
_PATTERN = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{2})(\d{6})$")


@dataclass(frozen=True)
class RegistrationNumber:
    year: int  # four digits, 2000–2099
    province: str
    prefecture: str
    office: str
    serial: int

    @property
    def value(self) -> str:
        return (
            f"{self.year % 100:02d}{self.province}{self.prefecture}{self.office}{self.serial:06d}"
        )

    def __str__(self) -> str:
        return self.value


def parse(value: str) -> RegistrationNumber:
    """Raises ValidationError unless `value` is a well-formed registration number."""
    m = _PATTERN.match(value or "")
    if not m:
        raise ValidationError(_("登记号须为14位数字"), code="regno_format")
    yy, province, prefecture, office, serial = m.groups()
    if province not in PROVINCES:
        raise ValidationError(_("登记号中的省级代码无效"), code="regno_province")
    if int(serial) == 0:
        raise ValidationError(_("登记号流水号不能为0"), code="regno_serial")
    return RegistrationNumber(2000 + int(yy), province, prefecture, office, int(serial))


def validate(value: str) -> None:
    parse(value)


def make(*, year: int, province: str, prefecture: str, office: str, serial: int) -> str:
    if not 1 <= serial <= 999_999:
        raise ValueError("serial out of range")
    number = RegistrationNumber(year, province, prefecture, office, serial)
    parse(number.value)
    return number.value
