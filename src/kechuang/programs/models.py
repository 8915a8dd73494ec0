"""Every model of the app, so that Django registers them. Each sub-domain keeps its own in
`programs/<sub>/models.py` (the event row the application sub-domains share is in
`programs/common.py`), and the app's code imports them from there."""

from kechuang.programs.common import ApplicationEvent
from kechuang.programs.gradient.models import (
    ExpertReview,
    GradientApplication,
    GradientCall,
    GradientCertification,
)
from kechuang.programs.notices.models import NoticeBatch, NoticeEntry, Objection
from kechuang.programs.points.models import PointsPilotZone
from kechuang.programs.runs.models import EvaluationResult, EvaluationRun, SpecVersion
from kechuang.programs.simulation.models import Simulation
from kechuang.programs.techsme.models import (
    Admission,
    AdmissionSerial,
    EvaluationRegistration,
    Revocation,
    SpotCheck,
    TechSMEApplication,
)

__all__ = [
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
    "Revocation",
    "Simulation",
    "SpecVersion",
    "SpotCheck",
    "TechSMEApplication",
]
