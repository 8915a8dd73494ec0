"""The kinds of registry record that have pages, and what differs between their pages:
list columns, forms and the services that save them, the tables on a detail page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import django_filters as df
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kechuang.registry import display, filters, forms, selectors, services
from kechuang.registry.models import (
    Award,
    Bank,
    BankBranch,
    Enterprise,
    EnterpriseYear,
    Incident,
    Institution,
    ListEntry,
    Person,
    Platform,
    PlatformInvestment,
    PlatformMember,
    ServiceInstitution,
    StandardLed,
)


@dataclass(frozen=True)
class Column:
    attr: str
    label: Any
    order: str | None = None
    num: bool = False


@dataclass(frozen=True)
class Kind:
    """One kind of registry record and how its pages show it."""

    key: str
    model: type[models.Model]
    rows: Callable[..., models.QuerySet[Any]]  # the list selector
    filterset: type[df.FilterSet]
    columns: tuple[Column, ...]
    title: Any  # of the list page and the navigation
    form: type[forms.RegistryForm] | None = None
    create: Callable[..., Any] | None = None  # service(actor=, data=) -> object
    update: Callable[..., Any] | None = None  # service(actor=, obj=, data=) -> object
    extras: Callable[[Any, Any], dict[str, Any]] = lambda user, obj: {}
    form_kwargs: Callable[[Any], dict[str, Any]] = lambda user: {}
    detail_template: str = "registry/detail.html"
    hidden_fields: tuple[str, ...] = field(default=())

    @property
    def verbose_name(self) -> Any:
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self) -> Any:
        return self.model._meta.verbose_name_plural

    @property
    def list_name(self) -> str:
        return f"registry:{self.key}_list"

    @property
    def detail_name(self) -> str:
        return f"registry:{self.key}_detail"

    @property
    def create_name(self) -> str:
        return f"registry:{self.key}_create"

    @property
    def edit_name(self) -> str:
        return f"registry:{self.key}_edit"

    def url(self, page: str, *args: Any) -> str:
        return reverse(f"registry:{self.key}_{page}", args=args or None)


def label(model: type[models.Model], name: str) -> Any:
    return getattr(model._meta.get_field(name), "verbose_name", name)


def _organization_update(*, actor: Any, obj: Any, data: dict[str, Any]) -> Any:
    return services.organization_update(actor=actor, obj=obj, data=data)


def _organization_create(model: type[models.Model]) -> Callable[..., Any]:
    def create(*, actor: Any, data: dict[str, Any]) -> Any:
        return services.organization_create(actor=actor, model=model, data=data)

    return create


def _platform_update(*, actor: Any, obj: Any, data: dict[str, Any]) -> Any:
    return services.platform_update(actor=actor, platform=obj, data=data)


@dataclass(frozen=True)
class Related:
    """A table of records that belong to the one shown (a bank's branches, …)."""

    key: str
    title: Any
    items: models.QuerySet[Any]
    fields: tuple[tuple[str, Any], ...]
    link: str | None = None  # URL name of the first column's link
    link_attr: str = "pk"


def _columns(model: type[models.Model], *names: str) -> tuple[tuple[str, Any], ...]:
    return tuple((n, label(model, n)) for n in names)


def _enterprise_extras(user: Any, obj: Enterprise) -> dict[str, Any]:
    years = list(selectors.enterprise_years(user=user, enterprise=obj).order_by("year"))
    by_id = {str(y.pk): y.year for y in years}
    entries: dict[int, list[Any]] = {}
    for e in selectors.enterprise_year_history(user=user, enterprise=obj):
        entries.setdefault(by_id[e.object_id], []).append(e)
    year_history = [
        {
            "anchor": f"year-history-{year}",
            "title": _("%(year)s 年度数据修改记录") % {"year": year},
            "rows": display.history_rows(EnterpriseYear, entries[year]),
        }
        for year in sorted(entries, reverse=True)
    ]
    facts = selectors.enterprise_facts(user=user, enterprise=obj)
    return {
        "year_table": display.year_table(years, forms.EnterpriseYearForm.Meta.fields),
        "year_history": year_history,
        "related": [
            Related(
                "awards",
                _("获奖"),
                facts["awards"],
                _columns(Award, "name", "level", "year", "rank"),
            ),
            Related(
                "standards",
                _("主导制定标准"),
                facts["standards"],
                _columns(StandardLed, "code", "title", "level", "year"),
            ),
            Related(
                "list_entries",
                _("异常/失信名录记录"),
                facts["list_entries"],
                _columns(ListEntry, "kind", "listed_on", "removed_on", "reason"),
            ),
            Related(
                "incidents",
                _("事故与失信事件"),
                facts["incidents"],
                _columns(Incident, "kind", "occurred_on", "description"),
            ),
        ],
    }


def _bank_extras(user: Any, obj: Bank) -> dict[str, Any]:
    branches = selectors.bank_branches(user=user, bank=obj)
    fields = _columns(BankBranch, "name", "city", "is_tech_branch", "opened_on")
    return {"related": [Related("branches", _("网点"), branches, fields)]}


def _platform_extras(user: Any, obj: Platform) -> dict[str, Any]:
    members = selectors.platform_members(user=user, platform=obj)
    investments = selectors.platform_investments(user=user, platform=obj)
    member_fields = (
        ("person", label(PlatformMember, "person")),
        ("person.title", label(Person, "title")),
        ("person.institution", label(Person, "institution")),
        ("role", label(PlatformMember, "role")),
        ("joined_on", label(PlatformMember, "joined_on")),
    )
    return {
        "related": [
            Related(
                "members",
                _("成员"),
                members,
                member_fields,
                link="registry:person_detail",
                link_attr="person_id",
            ),
            Related(
                "investments",
                _("投资"),
                investments,
                _columns(PlatformInvestment, "invested_on", "amount", "source"),
            ),
        ]
    }


def _person_extras(user: Any, obj: Person) -> dict[str, Any]:
    memberships = selectors.person_memberships(user=user, person=obj)
    fields = _columns(PlatformMember, "platform", "role", "joined_on")
    return {
        "related": [
            Related(
                "memberships",
                _("所在平台"),
                memberships,
                fields,
                link="registry:platform_detail",
                link_attr="platform_id",
            )
        ]
    }


def _platform_form_kwargs(user: Any) -> dict[str, Any]:
    return {
        "enterprises": selectors.enterprise_list(user=user),
        "platforms": selectors.platform_list(user=user),
    }


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            key="enterprise",
            title=pgettext_lazy("plural", "企业"),
            model=Enterprise,
            rows=selectors.enterprise_list,
            filterset=filters.EnterpriseFilter,
            columns=(
                Column("name", label(Enterprise, "name"), "name"),
                Column("uscc", label(Enterprise, "uscc"), "uscc"),
                Column("city", label(Enterprise, "city"), "city"),
                Column("region", label(Enterprise, "region")),
                Column("industry", label(Enterprise, "industry"), "industry"),
                Column("founded_on", label(Enterprise, "founded_on"), "founded_on"),
                Column("listing_status", label(Enterprise, "listing_status")),
                Column("high_tech_valid_to", label(Enterprise, "high_tech_valid_to")),
            ),
            form=forms.EnterpriseForm,
            create=_organization_create(Enterprise),
            update=_organization_update,
            extras=_enterprise_extras,
            detail_template="registry/enterprise_detail.html",
        ),
        Kind(
            key="institution",
            title=pgettext_lazy("plural", "高校院所"),
            model=Institution,
            rows=selectors.institution_list,
            filterset=filters.InstitutionFilter,
            columns=(
                Column("name", label(Institution, "name"), "name"),
                Column("uscc", label(Institution, "uscc")),
                Column("kind", label(Institution, "kind"), "kind"),
                Column("city", label(Institution, "city"), "city"),
                Column("central_in_province", label(Institution, "central_in_province")),
            ),
            form=forms.InstitutionForm,
            create=_organization_create(Institution),
            update=_organization_update,
        ),
        Kind(
            key="service_institution",
            title=pgettext_lazy("plural", "服务机构"),
            model=ServiceInstitution,
            rows=selectors.service_institution_list,
            filterset=filters.ServiceInstitutionFilter,
            columns=(
                Column("name", label(ServiceInstitution, "name"), "name"),
                Column("uscc", label(ServiceInstitution, "uscc")),
                Column("kind", label(ServiceInstitution, "kind"), "kind"),
                Column("level", label(ServiceInstitution, "level")),
                Column("city", label(ServiceInstitution, "city"), "city"),
                Column("recognized_on", label(ServiceInstitution, "recognized_on")),
            ),
            form=forms.ServiceInstitutionForm,
            create=_organization_create(ServiceInstitution),
            update=_organization_update,
        ),
        Kind(
            key="bank",
            title=pgettext_lazy("plural", "银行"),
            model=Bank,
            rows=selectors.bank_list,
            filterset=filters.BankFilter,
            columns=(
                Column("name", label(Bank, "name"), "name"),
                Column("short_name", label(Bank, "short_name")),
                Column("uscc", label(Bank, "uscc")),
                Column("city", label(Bank, "city"), "city"),
                Column("branch_count", _("网点数"), num=True),
            ),
            form=forms.BankForm,
            create=_organization_create(Bank),
            update=_organization_update,
            extras=_bank_extras,
        ),
        Kind(
            key="platform",
            title=pgettext_lazy("plural", "平台"),
            model=Platform,
            rows=selectors.platform_list,
            filterset=filters.PlatformFilter,
            columns=(
                Column("name", label(Platform, "name"), "name"),
                Column("kind", label(Platform, "kind"), "kind"),
                Column("level", label(Platform, "level")),
                Column("city", label(Platform, "city"), "city"),
                Column("host_institution|host_enterprise", _("依托单位")),
                Column("approved_on", label(Platform, "approved_on"), "approved_on"),
                Column("status", label(Platform, "status")),
            ),
            form=forms.PlatformForm,
            create=services.platform_create,
            update=_platform_update,
            extras=_platform_extras,
            form_kwargs=_platform_form_kwargs,
        ),
        Kind(
            key="person",
            title=pgettext_lazy("plural", "人员"),
            model=Person,
            rows=selectors.person_list,
            filterset=filters.PersonFilter,
            columns=(
                Column("name", label(Person, "name"), "name"),
                Column("title", label(Person, "title"), "title"),
                Column("institution", label(Person, "institution")),
                Column("field", label(Person, "field")),
            ),
            extras=_person_extras,
        ),
    )
}
