"""The registration offices of the province and the prefix of the numbers each gives out.

One office per city bureau (prefecture = digits 3–4 of the city code), one at the province
(prefecture 00). The Shenfu zone has no prefecture code, so its office is numbered under the
province (00, office 02).
"""

from __future__ import annotations

from typing import Any

PROVINCE = "21"
OfficeRow = tuple[str, str, str | None, str]  # prefecture, office code, city, name
PROVINCE_OFFICE: OfficeRow = ("00", "01", None, "辽宁省技术合同登记处")
SHENFU_OFFICE: OfficeRow = ("00", "02", "SHENFU", "沈抚示范区技术合同登记处")


def load(apps: Any = None) -> int:
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    region = apps.get_model("core", "Region")
    office = apps.get_model("market", "RegistrationOffice")
    rows: list[OfficeRow] = [PROVINCE_OFFICE]
    for code, name in region.objects.filter(level="city", code__startswith=PROVINCE).values_list(
        "code", "name"
    ):
        rows.append((code[2:4], "01", code, f"{name}技术合同登记处"))
    if region.objects.filter(code="SHENFU").exists():
        rows.append(SHENFU_OFFICE)
    for prefecture, code, city, name in rows:
        office.objects.update_or_create(
            province=PROVINCE,
            prefecture=prefecture,
            code=code,
            defaults={"name": name, "city_id": city},
        )
    return len(rows)


def office_for_city(city_id: str | None) -> Any:
    """The office that registers the contracts of a city (the province's for none)."""
    from kechuang.market.models import RegistrationOffice

    office = RegistrationOffice.objects.filter(city_id=city_id).order_by("code").first()
    if office is None:
        office = RegistrationOffice.objects.filter(city__isnull=True).order_by("code").first()
    return office
