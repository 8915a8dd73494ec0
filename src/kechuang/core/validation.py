"""Plausible bounds for what people type or upload, checked the same way by forms, the API
(models' `full_clean`) and the imports.

Each check is a plain function raising `Implausible` with a code (the imports report codes);
the `*_validator` wrappers raise Django's ValidationError for model fields.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FOUNDED_MIN = dt.date(1900, 1, 1)
CERTIFICATE_YEARS_AHEAD = 10  # a certificate is issued for at most this many years
YEAR_MIN = 1949
STAFF_MAX = 1_000_000
# Text direction controls let a name display as something else than it is (Trojan Source).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

MESSAGES: dict[str, Any] = {
    "name_empty": _("名称不能为空"),
    "name_bidi": _("名称含有不允许的文字方向控制字符"),
    "founded_too_early": _("成立日期不能早于 1900 年"),
    "founded_future": _("成立日期不能晚于今天"),
    "certificate_too_far": _("证书有效期不能超过今天起 10 年"),
    "year_future": _("年度不能晚于本年"),
    "year_too_early": _("年度不能早于 1949 年"),
    "staff_too_large": _("人数不能超过 1000000"),
}


class Implausible(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _today() -> dt.date:
    return timezone.localdate()


def clean_name(value: str) -> str:
    """A name with its spaces collapsed; empty names and direction controls are refused."""
    if BIDI_CONTROLS.search(value):
        raise Implausible("name_bidi")
    text = " ".join(value.split())
    if not text:
        raise Implausible("name_empty")
    return text


def check_founded(value: dt.date, today: dt.date | None = None) -> dt.date:
    if value < FOUNDED_MIN:
        raise Implausible("founded_too_early")
    if value > (today or _today()):
        raise Implausible("founded_future")
    return value


def certificate_limit(today: dt.date | None = None) -> dt.date:
    today = today or _today()
    try:
        return today.replace(year=today.year + CERTIFICATE_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + CERTIFICATE_YEARS_AHEAD, day=28)


def check_certificate_valid_to(value: dt.date, today: dt.date | None = None) -> dt.date:
    if value > certificate_limit(today):
        raise Implausible("certificate_too_far")
    return value


def check_year(value: int, today: dt.date | None = None) -> int:
    if value < YEAR_MIN:
        raise Implausible("year_too_early")
    if value > (today or _today()).year:
        raise Implausible("year_future")
    return value


def check_staff(value: int) -> int:
    if value > STAFF_MAX:
        raise Implausible("staff_too_large")
    return value


def _django(check: Any, value: Any) -> None:
    if value is None:
        return
    try:
        check(value)
    except Implausible as exc:
        raise ValidationError(MESSAGES[exc.code], code=exc.code) from exc


def name_validator(value: str) -> None:
    _django(clean_name, value)


def founded_validator(value: dt.date) -> None:
    _django(check_founded, value)


def certificate_validator(value: dt.date) -> None:
    _django(check_certificate_valid_to, value)


def year_validator(value: int) -> None:
    _django(check_year, value)


def staff_validator(value: int) -> None:
    _django(check_staff, value)
