from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


def restore_reference_data(using: str = "default", **kwargs: Any) -> None:
    """Reference data is part of the schema: a `flush` (as tests do) must not lose it."""
    from kechuang.core import calendar, reference
    from kechuang.core.models import Holiday, Region

    if not Region.objects.using(using).exists():
        reference.load()
    if not Holiday.objects.using(using).exists():
        calendar.load_holidays()


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        post_migrate.connect(
            restore_reference_data, sender=self, dispatch_uid="core.restore_reference_data"
        )
        from kechuang.core import accounts, checks

        accounts.connect_signals()
        checks.register()
        # Each app's background job handlers (`<app>/tasks.py`, `@jobs.job(...)`).
        autodiscover_modules("tasks")
