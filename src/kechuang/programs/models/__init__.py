from kechuang.programs.models.common import (
    EVENT_KINDS,
    GRADIENT_PROGRAMS,
    ApplicationEvent,
    EvaluationRegistration,
    NoticeBatch,
    NoticeEntry,
    Objection,
    Program,
)
from kechuang.programs.models.gradient import (
    GRADIENT_CHOICES,
    ExpertReview,
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.models.pilots import PointsPilotZone
from kechuang.programs.models.runs import (
    EvaluationResult,
    EvaluationRun,
    Simulation,
    SpecVersion,
)
from kechuang.programs.models.techsme import (
    NUMBER_PATTERN,
    Admission,
    AdmissionSerial,
    Revocation,
    SpotCheck,
    TechSMEApplication,
)

__all__ = [
    "EVENT_KINDS",
    "GRADIENT_CHOICES",
    "GRADIENT_PROGRAMS",
    "NUMBER_PATTERN",
    "Admission",
    "AdmissionSerial",
    "ApplicationEvent",
    "EvaluationRegistration",
    "EvaluationResult",
    "EvaluationRun",
    "ExpertReview",
    "GradientApplication",
    "GradientCall",
    "GradientCertification",
    "NoticeBatch",
    "NoticeEntry",
    "Objection",
    "PointsPilotZone",
    "Program",
    "Revocation",
    "Simulation",
    "SpecVersion",
    "SpotCheck",
    "TechSMEApplication",
]
