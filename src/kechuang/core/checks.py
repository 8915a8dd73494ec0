"""Deployment checks of the product's own (`kechuang check --deploy`), also run by the WSGI
entry point so that a production server refuses to start on an unsafe configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

TAG = "kechuang_deploy"


def production() -> bool:
    """Neither a developer's DEBUG nor the demo: the settings a real deployment runs with."""
    return not (settings.DEBUG or settings.DEMO)


def deployment_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    if not production():
        return []
    errors: list[checks.CheckMessage] = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        errors.append(
            checks.Error(
                "SECRET_KEY is the published default.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="kechuang.E001",
            )
        )
    if not settings.ALLOWED_HOSTS_EXPLICIT:
        errors.append(
            checks.Error(
                "ALLOWED_HOSTS is not set.",
                hint="Set ALLOWED_HOSTS in the environment to the site's host names.",
                id="kechuang.E002",
            )
        )
    weak = [
        h for h in settings.PASSWORD_HASHERS if h.rsplit(".", 1)[-1].startswith(("MD5", "Unsalted"))
    ]
    if weak:
        errors.append(
            checks.Error(
                f"PASSWORD_HASHERS includes {', '.join(weak)}.",
                hint="Fast hashes are for the tests only.",
                id="kechuang.E003",
            )
        )
    return errors


def register() -> None:
    checks.register(deployment_settings, checks.Tags.security, TAG, deploy=True)


def refuse_unsafe_start() -> None:
    """Called by the server entry point: errors of the deployment checks stop it."""
    from django.core.checks.registry import registry

    found = registry.run_checks(tags=[TAG], include_deployment_checks=True)
    errors = [m for m in found if m.level >= checks.ERROR]
    if errors:
        lines = "\n".join(f"{e.id}: {e.msg} {e.hint or ''}" for e in errors)
        raise ImproperlyConfigured(f"Refusing to start:\n{lines}")
