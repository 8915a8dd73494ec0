"""Determinism, the command, re-runs and the demo logins."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kechuang.core.models import User
from kechuang.core.roles import Role
from kechuang.demo import builder, serve, users
from kechuang.demo.models import DemoBuild
from kechuang.demo.targets import TargetsError, load
from kechuang.registry.models import Bank, Enterprise, Institution, ServiceInstitution
from tests.demo.conftest import SCALE, SEED, data_digest, write_targets

pytestmark = pytest.mark.django_db


def quiet(**kw):
    return builder.build(out=lambda _: None, **kw)


def test_same_seed_gives_identical_data(targets):
    quiet(seed=SEED, scale=SCALE, targets=targets)
    first = data_digest()
    quiet(seed=SEED, scale=SCALE, targets=targets, replace=True)
    assert data_digest() == first
    quiet(seed=SEED + 1, scale=SCALE, targets=targets, replace=True)
    assert data_digest() != first


def test_command_builds_without_serving_and_rerun_skips():
    out = io.StringIO()
    call_command("demo", "--scale", str(SCALE), "--seed", str(SEED), "--no-serve", stdout=out)
    assert "企业年度数据" in out.getvalue()
    assert "demo12345" in out.getvalue()
    n = Enterprise.objects.count()
    assert n == round(45_000 * SCALE)
    assert DemoBuild.objects.count() == 1

    again = io.StringIO()
    call_command("demo", "--scale", str(SCALE), "--seed", str(SEED), "--no-serve", stdout=again)
    assert "跳过" in again.getvalue()
    assert "企业年度数据" not in again.getvalue()
    assert DemoBuild.objects.count() == 1
    assert Enterprise.objects.count() == n


def test_other_parameters_are_refused_without_replace():
    call_command("demo", "--scale", str(SCALE), "--no-serve", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--replace"):
        call_command("demo", "--scale", "0.03", "--no-serve", stdout=io.StringIO())
    call_command("demo", "--scale", "0.03", "--no-serve", "--replace", stdout=io.StringIO())
    assert Enterprise.objects.count() == round(45_000 * 0.03)
    assert DemoBuild.objects.get().scale == Decimal("0.03")


def test_foreign_data_is_refused(enterprise):
    with pytest.raises(CommandError, match="已有登记数据"):
        call_command("demo", "--scale", str(SCALE), "--no-serve", stdout=io.StringIO())
    assert Enterprise.objects.count() == 1


def test_bad_targets_file_is_a_clear_error(tmp_path):
    path = write_targets(tmp_path, {"figures.F05": "400"})
    with pytest.raises(CommandError, match="F04"):
        call_command("demo", "--targets", str(path), "--no-serve", stdout=io.StringIO())
    with pytest.raises(TargetsError, match="not found"):
        load(tmp_path / "missing.toml")


def test_logins_work_and_point_at_real_records(demo, client: Client):
    for login in demo.logins:
        assert client.login(username=login.username, password=users.PASSWORD), login.username
        client.logout()
    by_name = {u.username: u for u in User.objects.filter(username__in=users.USERNAMES)}
    assert by_name["province"].role == Role.PROVINCE_ADMIN
    assert by_name["shenyang"].city_id == "210100"
    assert by_name["dalian"].city_id == "210200"
    assert by_name["gaoxin"].zone.name == "沈阳高新技术产业开发区"
    firm = Enterprise.objects.get(pk=by_name["enterprise"].organization_id)
    assert firm.zone_id == by_name["gaoxin"].zone_id
    assert Institution.objects.get(pk=by_name["institution"].organization_id).name == "东北大学"
    assert ServiceInstitution.objects.filter(pk=by_name["service"].organization_id).exists()
    bank = Bank.objects.get(pk=by_name["bank"].organization_id)
    assert bank.branches.filter(is_tech_branch=True).exists()
    assert by_name["expert"].role == Role.EXPERT


def test_a_logged_in_user_sees_the_home_page(demo, client: Client):
    client.login(username="shenyang", password=users.PASSWORD)
    assert client.get("/").status_code == 200


def test_gunicorn_is_bound_locally_with_two_workers():
    argv = serve.gunicorn_argv(8123)
    assert argv[1] == "kechuang.wsgi:application"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123"
    assert argv[argv.index("--workers") + 1] == "2"
    assert "--access-logfile" in argv
