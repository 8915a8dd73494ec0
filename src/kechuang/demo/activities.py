"""The market's programmes in the demo province: plan projects of the provincial labs (F09)
and of innovation consortia (F21), challenge lists (F22), roadshows and matchmaking (F29),
training of brokers and assessors (F33). None of these is scaled: they are the province's.

`market.counts` counts them by date (approval, publication, holding, end of course), so
every row has its date in or before the period; earlier rows give the pages some history.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import models

from kechuang.core.models import TechField
from kechuang.demo.challenge_events import PUBLISH_HOUR, local, published_at
from kechuang.demo.context import Context
from kechuang.market.models import (
    Challenge,
    ChallengeListBatch,
    MatchmakingActivity,
    PlanProject,
    TrainingAttendance,
    TrainingSession,
)
from kechuang.registry.models import Institution, Platform

MODELS: tuple[type[models.Model], ...] = (
    PlanProject,
    Challenge,
    ChallengeListBatch,
    TrainingAttendance,
    TrainingSession,
    MatchmakingActivity,
)
PROVINCE_NAME = "辽宁省科学技术厅"
DRAFTING_DAYS = 14  # from drawing up a challenge list to publishing it
Row = tuple[Any, ...]
TOPICS = (
    "高端装备智能化",
    "新型储能材料",
    "集成电路关键工艺",
    "工业互联网平台",
    "生物制药",
    "海洋工程",
    "精细化工",
    "氢能与燃料电池",
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红娟鹏辉建国志新"


def clear() -> None:
    for model in MODELS:
        model._default_manager.all().delete()


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def generate(ctx: Context) -> None:
    projects(ctx)
    challenges(ctx)
    events(ctx)
    training(ctx)


def projects(ctx: Context) -> None:
    """Major research projects of the provincial labs (F09), led by each lab's host, and
    major special projects of innovation consortia (F21), led by large manufacturers."""
    t = ctx.targets
    rng = ctx.rng("plan-projects")
    start, end = t.period.start, t.period.end
    labs = list(
        Platform.objects.filter(pk__in=ctx.provincial_labs)
        .order_by("pk")
        .values_list("pk", "name", "city_id")
    )
    names = dict(Institution.objects.values_list("pk", "name"))
    rows: list[Row] = []
    for i in range(t.count("F09") if labs else 0):
        lab, lab_name, city = labs[i % len(labs)]
        host = ctx.platform_host.get(lab)
        approved = _day(rng, start, end)
        rows.append(
            (
                f"{lab_name}重大科研项目:{rng.choice(TOPICS)}({i + 1})",
                "lab_major",
                lab,
                None,
                host,
                names.get(host, lab_name) if host else lab_name,
                city,
                approved,
                Decimal(rng.choice((500, 800, 1000, 1500, 2000))) * 10_000,
            )
        )
    big = sorted((f for f in ctx.firms if f.section == "C"), key=lambda f: -f.staff0)
    for i in range(t.count("F21")):
        f = big[i % len(big)]
        rows.append(
            (
                f"{rng.choice(TOPICS)}创新联合体重大专项({i + 1})",
                "consortium",
                None,
                f.id,
                None,
                f.name or f"企业{f.id}",
                f.city,
                _day(rng, start, end),
                Decimal(rng.choice((2000, 3000, 5000))) * 10_000,
            )
        )
    ctx.insert(
        PlanProject,
        (
            "id",
            "name",
            "kind",
            "platform_id",
            "lead_enterprise_id",
            "lead_institution_id",
            "lead_name",
            "city_id",
            "approved_on",
            "budget",
            "status",
            "applied_on",
        ),
        (
            (pk, *r, "approved", r[7] - dt.timedelta(days=rng.randrange(30, 90)))
            for pk, r in enumerate(rows, start=1)
        ),
    )


def challenges(ctx: Context) -> None:
    """F22 challenges in lists published in the period, spread over a few batches."""
    t = ctx.targets
    rng = ctx.rng("challenges")
    fields = list(TechField.objects.order_by("code").values_list("code", flat=True))
    dates = [t.period.start + dt.timedelta(days=d) for d in (45, 100, 160)]
    # A list is drawn up two weeks before it goes out; the timeline dates the steps by these.
    batches = [
        (
            pk,
            f"{day.year}年第{pk}批“揭榜挂帅”技术攻关榜单",
            "published",
            day,
            local(day - dt.timedelta(days=DRAFTING_DAYS), PUBLISH_HOUR),
            published_at(day),
        )
        for pk, day in enumerate(dates, start=1)
    ]
    ctx.insert(
        ChallengeListBatch,
        ("id", "title", "status", "published_on", "created_at", "updated_at"),
        batches,
    )
    # Its own stream, so that the challenges' other values stay as they were.
    added = ctx.rng("challenge-dates")
    issuers = [f for f in ctx.firms if f.section == "C"] or ctx.firms
    rows: list[Row] = []
    for pk in range(1, t.count("F22") + 1):
        batch = batches[(pk - 1) * len(batches) // t.count("F22")]
        f = rng.choice(issuers)
        topic = rng.choice(TOPICS)
        rows.append(
            (
                pk,
                batch[0],
                f.id,
                f"{topic}关键技术攻关",
                f"突破{topic}领域的核心技术瓶颈,实现国产化替代。",
                "关键指标达到国内领先水平;形成样机或中试产品。",
                Decimal(rng.choice((100, 200, 300, 500, 1000))) * 10_000,
                batch[3] + dt.timedelta(days=60),
                rng.choice(fields),
                "open",
                # Added to the draft list after it was drawn up, opened when it was published.
                batch[4]
                + dt.timedelta(days=added.randrange(DRAFTING_DAYS), hours=1)
                + dt.timedelta(minutes=added.randrange(420)),
                batch[5],
            )
        )
    ctx.insert(
        Challenge,
        (
            "id",
            "batch_id",
            "issuer_id",
            "title",
            "need",
            "targets",
            "budget_cap",
            "deadline",
            "field_id",
            "status",
            "created_at",
            "updated_at",
        ),
        rows,
    )


def events(ctx: Context) -> None:
    """Roadshows and matchmaking: F29 in the period, fewer in the year before."""
    t = ctx.targets
    rng = ctx.rng("market-events")
    year = t.period.year
    plan = [
        (t.period.start, t.period.end, t.count("F29")),
        (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31), int(t.param("events_last_year", 310))),
    ]
    rows: list[Row] = []
    for first, last, n in plan:
        for _i in range(n):
            kind = rng.choice(("roadshow", "matchmaking"))
            city = ctx.geo.city(rng)
            word = "成果路演" if kind == "roadshow" else "产学研对接会"
            rows.append(
                (
                    "province",
                    PROVINCE_NAME,
                    city,
                    kind,
                    f"{rng.choice(TOPICS)}{word}",
                    _day(rng, first, last),
                )
            )
    rows.sort(key=lambda r: r[5])
    ctx.insert(
        MatchmakingActivity,
        ("id", "organiser_kind", "organiser_name", "city_id", "kind", "title", "held_on"),
        ((pk, *r) for pk, r in enumerate(rows, start=1)),
    )


def _names(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    while len(seen) < n:
        seen.add(rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))))
    return sorted(seen)


def training(ctx: Context) -> None:
    """Courses for brokers and assessors: F33 = [people trained in the period, cumulative].

    Each person attends one course, so distinct people per period are attendances; everyone
    trained before the period makes up the rest of the cumulative total.
    """
    t = ctx.targets
    rng = ctx.rng("training")
    in_period, cumulative = (int(x) for x in t.parts("F33"))
    year = t.period.year
    people = _names(rng, cumulative)
    rng.shuffle(people)
    employers = [f"{c}技术转移服务中心" for c in ("沈阳", "大连", "鞍山", "锦州", "营口")]
    # Earlier people over the four years before, then the period's.
    plan = [(y, 1, 2) for y in range(year - 4, year)] + [(year, 1, 1)]
    counts = [(cumulative - in_period) // 4] * 4
    counts[-1] += cumulative - in_period - sum(counts)
    counts.append(in_period)
    sessions: list[Row] = []
    attendance: list[Row] = []
    taken = 0
    for (y, first_half, last_half), n in zip(plan, counts, strict=True):
        per_session = 60
        k = max(1, -(-n // per_session))
        for s in range(k):
            half = first_half if s % 2 == 0 else last_half
            month = 3 + 6 * (half - 1) + s % 3
            ends = dt.date(y, month, 20)
            kind = "broker" if s % 3 else "assessor"
            sid = len(sessions) + 1
            topic = "技术经纪人" if kind == "broker" else "技术评价师"
            sessions.append(
                (
                    sid,
                    "province",
                    PROVINCE_NAME,
                    "210100",
                    kind,
                    f"{y}年{topic}培训班",
                    ends - dt.timedelta(days=4),
                    ends,
                )
            )
            share = n // k + (1 if s < n % k else 0)
            for _i in range(share):
                attendance.append(
                    (
                        len(attendance) + 1,
                        sid,
                        people[taken],
                        rng.choice(employers),
                        rng.random() < 0.9,
                    )
                )
                taken += 1
    ctx.insert(
        TrainingSession,
        (
            "id",
            "organiser_kind",
            "organiser_name",
            "city_id",
            "kind",
            "topic",
            "starts_on",
            "ends_on",
        ),
        sessions,
    )
    ctx.insert(TrainingAttendance, ("id", "session_id", "name", "employer", "passed"), attendance)
