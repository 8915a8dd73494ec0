"""The Django admin for staff: reference data, users and the (read-only) audit trail.

`AuditedAdmin` is the base of every admin that changes data: a save or delete there is
recorded in the audit trail like any service write, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.db import models, transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.core import audit
from kechuang.core.models import (
    AuditEntry,
    HighTechZone,
    Industry,
    IndustryCluster,
    Region,
    SecurityEvent,
    TechField,
    User,
)

admin.site.site_header = _("科创平台管理后台")
admin.site.site_title = _("科创平台管理后台")
admin.site.index_title = _("数据维护")

SOURCE = "admin"


class AuditedMixin:
    """Records creates, changes and deletes made through the admin, inlines included."""

    # Fields never copied into the audit trail (secrets, bookkeeping).
    audit_exclude: tuple[str, ...] = ()

    def _snapshot(self, obj: models.Model) -> audit.Snapshot:
        return {k: v for k, v in audit.snapshot(obj).items() if k not in self.audit_exclude}

    def _stored(self, obj: models.Model) -> audit.Snapshot | None:
        if obj.pk is None:
            return None
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        return self._snapshot(stored) if stored is not None else None

    def _save(self, request: HttpRequest, obj: models.Model) -> None:
        before = self._stored(obj)
        obj.save()
        action = AuditEntry.Action.UPDATE if before is not None else AuditEntry.Action.CREATE
        audit.record(request.user, action, obj, before, self._snapshot(obj), source=SOURCE)

    def _delete(self, request: HttpRequest, obj: models.Model) -> None:
        before = self._snapshot(obj)
        audit.record(request.user, AuditEntry.Action.DELETE, obj, before, None, source=SOURCE)
        obj.delete()


class AuditedAdmin(AuditedMixin, admin.ModelAdmin):
    # Lists of a million rows: counting them all on every page costs more than it tells.
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            self._save(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._delete(request, obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                self._delete(request, obj)
            for obj in instances:
                self._save(request, obj)
            formset.save_m2m()


class ReferenceAdmin(AuditedAdmin):
    """Reference data is loaded from the shipped files; staff correct it but do not delete it."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()


@admin.register(HighTechZone)
class HighTechZoneAdmin(ReferenceAdmin):
    list_display = ("name", "level", "city", "region")
    list_filter = ("level", "city")
    search_fields = ("name",)
    autocomplete_fields = ("region", "city")


@admin.register(Industry)
class IndustryAdmin(ReferenceAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj else ()


@admin.register(TechField)
class TechFieldAdmin(ReferenceAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


@admin.register(IndustryCluster)
class IndustryClusterAdmin(ReferenceAdmin):
    list_display = ("name", "kind", "parent", "official")
    list_filter = ("kind", "official")
    search_fields = ("name",)


class PasswordSetByAdminForm(AdminPasswordChangeForm):
    """A password an administrator chose is known to two: the user changes it at next login."""

    def save(self, commit: bool = True) -> Any:
        self.user.must_change_password = True
        self.user.password_changed_at = timezone.now()
        return super().save(commit=commit)


class UserCreatedByAdminForm(AdminUserCreationForm):
    def save(self, commit: bool = True) -> Any:
        self.instance.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(AuditedMixin, DjangoUserAdmin):
    change_password_form = PasswordSetByAdminForm
    add_form = UserCreatedByAdminForm
    audit_exclude = ("password", "last_login")
    list_display = (
        "username",
        "display_name",
        "role",
        "city",
        "zone",
        "organization_id",
        "is_active",
        "is_staff",
    )
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "city")
    search_fields = ("username", "display_name", "email")
    autocomplete_fields = ("city", "zone")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("角色与范围"), {"fields": ("role", "display_name", "city", "zone", "organization_id")}),
        (_("账号安全"), {"fields": ("must_change_password", "password_changed_at")}),
    )
    readonly_fields = ("password_changed_at",)
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与范围"), {"fields": ("role", "display_name", "city", "zone", "organization_id")}),
    )

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        with transaction.atomic():
            self._save(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._delete(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """The change itself is Django's; the trail records who set whose password."""
        response: HttpResponse = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit.security_event(
                SecurityEvent.Kind.PASSWORD,
                actor=request.user,
                user=user,
                address=request.META.get("REMOTE_ADDR", ""),
                source=SOURCE,
                data={"by_self": False},
            )
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail is evidence: nobody edits or deletes it, not even a superuser."""

    list_display = ("at", "actor", "action", "content_type", "object_repr", "source", "batch")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "object_id", "batch", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "content_type")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Logins, failures, lock-outs, password changes and downloads; read-only like the trail."""

    list_display = ("at", "kind", "username", "actor", "address", "source")
    list_filter = ("kind", "source")
    search_fields = ("username", "address", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
