from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Sub-domains whose `workflow.py` declares transitions (DESIGN.md §3).
WORKFLOWS = ("contracts", "catalogue", "challenges", "projects")


class MarketConfig(AppConfig):
    name = "kechuang.market"
    label = "market"
    verbose_name = _("技术市场")

    def ready(self) -> None:
        # A workflow registers itself when imported; import them all now so that every
        # page, command and job sees the full registry, whatever it imported first.
        for sub in WORKFLOWS:
            import_module(f"{self.name}.{sub}.workflow")
