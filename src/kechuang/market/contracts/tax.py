"""Tax benefits a registered contract may support, shown on its certificate page.

These are indications for the parties and the tax office, not a tax assessment:
- VAT: income from technology transfer, licence and development, and the consulting and
  services tied to them, is exempt (财税〔2016〕36号 附件3).
- Enterprise income tax: a resident enterprise's income from transferring technology
  (ownership, or a non-exclusive licence of five years or more) is exempt up to 5 M ¥ a
  year and taxed at half rate above. The threshold applies to the seller's whole year; the
  split shown is for this contract alone. Exclusive licences are left to the tax office.
- Individual income tax: cash rewards that a university or research institute pays its staff
  from transferring or licensing job-related results count at 50 % (财税〔2018〕58号).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from kechuang.market.contracts.models import TechContract

EIT_EXEMPT_LIMIT = Decimal("5000000.00")
LICENCE_MIN_YEARS = 5
ZERO = Decimal("0.00")

T = TechContract.Type


@dataclass(frozen=True)
class TaxBenefits:
    vat_exempt: bool
    vat_conditional: bool  # consulting/service: only when tied to a transfer or development
    eit_applicable: bool
    eit_exempt_part: Decimal
    eit_half_rate_part: Decimal
    pit_half_on_rewards: bool
    registered: bool

    @property
    def notes(self) -> list[str]:
        out: list[str] = []
        if not self.registered:
            out.append(str(_("合同尚未登记,以下优惠须在登记后方可申请")))
        if self.vat_conditional:
            out.append(str(_("技术咨询、技术服务仅在与技术转让、技术开发相关时免征增值税")))
        if self.eit_applicable:
            out.append(str(_("500万元免税额度按卖方纳税年度合计计算,此处为本合同的拆分")))
        return out


def benefits(contract: TechContract) -> TaxBenefits:
    kind = contract.type
    value = contract.tech_value or ZERO
    licence_ok = (
        kind == T.LICENCE
        and not contract.licence_exclusive
        and (contract.licence_years or 0) >= LICENCE_MIN_YEARS
    )
    transfer_income = kind == T.TRANSFER or licence_ok
    eit = transfer_income and contract.seller_kind == TechContract.SellerKind.ENTERPRISE
    exempt = min(value, EIT_EXEMPT_LIMIT) if eit else ZERO
    half = max(value - EIT_EXEMPT_LIMIT, ZERO) if eit else ZERO
    academic = contract.seller_kind in (
        TechContract.SellerKind.UNIVERSITY,
        TechContract.SellerKind.INSTITUTE,
    )
    return TaxBenefits(
        vat_exempt=kind in (T.TRANSFER, T.LICENCE, T.DEVELOPMENT),
        vat_conditional=kind in (T.CONSULTING, T.SERVICE),
        eit_applicable=eit,
        eit_exempt_part=exempt,
        eit_half_rate_part=half,
        pit_half_on_rewards=academic and kind in (T.TRANSFER, T.LICENCE),
        registered=contract.is_registered,
    )
