"""An enterprise's consents to banks: granting one for a scope and a period, revoking it.

Only the enterprise itself grants or revokes (`consents.workflow`); each is one
transaction with its audit entry. A bank sees what a consent covers only while it is in
force (`core.scoping.consent_q`), and only what its scope covers (the models' policies).
There is one live consent per enterprise, bank and scope: a grant while one is in force is
refused, a grant after one expired renews it (a database constraint holds the rule against
grants made at the same moment).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import scoping
from kechuang.core.roles import Role
from kechuang.core.services import object_create, object_update
from kechuang.core.workflow import acts_for
from kechuang.programs.consents.workflow import CONSENT
from kechuang.registry.models import Bank, DataConsent, Enterprise
from kechuang.registry.models.base import POINTS_SCOPES

SCOPES = POINTS_SCOPES


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
    granted_on = granted_on or timezone.localdate()
    # Grants of one enterprise one after another: the check below then sees the one before.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    live = DataConsent.objects.filter(
        enterprise=enterprise, bank=bank, scope=scope, revoked_at__isnull=True
    ).first()
    if live is not None and not live.expired:
        raise ValidationError(
            _("已有对该银行此范围的有效授权(至%(date)s);如需变更请先撤回。"),
            code="consent_live",
            params={"date": live.expires_on.isoformat()},
        )
    if live is not None:  # expired, never revoked: renewed for the new period
        dates = {"granted_on": granted_on, "expires_on": expires_on}
        return object_update(actor=actor, obj=live, data=dates, check=False)
    data = {
        "enterprise": enterprise,
        "bank": bank,
        "scope": scope,
        "granted_on": granted_on,
        "expires_on": expires_on,
    }
    try:
        return object_create(actor=actor, model=DataConsent, data=data)
    except IntegrityError as exc:  # granted at the same moment on another connection
        raise ValidationError(_("已有对该银行此范围的有效授权"), code="consent_live") from exc


def consent_revoke(*, actor: Any, consent: DataConsent) -> DataConsent:
    def change(c: DataConsent) -> None:
        c.revoked_at = timezone.now()

    return CONSENT.perform("revoke", actor=actor, obj=consent, change=change)
