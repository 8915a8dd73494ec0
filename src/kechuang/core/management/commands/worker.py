"""`kechuang worker`: run the queued background jobs (imports, runs, exports)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kechuang.core.worker import Worker


class Command(BaseCommand):
    help = "Run queued background jobs until stopped (SIGTERM ends after the job in hand)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--poll", type=float, default=None, help="seconds between polls")
        parser.add_argument("--sweep-every", type=float, default=60.0)
        parser.add_argument("--max-jobs", type=int, default=None, help="stop after N jobs")
        parser.add_argument("--parent", type=int, default=None, help="exit when PID is gone")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            poll=options["poll"],
            sweep_every=options["sweep_every"],
            max_jobs=options["max_jobs"],
            parent=options["parent"],
        )
        worker.run()
