"""`kechuang backup <file>`: the database in one file (the method: core/backup.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.core import backup


class Command(BaseCommand):
    help = "备份数据库到一个文件 / Back the database up into one file"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file to write (replaced if present)")
        parser.add_argument(
            "--portable",
            action="store_true",
            help="a Django-level JSON dump, restorable on another database engine",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            method = backup.backup(
                options["file"], using=options["database"], portable=options["portable"]
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written to {options['file']} ({method})")
