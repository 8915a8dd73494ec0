"""Researchers of the provincial labs and national key labs (F04–F07).

Each person belongs to one lab, so the distinct members of the provincial labs are exactly
F04; of them F05 hold a CAS/CAE title, F06 are foreign academicians and F07 other
national-level talents.
"""

from __future__ import annotations

import datetime as dt

from kechuang.demo.context import Context
from kechuang.demo.firms import day_between
from kechuang.demo.naming import person_name
from kechuang.registry.models import Person, PlatformMember

# Relative sizes of the four 辽宁实验室 in the order of the reference file; others equal.
LAB_WEIGHTS = (0.33, 0.25, 0.27, 0.15)
ROLES = ("研究员", "副研究员", "助理研究员", "高级工程师", "工程师", "博士后")


def split(total: int, weights: list[float]) -> list[int]:
    """Whole shares of `total` in proportion to `weights` (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def generate(ctx: Context) -> None:
    t, rng = ctx.targets, ctx.rng("people")
    end = t.period.end
    people: list[tuple] = []
    members: list[tuple] = []
    institutions = list(ctx.institutions.values())

    def person(title: str, institution: int | None) -> int:
        pid = len(people) + 1
        people.append((pid, person_name(rng), title, institution, None))
        return pid

    def member(platform: int, pid: int, role: str, joined: dt.date) -> None:
        members.append((len(members) + 1, platform, pid, joined, role))

    academicians = t.count("F05")
    titles = (
        ["cas"] * ((academicians * 3 + 4) // 5)
        + ["cae"] * (academicians * 2 // 5)
        + ["foreign_academician"] * t.count("F06")
        + ["national_talent"] * t.count("F07")
    )
    titles += [
        "provincial_talent" if rng.random() < 0.35 else ""
        for _ in range(t.count("F04") - len(titles))
    ]
    rng.shuffle(titles)
    labs = ctx.provincial_labs
    weights = [LAB_WEIGHTS[i] if i < len(LAB_WEIGHTS) else 0.2 for i in range(len(labs))]
    sizes = split(t.count("F04"), weights) if labs else []
    k = 0
    for lab, size in zip(labs, sizes, strict=True):
        host = ctx.platform_host.get(lab)
        lab_titles = titles[k : k + size]
        k += size
        # The director is the lab's senior academician if it has one.
        director = next((i for i, x in enumerate(lab_titles) if x in ("cas", "cae")), 0)
        for i, title in enumerate(lab_titles):
            own = host if host and rng.random() < 0.6 else rng.choice(institutions)
            role = "主任" if i == director else rng.choice(ROLES)
            member(lab, person(title, own), role, day_between(rng, dt.date(2022, 9, 5), end))

    per_lab = int(t.param("national_key_lab_members", 0))
    for lab in ctx.national_key_labs:
        host = ctx.platform_host.get(lab)
        for i in range(per_lab):
            r = rng.random()
            title = (
                "cas"
                if r < 0.08
                else "national_talent"
                if r < 0.3
                else "provincial_talent"
                if r < 0.55
                else ""
            )
            role = "主任" if i == 0 else rng.choice(ROLES)
            member(lab, person(title, host), role, day_between(rng, dt.date(2015, 1, 1), end))
    ctx.insert(Person, ("id", "name", "title", "institution_id", "field_id"), people)
    ctx.insert(PlatformMember, ("id", "platform_id", "person_id", "joined_on", "role"), members)
