"""Writes `evalset.json`: achievements and demands from templates, labelled by construction.

    python -m kechuang.market.matching.evalset.build

Deterministic (seeded): running it again gives the same file. See README.md for how the set is
made and what it measures. The text functions are also used by `benchmarks/matching.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from kechuang.market.matching.evalset.vocab import FIELDS, GENERIC, SUBJECTS, Subject

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "evalset.json"
SEED = 20240630
AS_OF = dt.date(2024, 6, 30)
# Divisions an enterprise of each field's demands is drawn from (the main users of the field).
DIVISIONS = {
    "01": ["39", "65", "64"],
    "02": ["37", "56"],
    "03": ["34", "35", "36"],
    "04": ["27", "35"],
    "05": ["26", "30", "31", "32"],
    "06": ["44", "38"],
    "07": ["77", "42", "46"],
    "08": ["44", "35", "40"],
    "09": ["01", "03", "13"],
    "10": ["36", "37", "54"],
    "11": ["47", "48", "78"],
}
ALL_DIVISIONS = sorted({d for ds in DIVISIONS.values() for d in ds})

# Mature results: the team names the technique, says which enterprise problems it solves.
MATURE_TITLES = ["{t0}{t1}关键技术及应用", "面向{ctx}的{t1}技术", "基于{t1}的{name}系统"]
MATURE_ABSTRACTS = [
    "本成果面向{ctx}，针对{l0}、{l1}、{c0}等难题，研发了{t0}与{t1}技术，{t2}和{t3}取得突破，"
    "{g0}与{g1}指标达到国内先进水平。已在{m}家企业开展示范应用，获授权发明专利{p}项。",
    "项目团队围绕{name}开展攻关，提出{t1}新方法，结合{t2}实现{t0}，有效缓解{l1}和{l0}，改善{c0}状况。"
    "{g0}、{g2}方面形成成套方案，完成中试验证，可在{ctx}推广。",
]
# Laboratory results: the same subject, named by mechanism, not yet tried in production.
LAB_TITLES = ["{t2}{t0}新方法研究", "{name}中的{t2}机理研究", "{t0}{t3}基础研究"]
LAB_ABSTRACTS = [
    "本成果从{t2}机理出发，研究了{t0}过程中{t3}的变化规律，建立了{g1}模型，"
    "可为解决{l2}、{l3}和{c0}提供理论依据。目前处于实验室验证阶段，发表论文{p}篇。",
    "针对{name}中{t3}认识不足的问题，开展{t0}与{t2}的机理研究，获得{g2}数据，"
    "为改善{l3}奠定基础。尚处于原理样机阶段。",
]
# Enterprises describe the trouble in their own words and name a technique at most once.
DEMAND_TITLES = [
    ["{ctx}{l0}问题技术需求", "解决{l0}的技术需求", "{ctx}{l2}难题攻关"],
    ["{ctx}{c0}问题求解", "{l1}解决方案征集", "{ctx}{l3}技术改造需求"],
]
DEMAND_PROBLEMS = [
    "我公司主要面向{ctx}，生产中长期存在{l0}、{l2}、{c0}等问题，{g0}方面不能满足客户要求。"
    "拟引进{t0}相关技术，或与高校院所联合攻关。",
    "随着业务扩大，{l1}、{c0}和{l3}越来越突出，{c1}，现有{g2}手段难以应对。"
    "希望找到成熟可靠的解决办法，在{ctx}落地。",
]
DEMAND_TARGETS = [
    "{l2}明显改善，{g1}相关指标提升30%以上，一年内完成验证。",
    "{l3}降低一半，投资回收期不超过三年。",
]
# Hard negatives: another technique dressed in this subject's setting.
DECOY_TITLES = ["面向{xctx}的{t0}{t1}技术", "{xctx}{t1}系统"]
DECOY_ABSTRACTS = [
    "本成果将{t0}与{t2}用于{xctx}，解决了{l0}问题，{g0}、{g1}相关指标显著提升，兼顾{xl0}场景。"
    "已在{m}家单位应用。"
]


# Troubles every trade complains of: they blur the subjects, as in real write-ups.
COMMON = [
    "成本高",
    "效率低",
    "寿命短",
    "故障多",
    "依赖进口",
    "人工多",
    "能耗高",
    "精度不够",
    "质量不稳定",
    "安全隐患",
    "交货慢",
    "良品率低",
]
CLOSINGS = [
    "团队长期从事{g3}与{g4}研究，具备完整的{g5}试验条件。",
    "成果可提供技术许可、合作开发或作价入股，{g3}、{g4}数据齐全。",
    "依托省级重点实验室，{g3}和{g5}测试能力完备，可开展定制开发。",
]


def _words(rng: random.Random, s: Subject, other: Subject | None = None) -> dict[str, Any]:
    generic = list(GENERIC[s.field])
    rng.shuffle(generic)
    words: dict[str, Any] = {
        "name": s.name,
        "ctx": s.context,
        "m": rng.randint(2, 12),
        "p": rng.randint(1, 9),
        **{f"t{i}": t for i, t in enumerate(s.terms)},
        **{f"l{i}": t for i, t in enumerate(s.lay)},
        **{f"g{i}": t for i, t in enumerate(generic[:6])},
        **{f"c{i}": t for i, t in enumerate(rng.sample(COMMON, 2))},
    }
    if other is not None:
        words.update(xctx=other.context, xl0=other.lay[0])
    return words


def make_achievement(rng: random.Random, s: Subject, *, mature: bool) -> dict[str, Any]:
    """Title, keywords, abstract and TRL of an achievement on subject `s`."""
    w = _words(rng, s)
    titles, abstracts = (MATURE_TITLES, MATURE_ABSTRACTS) if mature else (LAB_TITLES, LAB_ABSTRACTS)
    return {
        "title": rng.choice(titles).format(**w),
        "keywords": "，".join(s.terms[:3] if mature else s.terms[1:]),
        "abstract": rng.choice(abstracts).format(**w) + rng.choice(CLOSINGS).format(**w),
        "field": s.field,
        "trl": rng.randint(6, 8) if mature else rng.randint(2, 3),
    }


def make_decoy(rng: random.Random, s: Subject, victim: Subject) -> dict[str, Any]:
    """An achievement on `s` written for the setting of `victim`: it does not solve its need."""
    w = _words(rng, s, victim)
    return {
        "title": rng.choice(DECOY_TITLES).format(**w),
        "keywords": "，".join(s.terms[:2]),
        "abstract": rng.choice(DECOY_ABSTRACTS).format(**w) + rng.choice(CLOSINGS).format(**w),
        "field": s.field,
        "trl": rng.randint(4, 8),
    }


def make_demand(rng: random.Random, s: Subject, variant: int) -> dict[str, Any]:
    w = _words(rng, s)
    budget = rng.choice([None, 50_000, 300_000, 1_000_000, 3_000_000])
    division = rng.choice(DIVISIONS[s.field]) if rng.random() < 0.9 else rng.choice(ALL_DIVISIONS)
    return {
        "title": rng.choice(DEMAND_TITLES[variant]).format(**w),
        "problem": DEMAND_PROBLEMS[variant].format(**w),
        "targets": DEMAND_TARGETS[variant].format(**w),
        "field": s.field,
        "industry": division,
        "budget": None if budget is None else f"{budget}.00",
        "deadline": (AS_OF + dt.timedelta(days=rng.randint(-30, 180))).isoformat(),
    }


def generate(seed: int = SEED) -> dict[str, Any]:
    rng = random.Random(seed)
    achievements: list[dict[str, Any]] = []
    demands: list[dict[str, Any]] = []
    relevant: dict[str, dict[str, int]] = {}

    def add(record: dict[str, Any], subject: Subject, role: str) -> int:
        key = len(achievements) + 1
        achievements.append({"key": key, "subject": subject.name, "role": role, **record})
        return key

    for f_no, f in enumerate(FIELDS):
        for s_no, s in enumerate(f.subjects):
            add(make_achievement(rng, s, mature=True), s, "mature")
            add(make_achievement(rng, s, mature=False), s, "laboratory")
            # Hard negatives for this subject's demands: another technique in this subject's
            # setting, once from the same field and once from another field.
            near = f.subjects[(s_no + 1 + rng.randrange(len(f.subjects) - 1)) % len(f.subjects)]
            add(make_decoy(rng, near, s), near, f"decoy-same-field:{s.name}")
            far_field = FIELDS[(f_no + 1 + rng.randrange(len(FIELDS) - 1)) % len(FIELDS)]
            far = rng.choice(far_field.subjects)
            add(make_decoy(rng, far, s), far, f"decoy-other-field:{s.name}")
            for variant in (0, 1):
                demands.append(
                    {"key": len(demands) + 1, "subject": s.name, **make_demand(rng, s, variant)}
                )
    # 2: a mature result on the demand's subject; 1: the subject still in the laboratory, or
    # its technique applied in another setting (a decoy written for another subject).
    grade = {"mature": 2, "laboratory": 1}
    for d in demands:
        relevant[str(d["key"])] = {
            str(a["key"]): grade.get(a["role"], 1)
            for a in achievements
            if a["subject"] == d["subject"]
        }
    assert len(SUBJECTS) * 2 == len(demands)
    return {
        "as_of": AS_OF.isoformat(),
        "seed": seed,
        "achievements": achievements,
        "demands": demands,
        "relevant": relevant,
    }


def main() -> None:
    data = generate()
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    pairs = sum(len(v) for v in data["relevant"].values())
    print(
        f"{OUTPUT}: {len(data['achievements'])} achievements, {len(data['demands'])} demands, "
        f"{pairs} labelled pairs"
    )


if __name__ == "__main__":
    main()
