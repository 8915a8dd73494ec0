"""Forms of the registry pages. They validate; the services in `registry.services` save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kechuang.core.models import Region
from kechuang.registry.models import (
    Bank,
    Enterprise,
    EnterpriseYear,
    Institution,
    Platform,
    ServiceInstitution,
)

ORGANIZATION_FIELDS = ["uscc", "name", "city", "region", "zone", "address", "contact", "phone"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _counties() -> QuerySet[Region]:
    return Region.objects.filter(level="county").select_related("parent")


class RegistryForm(forms.ModelForm):
    """A ModelForm whose `cleaned_data` a service saves (never `form.save()`)."""

    def service_data(self) -> dict[str, Any]:
        # The fields offered: a form restricted to what the user may change sends no others.
        return {
            name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.fields
        }

    def offer_only(self, names: set[str]) -> None:
        """Keep only the fields named (those the user may change, `scoping.writable_fields`):
        the others are neither shown nor read from the post."""
        for name in list(self.fields):
            if name not in names:
                del self.fields[name]

    def add_service_error(self, error: ValidationError) -> None:
        """Show an error the service raised next to its field, or above the form."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class CountyChoiceField(forms.ModelChoiceField):
    # Several cities have a county of the same name (铁西区), so the city is shown too.
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


class OrganizationForm(RegistryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        old = self.fields["region"]
        self.fields["region"] = CountyChoiceField(
            queryset=_counties(), label=old.label, help_text=old.help_text
        )


class EnterpriseForm(OrganizationForm):
    class Meta:
        model = Enterprise
        fields = [
            *ORGANIZATION_FIELDS,
            "founded_on",
            "industry",
            "cluster",
            "listing_status",
            "listing_board",
            "listed_on",
            "high_tech_cert_no",
            "high_tech_valid_from",
            "high_tech_valid_to",
            "rd_institution_level",
            "is_software_enterprise",
        ]
        widgets = {
            "founded_on": DateInput(),
            "listed_on": DateInput(),
            "high_tech_valid_from": DateInput(),
            "high_tech_valid_to": DateInput(),
        }


class InstitutionForm(OrganizationForm):
    class Meta:
        model = Institution
        fields = [*ORGANIZATION_FIELDS, "kind", "central_in_province"]


class ServiceInstitutionForm(OrganizationForm):
    class Meta:
        model = ServiceInstitution
        fields = [*ORGANIZATION_FIELDS, "kind", "level", "recognized_on", "revoked_on"]
        widgets = {"recognized_on": DateInput(), "revoked_on": DateInput()}


class BankForm(OrganizationForm):
    class Meta:
        model = Bank
        fields = [*ORGANIZATION_FIELDS, "short_name"]


class PlatformForm(RegistryForm):
    # Co-builders are a many-to-many set that the platform services do not write.
    class Meta:
        model = Platform
        fields = [
            "name",
            "kind",
            "level",
            "city",
            "host_institution",
            "host_enterprise",
            "parent",
            "approved_on",
            "status",
            "field",
            "description",
        ]
        widgets = {"approved_on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        *args: Any,
        enterprises: QuerySet[Enterprise],
        platforms: QuerySet[Platform],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        city: Any = self.fields["city"]
        city.queryset = Region.objects.filter(level__in=["city", "reporting_unit"])
        parent: Any = self.fields["parent"]
        parent.queryset = platforms.exclude(pk=self.instance.pk) if self.instance.pk else platforms
        # A province has too many enterprises for a drop-down: the host is named by its
        # USCC, and only an enterprise the user may see is accepted.
        old = self.fields["host_enterprise"]
        self.fields["host_enterprise"] = forms.ModelChoiceField(
            queryset=enterprises,
            to_field_name="uscc",
            required=False,
            label=old.label,
            help_text=_("填写企业的统一社会信用代码"),
            widget=forms.TextInput(attrs={"maxlength": 18}),
            error_messages={"invalid_choice": _("未找到该统一社会信用代码的企业")},
        )
        if self.instance.host_enterprise_id and not self.is_bound:
            self.initial["host_enterprise"] = self.instance.host_enterprise.uscc


class EnterpriseYearForm(RegistryForm):
    class Meta:
        model = EnterpriseYear
        fields = [
            *EnterpriseYear.COUNTS[:2],
            *EnterpriseYear.MONEY[:5],
            *EnterpriseYear.SIGNED_MONEY,
            *EnterpriseYear.COUNTS[2:],
            *EnterpriseYear.MONEY[5:],
            "high_tech_cert_valid_to",
            *EnterpriseYear.FLAGS,
        ]
        widgets = {"high_tech_cert_valid_to": DateInput()}
