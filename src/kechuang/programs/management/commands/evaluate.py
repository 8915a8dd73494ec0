"""`kechuang evaluate PROGRAM --year Y --input FILE`: evaluate a file, no database needed.

`kechuang evaluate PROGRAM --year Y --from-db [--region CODE] [--user NAME]`: evaluate the
registry as a stored, audited batch run (progress on standard error).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.core.uploads import RefusedFile, check_workbook
from kechuang.rules import InputError, SpecError, evaluate, load_program, load_spec
from kechuang.rules.io import InputFileError, read_enterprise_years, write_output


class Command(BaseCommand):
    help = (
        "Evaluate enterprises against a program's rules for a year. Reads the enterprise-year "
        "template (CSV or XLSX) and writes one result row per enterprise (CSV)."
    )
    # The --input path reads a file and writes a file: no system checks, no database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help="program code, e.g. tech-sme, gazelle")
        parser.add_argument("--year", type=int, help="evaluation year (e.g. 2023)")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--input", type=Path, help="enterprise-year file (.csv or .xlsx)")
        source.add_argument(
            "--from-db", action="store_true", help="read the registry and store a batch run"
        )
        parser.add_argument("--spec", type=Path, help="a spec file instead of the shipped one")
        parser.add_argument("--output", type=Path, help="result CSV (default: standard output)")
        parser.add_argument(
            "--region", help="--from-db: a city code, a county code or SHENFU (default: all)"
        )
        parser.add_argument(
            "--user", help="--from-db: run as this user, with its permissions (default: system)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program: str = options["program"]
        year: int | None = options["year"]
        if options["from_db"]:
            from kechuang.programs.management.commands._from_db import evaluate_registry

            evaluate_registry(self, program, year, options)
            return
        try:
            if options["spec"]:
                spec = load_spec(options["spec"])
                if spec.program != program:
                    raise CommandError(
                        f"{options['spec']} is a spec for {spec.program}, not {program}"
                    )
                if year is not None and spec.year != year:
                    raise CommandError(f"{options['spec']} is the {spec.year} spec, not {year}")
            elif year is None:
                raise CommandError("--year is required (or give --spec)")
            else:
                spec = load_program(program, year)
            # The same bounds as an upload (size, zip bomb, sheet extent), checked here: the
            # rules engine reads files but knows nothing of the deployment's limits.
            check_workbook(options["input"])
            frame = read_enterprise_years(options["input"])
            result = evaluate(spec, frame)
        except (SpecError, InputFileError, InputError, RefusedFile) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"{options['input']}: cannot be read ({exc.strerror})") from exc
        target = options["output"] or sys.stdout
        write_output(result, spec, target)
        passed = int((result["verdict"] == "pass").sum())
        self.stderr.write(
            f"{spec.program} {spec.year} ({spec.version}): {result.height} enterprises, "
            f"{passed} pass"
        )
