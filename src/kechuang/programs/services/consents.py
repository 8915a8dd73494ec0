"""An enterprise's consents to banks: granting one for a scope and a period, revoking it.

Only the enterprise itself grants or revokes; each is one transaction with its audit entry.
A bank sees what a consent covers only while it is in force (`core.scoping.consent_q`).
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
from kechuang.core.services import object_create, object_update
from kechuang.registry.models import Bank, DataConsent, Enterprise

SCOPES = ("innovation_points", "registry")


def acts_for(actor: Any, enterprise: Enterprise) -> bool:
    return (
        scoping.role_of(actor) == Role.ENTERPRISE
        and actor.organization_id is not None
        and actor.organization_id == enterprise.pk
    )


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
    scoping.require(acts_for(actor, enterprise))
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


@transaction.atomic
def consent_revoke(*, actor: Any, consent: DataConsent) -> DataConsent:
    scoping.require(acts_for(actor, consent.enterprise))
    if consent.revoked_at is not None:
        raise ValidationError(_("该授权已撤回"), code="revoked")
    return object_update(actor=actor, obj=consent, data={"revoked_at": timezone.now()}, check=False)
