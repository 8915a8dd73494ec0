from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kechuang.core.models import User
from kechuang.demo import builder
from kechuang.demo.targets import DEFAULT_TARGETS, load
from kechuang.market.models import (
    Achievement,
    AchievementTransfer,
    BidReview,
    Challenge,
    ChallengeBid,
    ChallengeEvent,
    ChallengeListBatch,
    ContractEvent,
    MatchmakingActivity,
    PlanProject,
    RegistrationCounter,
    TechContract,
    TechDemand,
    TrainingAttendance,
    TrainingSession,
)
from kechuang.programs.common import ApplicationEvent
from kechuang.programs.gradient.models import (
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.points.models import PointsPilotZone
from kechuang.programs.techsme.models import (
    Admission,
    AdmissionSerial,
    EvaluationRegistration,
    TechSMEApplication,
)
from kechuang.registry.models import (
    Award,
    Bank,
    BankBranch,
    Enterprise,
    EnterpriseYear,
    Incident,
    Institution,
    ListEntry,
    Person,
    Platform,
    PlatformInvestment,
    PlatformMember,
    ServiceInstitution,
    StandardLed,
)

SCALE = 0.02
SEED = 2023
HASHED = (
    Enterprise,
    EnterpriseYear,
    Award,
    StandardLed,
    ListEntry,
    Incident,
    Institution,
    ServiceInstitution,
    Bank,
    BankBranch,
    Platform,
    Platform.co_builders.through,
    PlatformInvestment,
    Person,
    PlatformMember,
    TechContract,
    ContractEvent,
    RegistrationCounter,
    Achievement,
    AchievementTransfer,
    TechDemand,
    EvaluationRegistration,
    TechSMEApplication,
    Admission,
    AdmissionSerial,
    ApplicationEvent,
    GradientCall,
    GradientApplication,
    GradientCertification,
    PlanProject,
    ChallengeListBatch,
    Challenge,
    ChallengeBid,
    BidReview,
    ChallengeEvent,
    MatchmakingActivity,
    TrainingSession,
    TrainingAttendance,
    PointsPilotZone,
)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Password hashing is not what these tests are about; PBKDF2 would dominate them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO = True  # the demo command runs in demo mode only


@pytest.fixture
def targets():
    return load(DEFAULT_TARGETS)


@pytest.fixture
def demo(db, targets):
    """The demo province at a small scale."""
    return builder.build(seed=SEED, scale=SCALE, targets=targets, out=lambda _: None)


def data_digest() -> str:
    """A hash of every generated row, in primary-key order, and of the demo logins."""
    h = hashlib.sha256()
    for model in HASHED:
        # Logins are made afresh on a rebuild: a row names its user by username, not id.
        names = [
            f"{f.name}__username" if f.is_relation and f.related_model is User else f.attname
            for f in model._meta.concrete_fields
        ]
        for row in model._default_manager.order_by("pk").values_list(*names):
            h.update(repr(row).encode())
    users = User.objects.filter(username__in=builder.users.USERNAMES).order_by("username")
    for row in users.values_list(
        "username", "role", "city_id", "zone_id", "organization_id", "password"
    ):
        h.update(repr(row).encode())
    return h.hexdigest()


def write_targets(tmp_path: Path, changes: dict[str, str]) -> Path:
    """A copy of the default targets file with some values replaced ("section.key" -> value)."""
    changes = dict(changes)
    out = []
    section = ""
    for line in DEFAULT_TARGETS.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            section = line.split("]")[0].strip("[")
        key = f"{section}.{line.split('=')[0].strip()}"
        out.append(f"{line.split('=')[0].strip()} = {changes.pop(key)}" if key in changes else line)
    assert not changes, f"keys not in the targets file: {list(changes)}"
    path = tmp_path / "targets.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
