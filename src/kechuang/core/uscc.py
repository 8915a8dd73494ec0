"""Unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_ORG_VALUE = {
    c: (int(c) if c.isdigit() else ord(c) - 55) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
}


class USCCError(ValueError):
    """A code that is not a valid USCC; `code` names the problem for translation."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class USCC:
    value: str
    org_code_warning: bool

    @property
    def region_code(self) -> str:
        return self.value[2:8]


def compact(raw: str) -> str:
    return "".join(raw.split()).replace("-", "").upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_code_check(first8: str) -> str:
    total = sum(_ORG_VALUE[c] * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def parse(raw: str) -> USCC:
    """Validate a USCC. Raises USCCError; the GB 11714 organisation-code check only warns."""
    value = compact(raw or "")
    if len(value) != 18:
        raise USCCError("length", f"USCC must have 18 characters, got {len(value)}")
    bad = [c for c in value if c not in _VALUE]
    if bad:
        raise USCCError("charset", f"USCC contains characters not allowed: {''.join(bad)}")
    if not value[2:8].isdigit():
        raise USCCError("region", "USCC positions 3–8 must be a 6-digit region code")
    expected = check_character(value[:17])
    if value[17] != expected:
        raise USCCError("check", f"USCC check character should be {expected}, got {value[17]}")
    org = value[8:17]
    warn = any(c not in _ORG_VALUE for c in org[:8]) or org_code_check(org[:8]) != org[8]
    return USCC(value=value, org_code_warning=warn)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except USCCError:
        return False
    return True


def make(first17: str) -> str:
    """Complete 17 characters with their check character (used by the demo generator)."""
    return first17 + check_character(first17)
