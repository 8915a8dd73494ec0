"""An enterprise's consents to banks: granting one for a scope and a period, revoking it.

Only the enterprise itself grants or revokes (`consents.workflow`); each is one
transaction with its audit entry. A bank sees what a consent covers only while it is in
force (`core.scoping.consent_q`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.services import object_create
from kechuang.core.workflow import acts_for
from kechuang.programs.consents.workflow import CONSENT
from kechuang.registry.models import Bank, DataConsent, Enterprise

SCOPES = ("innovation_points", "registry")


@transaction.atomic
def consent_grant(
    *,
    actor: Any,
    enterprise: Enterprise,
    bank: Bank,
    scope: str,
    expires_on: dt.date,
    granted_on: dt.date | None = None,
) -> DataConsent:
    scoping.require(acts_for(actor, enterprise.pk, Role.ENTERPRISE))
    if scope not in SCOPES:
        raise ValidationError({"scope": _("未知的授权范围")}, code="scope")
    data = {
        "enterprise": enterprise,
        "bank": bank,
        "scope": scope,
        "granted_on": granted_on or timezone.localdate(),
        "expires_on": expires_on,
    }
    return object_create(actor=actor, model=DataConsent, data=data)


def consent_revoke(*, actor: Any, consent: DataConsent) -> DataConsent:
    def change(c: DataConsent) -> None:
        c.revoked_at = timezone.now()

    return CONSENT.perform("revoke", actor=actor, obj=consent, change=change)
