from kechuang.registry.models.enterprise import (
    Award,
    Enterprise,
    EnterpriseYear,
    Incident,
    ListEntry,
    StandardLed,
)
from kechuang.registry.models.jobs import ImportJob
from kechuang.registry.models.organizations import (
    Bank,
    BankBranch,
    DataConsent,
    Institution,
    ServiceInstitution,
)
from kechuang.registry.models.platforms import (
    Person,
    Platform,
    PlatformInvestment,
    PlatformMember,
)
from kechuang.registry.models.reads import BankRead

__all__ = [
    "Award",
    "Bank",
    "BankBranch",
    "BankRead",
    "DataConsent",
    "Enterprise",
    "EnterpriseYear",
    "ImportJob",
    "Incident",
    "Institution",
    "ListEntry",
    "Person",
    "Platform",
    "PlatformInvestment",
    "PlatformMember",
    "ServiceInstitution",
    "StandardLed",
]
