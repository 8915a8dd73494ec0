"""`kechuang demo`: build the demo province and serve it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kechuang.demo import builder, serve, users
from kechuang.demo.targets import DEFAULT_TARGETS, TargetsError, load


class Command(BaseCommand):
    help = (
        "Build a deterministic demo province calibrated to a bulletin's figures, "
        "then serve it with gunicorn (unless --no-serve)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="enterprises relative to the targets file (1.0 ≈ 45,000)",
        )
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument(
            "--targets",
            default=str(DEFAULT_TARGETS),
            help="bulletin targets (TOML, exchange-formats.md §3)",
        )
        parser.add_argument("--no-serve", action="store_true", help="build only")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the registry data already there and build anew",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            # A production install never gets the demo's users and published passwords.
            raise CommandError(
                "演示数据只在演示模式下生成:请设置环境变量 KECHUANG_DEMO=1(make run 已设置)。"
            )
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive")
        try:
            targets = load(options["targets"])
        except TargetsError as exc:
            raise CommandError(str(exc)) from exc
        if serve.migrate_if_needed():
            self.stdout.write("数据库已迁移到最新版本。")
        self.stdout.write(
            f"演示省份 {targets.period.code}: seed={options['seed']} scale={options['scale']} "
            f"targets={targets.source}"
        )
        try:
            result = builder.build(
                seed=options["seed"],
                scale=options["scale"],
                targets=targets,
                replace=options["replace"],
                out=self.stdout.write,
            )
        except (builder.DemoError, TargetsError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(users.table(result.logins))
        if options["no_serve"]:
            return
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write("")
        if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
            self.stdout.write(
                self.style.WARNING(
                    "演示模式:使用公开的演示密钥(SECRET_KEY)和公开的演示密码,仅供本机演示,"
                    "切勿用于生产。"
                )
            )
        self.stdout.write(self.style.SUCCESS(f"演示系统: {url}  (Ctrl-C 停止)"))
        self.stdout.flush()
        serve.exec_gunicorn(options["port"])
