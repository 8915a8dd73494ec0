"""Writes of the evaluation programs. Each service is one transaction with a permission
check, an event row and an audit entry."""

from kechuang.programs.services import gradient, techsme
from kechuang.programs.services.common import notice_publish, objection_raise, objection_resolve

__all__ = ["gradient", "notice_publish", "objection_raise", "objection_resolve", "techsme"]
