"""What every page's layout needs: the navigation and the acting user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kechuang.core.roles import ADMIN_ROLES, Role
from kechuang.core.scoping import role_of

# (URL name, label, section). Entries whose URL is not routed (an app not installed yet) are
# skipped, so an app adds itself to the top bar with one line here. An entry is highlighted
# on every page under its section (its own URL when the section is None).
NAVIGATION: list[tuple[str, Any, str | None]] = [
    ("home", _("首页"), None),
    ("registry:enterprise_list", pgettext_lazy("plural", "企业"), None),
    ("registry:institution_list", pgettext_lazy("plural", "高校院所"), None),
    ("registry:service_institution_list", pgettext_lazy("plural", "服务机构"), None),
    ("registry:bank_list", pgettext_lazy("plural", "银行"), None),
    ("registry:platform_list", pgettext_lazy("plural", "平台"), None),
    ("registry:person_list", pgettext_lazy("plural", "人员"), None),
    ("market:index", _("技术市场"), "/market/"),
    ("programs:techsme_list", _("企业评价"), "/programs/"),
    ("core:job_list", _("后台任务"), "/jobs/"),
]
ADMIN_ONLY = {"core:job_list"}  # entries shown to the administrations only


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    role = role_of(getattr(request, "user", None))
    items = []
    path = request.path
    for name, label, section in NAVIGATION:
        if name in ADMIN_ONLY and role not in ADMIN_ROLES:
            continue
        url = _url(name)
        if url is None:
            continue
        active = path == url if url == "/" else path.startswith(section or url)
        items.append({"url": url, "label": label, "active": active})
    return {
        "user_role": role,
        "user_role_label": Role(role).label if role in Role.values else "",
        "nav_items": items,
    }
