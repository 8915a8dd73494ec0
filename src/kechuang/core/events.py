"""Milestone rows: one abstract event (kind, at, actor, reason, data) for every workflow.

A concrete event table per aggregate declares its `KINDS` (checked in code, so a new kind
needs no migration) and the `LINKS` (foreign keys) an event may name. Callers never build
rows by hand: they call `emit`, or the workflow does it for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core.audit import plain, user_or_none
from kechuang.core.models import user_fk


class Event(models.Model):
    """A milestone of a workflow: what happened, when, who did it and why."""

    kind = models.CharField(_("事件"), max_length=24)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = user_fk(_("操作人"))
    reason = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    KINDS: ClassVar[Mapping[str, Any]] = {}
    LINKS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def kind_label(self) -> str:
        return str(self.KINDS.get(self.kind, self.kind))

    @classmethod
    def emit(
        cls, kind: str, *, actor: Any, reason: str = "", at: dt.datetime | None = None, **kw: Any
    ) -> Self:
        """Write one event; keywords naming a link are the records it is about, the rest
        is its data."""
        if kind not in cls.KINDS:
            raise ValueError(f"unknown {cls.__name__} kind {kind!r}")
        links = {k: v for k, v in kw.items() if k in cls.LINKS}
        data = {k: plain(v) for k, v in kw.items() if k not in cls.LINKS}
        row = cls(kind=kind, actor=user_or_none(actor), reason=reason, data=data, **links)
        if at is not None:
            row.at = at
        row.save(force_insert=True)
        return row
