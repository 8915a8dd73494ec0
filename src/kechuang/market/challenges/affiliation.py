"""The rule that a solver may not be the issuer of a challenge, nor affiliated with it.

Affiliation is data, read in this order:
1. the same organisation, or the same USCC (or, for a party without one, the same name);
2. an `Affiliation` record between the two USCCs, either way round (parent and subsidiary,
   a shared controller, another tie) that the province maintains;
3. a platform the issuer co-builds and the solver hosts, or the other way round.
The first tie found is returned with its reason; `None` means the solver may bid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.market.challenges.models import Affiliation
from kechuang.registry.models import Enterprise, Institution, Platform


@dataclass(frozen=True)
class Tie:
    code: str
    message: Any  # lazy text with %(name)s placeholders
    params: dict[str, str]

    def text(self) -> str:
        return str(self.message) % self.params


def _same(a: str, b: str) -> bool:
    return bool(a) and " ".join(a.split()) == " ".join(b.split())


def tie(
    issuer: Enterprise,
    *,
    enterprise: Enterprise | None = None,
    institution: Institution | None = None,
    uscc: str = "",
    name: str = "",
) -> Tie | None:
    """The tie that bars this solver from the issuer's challenge, if any."""
    org = enterprise or institution
    code = org.uscc if org is not None else uscc.strip().upper()
    if enterprise is not None and enterprise.pk == issuer.pk:
        return Tie("solver_is_issuer", _("揭榜方不能是发榜企业本身"), {})
    if code and code == issuer.uscc:
        return Tie(
            "solver_same_uscc",
            _("揭榜方与发榜企业的统一社会信用代码相同(%(uscc)s)"),
            {"uscc": code},
        )
    if not code and org is None and _same(name, issuer.name):
        return Tie("solver_is_issuer", _("揭榜方不能是发榜企业本身"), {})
    if code:
        link = Affiliation.objects.filter(
            Q(first_uscc=issuer.uscc, second_uscc=code)
            | Q(first_uscc=code, second_uscc=issuer.uscc)
        ).first()
        if link is not None:
            return Tie(
                "solver_affiliated",
                _("揭榜方与发榜企业存在关联关系:%(kind)s(%(first)s — %(second)s)"),
                {
                    "kind": str(link.get_kind_display()),
                    "first": link.first_name,
                    "second": link.second_name,
                },
            )
    return _platform_tie(issuer, enterprise, institution)


def _platform_tie(
    issuer: Enterprise, enterprise: Enterprise | None, institution: Institution | None
) -> Tie | None:
    live = Platform.objects.exclude(status=Platform.Status.REVOKED)
    if enterprise is None and institution is None:
        return None
    hosted = Q(host_enterprise=enterprise) if enterprise else Q(host_institution=institution)
    platform = live.filter(hosted, co_builders=issuer).order_by("id").first()
    if platform is not None:
        return Tie(
            "solver_hosts_issuer_platform",
            _("揭榜方是发榜企业参与共建的平台“%(platform)s”的依托单位"),
            {"platform": platform.name},
        )
    if enterprise is not None:
        platform = live.filter(host_enterprise=issuer, co_builders=enterprise).first()
        if platform is not None:
            return Tie(
                "solver_co_builds_issuer_platform",
                _("揭榜方参与共建发榜企业依托的平台“%(platform)s”"),
                {"platform": platform.name},
            )
    return None
