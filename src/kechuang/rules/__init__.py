"""The rules engine: program specs as data, evaluated in bulk with Polars.

Pure: imports nothing of the project and no Django, so it runs anywhere a frame can be built.
"""

from kechuang.rules.engine import compile, evaluate, evaluate_many
from kechuang.rules.explain import explain
from kechuang.rules.loader import available, load_program, load_spec, spec_path
from kechuang.rules.prepare import InputError, records_from_frame
from kechuang.rules.reference import reference_evaluate, reference_evaluate_all
from kechuang.rules.simulate import Simulation, simulate
from kechuang.rules.spec import Spec, SpecError

__all__ = [
    "InputError",
    "Simulation",
    "Spec",
    "SpecError",
    "available",
    "compile",
    "evaluate",
    "evaluate_many",
    "explain",
    "load_program",
    "load_spec",
    "records_from_frame",
    "reference_evaluate",
    "reference_evaluate_all",
    "simulate",
    "spec_path",
]
