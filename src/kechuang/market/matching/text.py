"""Text of matching: segmentation with rjieba, stopwords, and how a record reads as one text."""

from __future__ import annotations

import re
from collections.abc import Iterable

import rjieba

# Function words and the boilerplate of achievement and demand write-ups: they carry no subject.
_STOPWORDS_TEXT = """
的 了 和 与 及 或 等 在 对 为 是 将 把 被 从 以 于 其 之 并
也 而 且 由 向 可 能 中 上 下 个 该 本 我 我们 公司 我公司 企业
单位 一种 一个 进行 通过 基于 具有 采用 用于 实现 提高 提升 开展
研究 研发 开发 技术 关键 相关 问题 方面 需要 希望 要求 达到 以上
以下 形成 目前 已 已经 完成 项目 方法 方案 情况 主要 影响 水平 国内
国际 先进 领先 合作 引进 解决 能力 领域 应用 面向 针对 存在 现有
不能 难以 获 获得 取得 成果 团队 新 有效 显著 明显 左右 不 超过
一年 内 拟 项 家 篇 提供 依据 方向 成套 推广 建立 提出 结合 围绕
兼顾 用 到 较 很 越来越 随着 找到 落地 满足 客户
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORDLIKE = re.compile(r"[0-9a-z\u3400-\u9fff]")
_NUMBER = re.compile(r"^[0-9.%]+$")


def tokenize(text: str) -> list[str]:
    """Search-mode segmentation (a compound also yields its parts), lower case, no stopwords."""
    out: list[str] = []
    done: dict[str, list[str]] = {}
    for line in text.lower().split("\n"):
        # The title comes twice (see achievement_text): segment it once.
        if line not in done:
            kept = (_kept(t) for t in rjieba.cut_for_search(line))
            done[line] = [t for t in kept if t]
        out.extend(done[line])
    return out


_KEPT: dict[str, str] = {}


def _kept(token: str) -> str:
    """The token as indexed, or "" for punctuation, numbers and stopwords; remembered, since
    the same few thousand words make up most texts."""
    found = _KEPT.get(token)
    if found is None:
        word = token.strip()
        keep = word not in STOPWORDS and _WORDLIKE.search(word) and not _NUMBER.match(word)
        found = word if keep else ""
        if len(_KEPT) > 500_000:  # a bound, for a process that lives long
            _KEPT.clear()
        _KEPT[token] = found
    return found


def tokenize_many(texts: Iterable[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]


def achievement_text(title: str, keywords: str, abstract: str) -> str:
    # The title and keywords say what the result is; repeating the title weighs it double.
    return f"{title}\n{title}\n{keywords}\n{abstract}"


def demand_text(title: str, problem: str, targets: str) -> str:
    return f"{title}\n{title}\n{problem}\n{targets}"
