"""Batch evaluations of the registry, their results, and the published versions of the rules.

A run evaluates one program's spec for one year over the registry (or one city or county of
it) and keeps one result row per enterprise. The explanation of a result is not stored: it is
computed when read, with `rules.explain`, from the result's `detail` (the conditions, options
and measured values of the evaluated row) and the spec text the run kept — the same sentences
the engine would have written, for a fraction of the storage, in whichever language is asked.
`detail`, `points` and `reasons` are lists of values whose keys the run holds once
(`detail_keys`, `point_keys`, `reason_keys`).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region, TimeStampedModel
from kechuang.core.scoping import ScopePolicy


class JSONText(models.TextField):
    """A JSON value kept as text: decoded when read, encoded when saved.

    A run writes a million rows at once; PostgreSQL parsing each into jsonb was a third of the
    write, and nothing queries inside these values."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return json.loads(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def value_to_string(self, obj: models.Model) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""


class SpecVersion(models.Model):
    """A version of a program's rules for a year, published as data (TOML text).

    The active version of a (program, year) is the one runs use; without any, the shipped spec
    file is used.
    """

    program = models.CharField(_("项目"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.CharField(_("版本"), max_length=60)
    text = models.TextField(_("规则文本(TOML)"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    based_on = models.CharField(_("修订自"), max_length=60, blank=True)
    note = models.TextField(_("修订说明"), blank=True)
    is_active = models.BooleanField(_("现行版本"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    scope_policy = ScopePolicy(editable_by_owner=False)

    class Meta:
        verbose_name = _("评价规则版本")
        verbose_name_plural = _("评价规则版本")
        ordering = ["program", "-year", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "version"],
                name="spec_version_unique",
                violation_error_message=_("该版本号已存在"),
            ),
            models.UniqueConstraint(
                fields=["program", "year"],
                condition=Q(is_active=True),
                name="spec_version_one_active",
                violation_error_message=_("同一项目、年度只能有一个现行版本"),
            ),
        ]

    def __str__(self) -> str:
        return self.version


class EvaluationRun(TimeStampedModel):
    """One batch evaluation: who ran which spec over which enterprises, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("执行失败")

    class Stage(models.TextChoices):
        QUEUED = "", _("等待")
        READING = "reading", _("读取登记数据")
        EVALUATING = "evaluating", _("评价")
        WRITING = "writing", _("写入结果")
        DONE = "done", _("结束")

    program = models.CharField(_("项目"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    spec_version = models.CharField(_("规则版本"), max_length=60)
    spec_text = models.TextField(_("规则文本(TOML)"))
    spec_sha256 = models.CharField(_("规则校验值"), max_length=64)
    spec = models.ForeignKey(
        SpecVersion,
        verbose_name=_("发布的规则版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空为全省"),
    )
    # The reporting unit whose bureau sees the run (a run of the whole province has none).
    city = models.ForeignKey(
        Region,
        verbose_name=_("所属市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Only the enterprises of the zones piloting innovation points (PointsPilotZone).
    pilot_zones = models.BooleanField(_("仅试点高新区"), default=False)
    source = models.CharField(_("来源"), max_length=10, default="web")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("阶段"), max_length=12, choices=Stage.choices, blank=True)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    evaluated = models.PositiveIntegerField(_("参评企业数"), default=0)
    passed = models.PositiveIntegerField(_("通过"), default=0)
    failed = models.PositiveIntegerField(_("未通过"), default=0)
    ineligible = models.PositiveIntegerField(_("不符合基本条件"), default=0)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时(秒)"), null=True, blank=True)
    timings = models.JSONField(_("各阶段用时(秒)"), default=dict, blank=True)
    # The keys of each result's `detail`, which holds the values only, in this order.
    detail_keys = models.JSONField(_("评价明细字段"), default=list, blank=True)
    # The criteria of each result's `points`, which holds the points only, in this order.
    point_keys = models.JSONField(_("各项得分字段"), default=list, blank=True)
    # The reason codes the rules can give; each result's `reasons` holds their positions.
    reason_keys = models.JSONField(_("原因代码表"), default=list, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    scope_policy = ScopePolicy(city="city", editable_by_owner=False)

    class Meta:
        verbose_name = _("批量评价")
        verbose_name_plural = _("批量评价")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["program", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.spec_version} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def done(self) -> bool:
        """Finished with its results: the only runs whose results are shown or exported."""
        return self.status == self.Status.DONE

    @property
    def aborted(self) -> bool:
        """Stopped on an error (`error` says which); it kept no results. Not `failed`, which
        counts the enterprises that did not pass."""
        return self.status == self.Status.FAILED

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0


class EvaluationResult(models.Model):
    """One enterprise's result in a run. `points` holds each criterion's points (for
    innovation points, the per-indicator breakdown) in the order of the run's `point_keys`,
    `reasons` the positions of its reason codes in the run's `reason_keys` (both JSON kept as
    text); `detail` what explanations read."""

    # A run writes a row per enterprise of the province in one go: a database-side check of
    # each row's keys would cost more than the write itself. The rows are written only for
    # the run and the enterprises just read, and the ORM's cascade deletes them with either.
    # The composite indexes below serve the lookups by run and by enterprise.
    run = models.ForeignKey(
        EvaluationRun,
        verbose_name=_("批量评价"),
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="evaluation_results",
        db_constraint=False,
        db_index=False,
    )
    program = models.CharField(_("项目"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))
    eligible = models.BooleanField(_("符合基本条件"))
    score = models.DecimalField(_("得分"), max_digits=10, decimal_places=2, null=True, blank=True)
    verdict = models.CharField(_("结论"), max_length=4)
    qualified_by = models.CharField(_("认定方式"), max_length=60, blank=True)
    points = JSONText(_("各项得分"), default=dict)
    reasons = JSONText(_("原因代码"), default=list)
    # JSON text, not a JSON column: only explanations read it, and parsing a million JSON
    # values on the way in would be a good part of a run's write.
    detail = models.TextField(_("评价明细"), blank=True)
    stage = models.CharField(_("阶段"), max_length=20, blank=True)
    cohort = models.CharField(_("比较组"), max_length=40, blank=True)
    rank = models.PositiveIntegerField(_("组内排名"), null=True, blank=True)
    cohort_size = models.PositiveIntegerField(_("组内企业数"), null=True, blank=True)
    percentile = models.DecimalField(
        _("百分位"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    tier = models.CharField(_("榜单"), max_length=20, blank=True)

    scope_policy = ScopePolicy(
        city="enterprise__city",
        zone="enterprise__zone",
        own={"enterprise": "enterprise_id"},
        editable_by_owner=False,
    )

    class Meta:
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        ordering = ["run_id", "-score", "id"]
        indexes = [
            models.Index(fields=["run", "verdict"]),
            models.Index(fields=["enterprise", "program", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.program} {self.year}: {self.verdict}"

    @property
    def criterion_points(self) -> dict[str, Any]:
        """Each criterion's points by name, beside the run's `point_keys`."""
        keys = self._run_keys("point_keys", needed=not isinstance(self.points, dict))
        return points_by_name(self.points, keys)

    @property
    def reason_codes(self) -> list[str]:
        """The reason codes: the run's `reason_keys` at the stored positions."""
        needed = any(isinstance(i, int) for i in self.reasons or [])
        return codes_by_position(self.reasons, self._run_keys("reason_keys", needed))

    def _run_keys(self, name: str, needed: bool) -> list[str]:
        """The run's keys of a stored list, as the selectors annotate them, else read from the
        run, and then only if the row needs them (rows of earlier runs hold the names)."""
        keys = getattr(self, name, None)
        if keys is None and needed:
            keys = getattr(self.run, name)
        return list(keys or [])


def codes_by_position(stored: Any, keys: list[str]) -> list[str]:
    """A result's `reasons` as codes. Runs store their positions in the run's `reason_keys`;
    rows of earlier runs hold the codes themselves."""
    return [keys[i] if isinstance(i, int) else i for i in stored or []]


def points_by_name(stored: Any, keys: list[str]) -> dict[str, Any]:
    """A result's `points` as {criterion: points}. Runs store the values only, in the order
    of their `point_keys` (for innovation points, 21 names repeated in a million rows were
    half of each row); rows of earlier runs hold the names themselves."""
    if isinstance(stored, dict):
        return stored
    return dict(zip(keys, stored or [], strict=True))
