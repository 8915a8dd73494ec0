"""What the components of a match are called on pages and in the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COMPONENT_LABELS = {
    "text": _("文本相似度"),
    "field": _("技术领域一致"),
    "industry": _("行业亲和度"),
    "maturity": _("技术成熟度"),
    "budget": _("预算匹配"),
    "deadline": _("需求未截止"),
}


def component_label(name: str) -> str:
    return str(COMPONENT_LABELS.get(name, name))
