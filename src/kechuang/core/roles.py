"""The roles of DESIGN.md §1. Which role sees what is decided in `scoping`, nowhere else."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("省科技厅管理员")
    CITY_ADMIN = "city_admin", _("市科技局管理员")
    ZONE_ADMIN = "zone_admin", _("高新区管理员")
    ENTERPRISE = "enterprise", _("企业用户")
    INSTITUTION = "institution", _("高校院所用户")
    SERVICE = "service", _("服务机构用户")
    BANK = "bank", _("银行用户")
    EXPERT = "expert", _("专家")


ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.ZONE_ADMIN})
# The organisation kind a user of each role belongs to.
ORGANIZATION_ROLES = {
    Role.ENTERPRISE: "enterprise",
    Role.INSTITUTION: "institution",
    Role.SERVICE: "service_institution",
    Role.BANK: "bank",
}
