"""Demo logins: one user per role, each tied to a real generated unit or organisation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from kechuang.core.models import HighTechZone, User
from kechuang.core.roles import Role
from kechuang.demo.naming import pad
from kechuang.registry.models import Bank, Enterprise, Institution, ServiceInstitution

PASSWORD = "demo12345"
SHENYANG_ZONE = "沈阳高新技术产业开发区"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    display_name: str
    city_id: str | None = None
    zone_id: int | None = None
    organization_id: int | None = None


USERNAMES = (
    "province",
    "shenyang",
    "dalian",
    "gaoxin",
    "enterprise",
    "institution",
    "service",
    "bank",
    "expert",
    "expert2",
    "expert3",
)


def plan() -> list[Login]:
    """Whom each demo login stands for, chosen from the generated registry."""
    zone = HighTechZone.objects.filter(name=SHENYANG_ZONE).values_list("id", flat=True).first()
    # A high-tech firm of the Shenyang zone with a full record makes the best showcase.
    firm = (
        Enterprise.objects.filter(zone_id=zone, high_tech_valid_to__isnull=False)
        .exclude(listing_status="listed")
        .order_by("id")
        .first()
        or Enterprise.objects.order_by("id").first()
    )
    neu = Institution.objects.filter(name="东北大学").first() or Institution.objects.first()
    service = (
        ServiceInstitution.objects.filter(kind="tech_transfer", city_id="210100", revoked_on=None)
        .order_by("id")
        .first()
        or ServiceInstitution.objects.order_by("id").first()
    )
    bank = (
        Bank.objects.filter(branches__is_tech_branch=True).order_by("id").first()
        or Bank.objects.order_by("id").first()
    )
    return [
        Login("province", Role.PROVINCE_ADMIN, "省科技厅管理员"),
        Login("shenyang", Role.CITY_ADMIN, "沈阳市科技局", city_id="210100"),
        Login("dalian", Role.CITY_ADMIN, "大连市科技局", city_id="210200"),
        Login("gaoxin", Role.ZONE_ADMIN, "沈阳高新区管委会", zone_id=zone),
        Login(
            "enterprise",
            Role.ENTERPRISE,
            firm.name if firm else "",
            organization_id=firm.pk if firm else None,
        ),
        Login(
            "institution",
            Role.INSTITUTION,
            neu.name if neu else "",
            organization_id=neu.pk if neu else None,
        ),
        Login(
            "service",
            Role.SERVICE,
            service.name if service else "",
            organization_id=service.pk if service else None,
        ),
        Login(
            "bank", Role.BANK, bank.name if bank else "", organization_id=bank.pk if bank else None
        ),
        Login("expert", Role.EXPERT, "评审专家"),
        Login("expert2", Role.EXPERT, "评审专家(新材料)"),
        Login("expert3", Role.EXPERT, "评审专家(智能装备)"),
    ]


def create(seed: int) -> list[Login]:
    """Create or refresh the demo users; the same seed gives the same password hashes."""
    logins = plan()
    # One hash for all: they share the published password, and hashing is the slow part.
    salt = hashlib.sha256(f"kechuang-demo:{seed}".encode()).hexdigest()[:22]
    password = make_password(PASSWORD, salt=salt)
    for login in logins:
        User.objects.update_or_create(
            username=login.username,
            defaults={
                "role": login.role,
                "display_name": login.display_name[:50],
                "city_id": login.city_id,
                "zone_id": login.zone_id,
                "organization_id": login.organization_id,
                "is_active": True,
                # The Django admin is for superusers only; no demo login is one.
                "is_staff": False,
                "is_superuser": False,
                "password": password,
                # The published password is good for the demo only (FORCE_PASSWORD_CHANGE).
                "must_change_password": True,
            },
        )
    return logins


def remove() -> int:
    deleted, _ = User.objects.filter(username__in=USERNAMES).delete()
    return deleted


def table(logins: list[Login]) -> str:
    """The logins as a plain-text table for the console."""
    labels = dict(Role.choices)
    lines = [pad("用户名", 14) + pad("密码", 12) + pad("角色", 18) + "所属", "-" * 72]
    for login in logins:
        role = str(labels.get(login.role, login.role))
        lines.append(
            pad(login.username, 14) + pad(PASSWORD, 12) + pad(role, 18) + login.display_name
        )
    return "\n".join(lines)
