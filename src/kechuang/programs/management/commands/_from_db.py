"""The `--from-db` branch of `kechuang evaluate`: a stored batch run over the registry."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from kechuang.core.models import User
from kechuang.programs.runs.services import run_evaluation
from kechuang.rules.io import write_output


def evaluate_registry(command: BaseCommand, program: str, year: int | None, options: Any) -> None:
    if year is None and not options["spec"]:
        raise CommandError("--year is required (or give --spec)")
    if year is None:
        from kechuang.rules import SpecError, load_spec

        try:
            year = load_spec(options["spec"]).year
        except SpecError as exc:
            raise CommandError(str(exc)) from exc
    actor = None
    if options["user"]:
        actor = User.objects.filter(username=options["user"]).first()
        if actor is None:
            raise CommandError(f"no user {options['user']!r}")
    err = command.stderr

    def progress(stage: str, done: int, total: int) -> None:
        counts = f" {done:,}/{total:,}" if total else ""
        err.write(f"  {stage or 'queued'}{counts}")

    try:
        outcome = run_evaluation(
            actor=actor,
            program=program,
            year=year,
            region=options["region"],
            spec_file=options["spec"],
            source="cli",
            progress=progress,
            keep_result=True,
        )
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    except PermissionDenied as exc:
        raise CommandError(f"{options['user']} may not run this evaluation") from exc
    run = outcome.run
    if outcome.result is not None:
        from kechuang.programs import specs

        write_output(
            outcome.result, specs.load_text(run.spec_text), options["output"] or sys.stdout
        )
    times = ", ".join(f"{k} {v:.2f} s" for k, v in run.timings.items())
    err.write(
        f"{run.spec_version} run #{run.pk}: {run.evaluated:,} enterprises, {run.passed:,} pass, "
        f"{run.failed:,} fail, {run.ineligible:,} ineligible; {run.seconds or 0:.2f} s ({times})"
    )
