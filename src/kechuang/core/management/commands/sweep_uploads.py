"""`kechuang sweep_uploads`: remove uploaded and generated files past their retention period
(UPLOAD_RETENTION_DAYS); the worker does the same on its own every sweep."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kechuang.core import uploads


class Command(BaseCommand):
    help = "删除超过保存期限的上传文件 / Remove uploaded files past their retention period"

    def handle(self, *args: Any, **options: Any) -> None:
        removed = uploads.sweep_stored()
        self.stdout.write(f"{len(removed)} files removed")
