"""`kechuang restore <file>`: replace the database by a backup of `kechuang backup`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.core import backup


class Command(BaseCommand):
    help = "从备份文件恢复数据库 / Restore the database from a backup file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a file written by `kechuang backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (its content is lost)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kind = backup.restore(
                options["file"], using=options["database"], force=options["force"]
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored from {options['file']} ({kind})")
