"""An enterprise's consent that a bank may read its data (数据授权).

1. The enterprise grants a bank a consent for a scope (innovation points; the profile with
   the points; the profile, the yearly figures and the points) until a date of its choice;
   from the day it is granted the bank sees what it covers, and nothing else. There is one
   live consent per bank and scope; every read the bank makes through it is recorded.
2. The enterprise may revoke a consent in force at any time (撤回): the bank loses sight of
   the data at once. A consent past its end date has expired and needs no revocation.

Only the enterprise itself grants and revokes. The status is computed by the database
from the revocation time; expiry follows the date.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kechuang.core.workflow import Transition, Workflow, owner
from kechuang.registry.models import DataConsent

S = DataConsent.Status


def _not_expired(consent: DataConsent) -> str:
    return str(_("该授权已到期")) if consent.expired else ""


CONSENT = Workflow(
    DataConsent,
    [
        Transition(
            "revoke",
            _("撤回"),
            (S.GRANTED,),
            S.REVOKED,
            owner("enterprise_id"),
            confirm=_("确定撤回对该银行的数据授权?撤回后银行立即无法查看。"),
            style="secondary",
            guard=_not_expired,
        ),
    ],
    name="registry.dataconsent",
)
