# Generated from the field table by `python -m zjtx_site.intake.model_stub`; do not edit.
from datetime import date
from decimal import Decimal
from typing import Any

from zjtx_site.intake.fields import Field, Kind

IDENTITY_FIELDS: tuple[tuple[str, str], ...]
_PY_TYPES: dict[Kind, str]

def _class_name(key: str) -> str: ...

def build_company(clean: dict[str, Any], *, company_id: str, round: str, source: str,
                  digest: str) -> Company: ...
def record_class(f: Field) -> type: ...

class Contact:
    name: str | None
    mobile: str | None
    email: str | None
    def __init__(self, **kwargs: Any) -> None: ...

class Listing:
    status: str | None
    progress: str | None
    venue: str | None
    stock_code: str | None
    def __init__(self, **kwargs: Any) -> None: ...

class Basic:
    name: str
    credit_code: str | None
    address: str | None
    contact: Contact
    founded_on: date | None
    sme: bool | None
    listing: Listing
    def __init__(self, **kwargs: Any) -> None: ...

class FinancialsEntry:
    year: int
    employees: int | None
    rd_staff: int | None
    revenue: Decimal
    main_revenue: Decimal
    net_profit: Decimal | None
    total_assets: Decimal | None
    debt_ratio: Decimal | None
    rd_expense: Decimal | None
    def __init__(self, **kwargs: Any) -> None: ...

class Financing:
    plan_amount: Decimal | None
    plan_methods: tuple[str, ...] | None
    equity_raised_2y: Decimal | None
    equity_raised_3y: Decimal | None
    def __init__(self, **kwargs: Any) -> None: ...

class Specialization:
    niche_years: Decimal
    def __init__(self, **kwargs: Any) -> None: ...

class Refinement:
    management_certs: tuple[str, ...] | None
    management_certs_other: tuple[str, ...] | None
    info_systems: tuple[str, ...] | None
    foreign_product_certs: tuple[str, ...] | None
    cloud_migration: bool | None
    internet_integration_pilot: bool | None
    digital_level: int | None
    quality_award: str | None
    def __init__(self, **kwargs: Any) -> None: ...

class MarketShareEntry:
    year: int
    international: Decimal | None
    domestic: Decimal | None
    def __init__(self, **kwargs: Any) -> None: ...

class OwnBrandsEntry:
    year: int
    count: int | None
    def __init__(self, **kwargs: Any) -> None: ...

class Distinctiveness:
    market_share: tuple[MarketShareEntry, ...] | None
    domestic_rank: int | None
    global_rank: int | None
    own_brands: tuple[OwnBrandsEntry, ...] | None
    local_score: Decimal | None
    def __init__(self, **kwargs: Any) -> None: ...

class ResearchInstitute:
    national: int | None
    provincial: int | None
    municipal: int | None
    own: int | None
    def __init__(self, **kwargs: Any) -> None: ...

class TechCenter:
    national: int | None
    provincial: int | None
    municipal: int | None
    own: int | None
    def __init__(self, **kwargs: Any) -> None: ...

class EngineeringCenter:
    national: int | None
    provincial: int | None
    municipal: int | None
    own: int | None
    def __init__(self, **kwargs: Any) -> None: ...

class DesignCenter:
    national: int | None
    provincial: int | None
    municipal: int | None
    own: int | None
    def __init__(self, **kwargs: Any) -> None: ...

class RdInstitutions:
    research_institute: ResearchInstitute
    tech_center: TechCenter
    engineering_center: EngineeringCenter
    design_center: DesignCenter
    academician_workstation: bool | None
    postdoc_workstation: bool | None
    def __init__(self, **kwargs: Any) -> None: ...

class Ip:
    class1: int | None
    class1_self_developed: int | None
    class1_high_value: int | None
    class1_applied: int | None
    class2: int | None
    def __init__(self, **kwargs: Any) -> None: ...

class ScienceAwardsEntry:
    year: int
    level: str
    rank: int
    def __init__(self, **kwargs: Any) -> None: ...

class Innovation:
    rd_institutions: RdInstitutions
    partners: tuple[str, ...] | None
    ip: Ip
    science_awards: tuple[ScienceAwardsEntry, ...] | None
    maker_china: str | None
    def __init__(self, **kwargs: Any) -> None: ...

class Chain:
    name: str | None
    fills_gap: bool | None
    supplies_leaders: bool | None
    serves_key_leader: bool | None
    def __init__(self, **kwargs: Any) -> None: ...

class Product:
    name: str | None
    industry_leaders: tuple[str, ...] | None
    mic_fields: tuple[str, ...]
    six_foundations: tuple[str, ...]
    network_power: bool | None
    strategic_emerging: bool | None
    time_honored: bool | None
    new_product: bool | None
    def __init__(self, **kwargs: Any) -> None: ...

class Standards:
    international: int | None
    national: int | None
    industry: int | None
    def __init__(self, **kwargs: Any) -> None: ...

class Honors:
    standards: Standards
    titles: tuple[str, ...]
    titles_other: tuple[str, ...] | None
    national_major_project_2y: bool | None
    national_innovation_project_2y: bool | None
    def __init__(self, **kwargs: Any) -> None: ...

class Compliance:
    no_major_incident_3y: bool
    platform_score: Decimal | None
    def __init__(self, **kwargs: Any) -> None: ...

class Company:
    company_id: str
    round: str
    source: str
    digest: str
    schema: int
    assessed_on: date
    basic: Basic
    financials: tuple[FinancialsEntry, ...]
    financing: Financing
    specialization: Specialization
    refinement: Refinement
    distinctiveness: Distinctiveness
    innovation: Innovation
    chain: Chain
    product: Product
    honors: Honors
    compliance: Compliance
    extra: dict | None
    def __init__(self, **kwargs: Any) -> None: ...
