"""Registered organisations named by their USCC, as forms and the API name them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kechuang.core import uscc


def find_org(code: str, *models: type[Any], field: str | None = None) -> Any:
    """The registered organisation with this USCC among `models`; else a validation error
    (on `field` when given)."""
    value = uscc.compact(code or "")
    for model in models:
        found = model.objects.filter(uscc=value).first()
        if found is not None:
            return found
    error = ValidationError(
        _("统一社会信用代码未在本省登记:%(code)s"), code="unknown_uscc", params={"code": value}
    )
    raise ValidationError({field: error}) if field else error
