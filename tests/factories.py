"""factory_boy factories for the registry; every code they make is a valid one."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kechuang.core import uscc
from kechuang.core.models import Region, User
from kechuang.core.roles import Role
from kechuang.registry import models as rm

_rng = random.Random(7)


def make_uscc(region_code: str = "210102", seq: int | None = None, entity: str = "91") -> str:
    n = _rng.randrange(10**8) if seq is None else seq
    org8 = f"{n:08d}"
    body = entity + region_code + org8 + uscc.org_code_check(org8)
    return uscc.make(body)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass12345")
    role = Role.PROVINCE_ADMIN

    @factory.post_generation
    def _save(obj, create, extracted, **kw):
        if create:
            obj.save()


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = rm.Enterprise

    class Params:
        county = "210102"

    uscc = factory.LazyAttributeSequence(lambda o, n: make_uscc(o.county, seq=n + 1000))
    name = factory.Sequence(lambda n: f"辽宁测试科技有限公司{n}")
    region = factory.LazyAttribute(lambda o: Region.objects.get(code=o.county))
    city = factory.LazyAttribute(lambda o: Region.objects.get(code=o.county[:4] + "00"))
    founded_on = dt.date(2015, 6, 1)
    industry_id = "39"


class EnterpriseYearFactory(DjangoModelFactory):
    class Meta:
        model = rm.EnterpriseYear

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2022
    staff = 100
    tech_staff = 30
    sales_revenue = Decimal("50000000.00")
    total_cost = Decimal("40000000.00")
    rd_expense = Decimal("3000000.00")


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = rm.Institution

    uscc = factory.Sequence(lambda n: make_uscc("210102", seq=n + 50000, entity="12"))
    name = factory.Sequence(lambda n: f"辽宁测试大学{n}")
    region_id = "210102"
    city_id = "210100"
    kind = rm.Institution.Kind.UNIVERSITY


class ServiceInstitutionFactory(DjangoModelFactory):
    class Meta:
        model = rm.ServiceInstitution

    uscc = factory.Sequence(lambda n: make_uscc("210102", seq=n + 60000))
    name = factory.Sequence(lambda n: f"测试孵化器{n}")
    region_id = "210102"
    city_id = "210100"
    kind = rm.ServiceInstitution.Kind.INCUBATOR


class BankFactory(DjangoModelFactory):
    class Meta:
        model = rm.Bank

    uscc = factory.Sequence(lambda n: make_uscc("210102", seq=n + 70000))
    name = factory.Sequence(lambda n: f"测试银行辽宁分行{n}")
    region_id = "210102"
    city_id = "210100"


class PlatformFactory(DjangoModelFactory):
    class Meta:
        model = rm.Platform

    name = factory.Sequence(lambda n: f"测试重点实验室{n}")
    kind = rm.Platform.Kind.NATIONAL_KEY_LAB
    level = rm.Platform.Level.NATIONAL
    city_id = "210100"
    approved_on = dt.date(2023, 3, 1)
