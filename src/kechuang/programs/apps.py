from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "kechuang.programs"
    label = "programs"
    verbose_name = _("评价项目")

    def ready(self) -> None:
        # Each sub-domain's workflow registers itself in `core.workflow.WORKFLOWS` when imported.
        from kechuang.programs.consents import workflow as _consents  # noqa: F401
        from kechuang.programs.gradient import workflow as _gradient  # noqa: F401
        from kechuang.programs.notices import workflow as _notices  # noqa: F401
        from kechuang.programs.techsme import workflow as _techsme  # noqa: F401
