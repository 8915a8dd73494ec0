"""Production settings: the server refuses the published key and unnamed hosts, `check
--deploy` is clean with the production environment, the CSP header, no Server header, no demo
outside demo mode, MD5 for the tests only; and every download in the security log."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kechuang.core import checks
from kechuang.core.models import SecurityEvent
from kechuang.core.roles import Role
from kechuang.demo import serve
from tests.factories import EnterpriseFactory, UserFactory

SRC = str(Path(__file__).resolve().parents[2] / "src")
PRODUCTION = {
    "SECRET_KEY": "x7Jq-production-key-" + "k" * 10 + "Zr9vT2mWp4sLq8nB3cXe",
    "ALLOWED_HOSTS": "kechuang.example.gov.cn",
    "HTTPS": "1",
    "CSRF_TRUSTED_ORIGINS": "https://kechuang.example.gov.cn",
}


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "KECHUANG_DEMO",
            "HTTPS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
        and not k.startswith("PYTEST")
    }
    env.update(PYTHONPATH=SRC, DJANGO_SETTINGS_MODULE="kechuang.settings")
    env.update(KECHUANG_VAR_DIR=str(tmp_path), **extra)
    return env


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_checks_refuse_the_published_key_and_unnamed_hosts(settings):
    settings.DEBUG = False
    settings.DEMO = False
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    settings.ALLOWED_HOSTS_EXPLICIT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ids = {m.id for m in checks.deployment_settings()}
    assert ids == {"kechuang.E001", "kechuang.E002", "kechuang.E003"}
    settings.DEMO = True  # the demo serves with its key, and says so
    assert checks.deployment_settings() == []


def test_the_server_refuses_to_start_without_a_key_and_hosts(tmp_path):
    code = "import kechuang.wsgi"
    refused = run(code, environment(tmp_path))
    assert refused.returncode != 0
    assert "kechuang.E001" in refused.stderr and "kechuang.E002" in refused.stderr
    assert run(code, environment(tmp_path, **PRODUCTION)).returncode == 0, "production env"
    assert run(code, environment(tmp_path, KECHUANG_DEMO="1")).returncode == 0, "demo"


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    code = (
        "import sys; from kechuang.cli import main; "
        "sys.argv=['kechuang','check','--deploy','--fail-level','WARNING']; main()"
    )
    done = run(code, environment(tmp_path, **PRODUCTION))
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


@pytest.mark.slow
def test_a_production_install_leaves_the_demo_out_and_migrates_without_it(tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    migrate = "import sys; from kechuang.cli import main; sys.argv=['kechuang','migrate']; main()"
    done = run(migrate, environment(tmp_path, **PRODUCTION, **database))
    assert done.returncode == 0, done.stderr
    look = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.db import connection as c; t = c.introspection.table_names(); "
        "print('kechuang.demo' in s.INSTALLED_APPS, 'programs_pointspilotzone' in t, "
        "'demo_demobuild' in t)"
    )
    assert run(look, environment(tmp_path, **PRODUCTION, **database)).stdout.split() == [
        "False",
        "True",
        "False",
    ]
    demo = run(look, environment(tmp_path, KECHUANG_DEMO="1", **database))
    assert demo.stdout.split()[0] == "True"


def test_the_production_settings_behind_a_tls_proxy(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS > 0, s.REQUIRE_ADMIN_2FA, s.FORCE_PASSWORD_CHANGE, "
        "any('MD5' in h for h in s.PASSWORD_HASHERS))"
    )
    done = run(code, environment(tmp_path, **PRODUCTION))
    assert done.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
        "True",
        "True",
        "True",
        "False",
    ], done.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and "unsafe" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_the_demo_command_refuses_outside_demo_mode(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="KECHUANG_DEMO"):
        call_command("demo", "--scale", "0.001", "--no-serve", stdout=io.StringIO())


@pytest.mark.django_db
def test_every_export_download_is_in_the_security_log(client):
    EnterpriseFactory(name="沈阳甲")
    user = UserFactory(role=Role.PROVINCE_ADMIN)
    client.force_login(user)
    response = client.get(reverse("registry:enterprise_export"), {"format": "csv"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    event = SecurityEvent.objects.get(kind="download")
    assert event.actor == user and "enterprise" in event.data["path"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_gunicorn_sends_no_server_header(tmp_path):
    port = free_port()
    env = environment(tmp_path, KECHUANG_DEMO="1")
    argv = serve.gunicorn_argv(port, workers=1)
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        headers = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/none.css") as r:
                    headers = r.headers
            except urllib.error.HTTPError as exc:  # a 404 still has its headers
                headers = exc.headers
            except OSError:
                time.sleep(0.1)
                continue
            break
        assert headers is not None, "gunicorn did not answer"
        assert headers.get("Server") is None
        assert headers.get("Content-Security-Policy")
    finally:
        server.terminate()
        server.wait(timeout=30)
