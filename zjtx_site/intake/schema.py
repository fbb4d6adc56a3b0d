"""The field table of company data schema 1 (shared/spec/company-data.md).

One entry per key of the YAML file, mirroring the standard's Appendix A
form (sections 一 to 九). Labels are the form's own wording. This table is
the single definition of every field: the validator, the typed model, the
scaffold, the documentation and the Excel form are all generated from it.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from zjtx_site.intake.fields import Choice, Field, Kind, Plausible
from zjtx_site.vocabulary import TIER_LABELS, TIERS

SCHEMA_VERSION = 1

# Choices ----------------------------------------------------------------

LISTING_STATUS = (
    Choice("none", "无上市计划"),
    Choice("planned", "有上市计划"),
    Choice("listed", "已上市"),
)
LISTING_PROGRESS = (
    Choice("not_restructured", "未进行上市前股改"),
    Choice("restructured", "已完成上市前股改"),
    Choice("filed", "已提交上市申请"),
)
LISTING_VENUE = (
    Choice("sse_main", "上交所主板", ("上海证券交易所主板", "沪市主板")),
    Choice("szse_main", "深交所主板", ("深圳证券交易所主板", "深市主板")),
    Choice("bse", "北交所", ("北京证券交易所",)),
    Choice("star_market", "上交所科创板", ("上海证券交易所科创板", "科创板")),
    Choice("chinext", "深交所创业板", ("深圳证券交易所创业板", "创业板")),
    Choice("overseas", "境外"),
)
FINANCING_METHODS = (
    Choice("bank_loan", "银行贷款"),
    Choice("equity", "股权融资"),
    Choice("bond", "债券融资"),
    Choice("ipo", "上市融资"),
    Choice("other", "其他"),
)
MANAGEMENT_CERTS = (
    Choice("iso9001", "ISO9000 质量管理体系认证", ("ISO9000", "GB/T 19001", "质量管理体系认证")),
    Choice("iso14001", "ISO14000 环境管理体系认证", ("ISO14000", "GB/T 24001", "环境管理体系认证")),
    Choice("ohsas18001", "OHSAS18000 职业安全健康管理体系认证",
           ("OHSAS18000", "ISO45001", "GB/T 45001", "职业健康安全管理体系认证")),
    Choice("other", "其他"),
)
INFO_SYSTEMS = (
    Choice("cax", "研发设计 CAX", ("研发设计",)),
    Choice("cam", "生产制造 CAM", ("生产制造",)),
    Choice("erp_oa", "经营管理 ERP/OA", ("经营管理", "ERP/OA")),
    Choice("crm", "运维服务 CRM", ("运维服务",)),
    Choice("srm", "供应链管理 SRM", ("供应链管理",)),
    Choice("other", "其他"),
)
FOREIGN_CERTS = (
    Choice("ul", "UL"),
    Choice("csa", "CSA"),
    Choice("etl", "ETL"),
    Choice("gs", "GS"),
    Choice("other", "其他"),
)
QUALITY_AWARD = (
    Choice("none", "无"),
    Choice("municipal", "市级质量奖"),
    Choice("provincial", "省级质量奖"),
    Choice("national", "国家级质量奖"),
)
AWARD_LEVEL = (
    Choice("national", "国家级"),
    Choice("provincial", "省级"),
)
MAKER_CHINA = (
    Choice("none", "未入围"),
    Choice("top500", "全国 500 强"),
    Choice("top50", "全国 50 强"),
)
# Labels are Appendix A's; aliases are the names of 中国制造2025 (国发〔2015〕28号)
# and of the standard's own text ("制造强国战略十大重点产业领域"), which
# government registries use.
MIC_FIELDS = (
    Choice("next_gen_it", "新一代信息技术产业", ("新一代信息技术",)),
    Choice("cnc_robotics", "高档数控机床和机器人"),
    Choice("aerospace", "航空航天装备"),
    Choice("marine", "海洋工程装备及高技术船舶"),
    Choice("rail", "先进轨道交通设备", ("先进轨道交通装备",)),
    Choice("nev", "节能与新能源汽车"),
    Choice("power", "电力装备"),
    Choice("agri_machinery", "农机装备", ("农业装备",)),
    Choice("new_materials", "新材料"),
    Choice("biomedicine", "生物医药及高性能医疗器械"),
)
SIX_FOUNDATIONS = (
    Choice("core_components", "核心基础零部件"),
    Choice("core_electronics", "核心基础元器件"),
    Choice("key_software", "关键软件", ("关键基础软件",)),
    Choice("base_process", "先进基础工艺"),
    Choice("key_materials", "关键基础材料"),
    Choice("industry_tech_base", "产业技术基础"),
)
TIER_ALIASES = {
    "little_giant": ("专精特新小巨人企业", "小巨人企业", "国家级专精特新小巨人企业"),
    "single_champion": ("单项冠军企业", "制造业单项冠军示范企业"),
}
TITLES = (
    Choice("high_tech", "高新技术企业"),
    Choice("tech_innovation_demo_national", "技术创新示范企业（国家级）"),
    Choice("tech_innovation_demo_provincial", "技术创新示范企业（省级）"),
    Choice("ip_pilot_national", "工业企业知识产权运用试点企业（国家级）"),
    Choice("ip_pilot_provincial", "工业企业知识产权运用试点企业（省级）"),
    Choice("smart_mfg_national", "智能制造试点示范企业（国家级）"),
    Choice("smart_mfg_provincial", "智能制造试点示范企业（省级）"),
    Choice("green_factory", "绿色工厂"),
    Choice("quality_benchmark", "质量标杆"),
    Choice("base_catalog", "《产业基础领域先进技术产品转化应用目录》入编企业"),
    Choice("first_set_insurance", "享受首台(套)重大技术装备保险补偿"),
    Choice("ip_advantage", "知识产权优势企业"),
    Choice("ip_demo", "知识产权示范企业"),
    *(Choice(t, TIER_LABELS[t], TIER_ALIASES.get(t, ())) for t in TIERS),
)

# Reusable shapes ---------------------------------------------------------

_MONEY0: dict[str, Any] = dict(kind=Kind.MONEY, unit="万元", min=0)
_COUNT: dict[str, Any] = dict(kind=Kind.INT, unit="个", min=0)
_PCT: dict[str, Any] = dict(kind=Kind.PERCENT, unit="%", min=0, max=100)
_YEAR: dict[str, Any] = dict(kind=Kind.YEAR, unit="年", min=1949, max=2100)


# Plausibility (warnings, shared/spec/company-data.md units) --------------------

MAX_YEARLY_CHANGE = 20     # more than ×20 in a year is a typo or a unit, not growth
# 元 typed into a 万元 field: a jump near ×10,000 between years, give or take the
# largest real change, is one year in 元 (or the others in 亿元)
_IN_YUAN = Plausible(unit_factor=10000, big_unit="元", small_unit="亿元",
                     unit_jump=(Decimal(10000) / MAX_YEARLY_CHANGE, Decimal(10000) * MAX_YEARLY_CHANGE))
REVENUE_PLAUSIBLE = dataclasses.replace(
    _IN_YUAN,
    # 万元 per full-time employee: 1,000 元 to 1 亿元 covers every real company,
    # from a start-up to a trading house; beyond it the unit is wrong
    per_person=(Decimal("0.1"), Decimal(10000)),
    max_change=MAX_YEARLY_CHANGE,
    sme_max=40000,        # 中小企业划型标准 (industry): revenue below 4 亿元
)
_AS_FRACTION = Plausible(fraction=True)


def _institution(key: str, label: str) -> Field:
    return Field(
        key=key, label=label, kind=Kind.GROUP,
        hint="各级别数量（个）",
        children=(
            Field(key="national", label=f"{label}（国家级）", **_COUNT),
            Field(key="provincial", label=f"{label}（省级）", **_COUNT),
            Field(key="municipal", label=f"{label}（市级）", **_COUNT),
            Field(key="own", label=f"{label}（自建）", **_COUNT),
        ),
    )


FINANCIAL_YEAR = (
    Field(key="year", label="年度", required=True, **_YEAR),
    Field(key="employees", label="全职员工数量", kind=Kind.INT, unit="人", min=0),
    Field(key="rd_staff", label="其中：研发人员数量", kind=Kind.INT, unit="人", min=0,
          hint="不大于全职员工数量"),
    Field(key="revenue", label="营业收入", required=True, plausible=REVENUE_PLAUSIBLE, **_MONEY0),
    Field(key="main_revenue", label="其中：主营业务收入", required=True,
          hint="不大于营业收入", plausible=_IN_YUAN, **_MONEY0),
    Field(key="net_profit", label="净利润总额", kind=Kind.MONEY, unit="万元",
          hint="亏损填负数"),
    Field(key="total_assets", label="资产总额", plausible=_IN_YUAN, **_MONEY0),
    Field(key="debt_ratio", label="资产负债率", kind=Kind.PERCENT, unit="%", min=0,
          warn_max=100, hint="0～100，超过 100 会提示核对", plausible=_AS_FRACTION),
    Field(key="rd_expense", label="研发费用总额", hint="不大于营业收入", plausible=_IN_YUAN, **_MONEY0),
)

# The table ----------------------------------------------------------------

COMPANY = Field(
    key="", label="企业数据", kind=Kind.GROUP,
    children=(
        Field(key="schema", label="数据格式版本", kind=Kind.INT, required=True,
              min=SCHEMA_VERSION, max=SCHEMA_VERSION, hint="固定填 1"),
        Field(key="assessed_on", label="评估日期", kind=Kind.DATE, required=True,
              hint="决定适用的认定规则版本"),
        Field(key="basic", label="企业基本情况", kind=Kind.GROUP, required=True,
              section="一、企业基本情况",
              children=(
                  Field(key="name", label="企业名称", kind=Kind.TEXT, required=True, max_len=100),
                  Field(key="credit_code", label="统一社会信用代码", kind=Kind.CREDIT_CODE),
                  Field(key="address", label="通讯地址", kind=Kind.TEXT, max_len=200),
                  Field(key="contact", label="联系人信息", kind=Kind.GROUP, personal=True,
                        hint="个人信息，永不写入报告和网站",
                        children=(
                            Field(key="name", label="联系人", kind=Kind.TEXT, max_len=50, personal=True),
                            Field(key="mobile", label="手机", kind=Kind.TEXT, max_len=30, personal=True,
                                  hint="请加引号，例如 \"13800000000\""),
                            Field(key="email", label="E-mail", kind=Kind.TEXT, max_len=100, personal=True),
                        )),
                  Field(key="founded_on", label="成立日期", kind=Kind.DATE),
                  Field(key="sme", label="中小企业", kind=Kind.BOOL,
                        hint="按《中小企业划型标准》；不填时按工业标准：员工 < 1000 人或营业收入 < "
                             f"{REVENUE_PLAUSIBLE.sme_max} 万元"),
                  Field(key="listing", label="上市情况", kind=Kind.GROUP,
                        children=(
                            Field(key="status", label="上市情况", kind=Kind.ENUM, choices=LISTING_STATUS),
                            Field(key="progress", label="上市进程", kind=Kind.ENUM, choices=LISTING_PROGRESS,
                                  hint="仅“有上市计划”时填写"),
                            Field(key="venue", label="拟上市地", kind=Kind.ENUM, choices=LISTING_VENUE,
                                  hint="仅“有上市计划”时填写"),
                            Field(key="stock_code", label="股票代码", kind=Kind.TEXT, max_len=20,
                                  hint="仅“已上市”时填写"),
                        )),
              )),
        Field(key="financials", label="经济效益和经营情况", kind=Kind.RECORDS, required=True,
              items=(3, 3), section="二、经济效益和经营情况",
              hint="恰好 3 个连续年度，从早到晚（第1年..第3年）；最后一年为“上年度”",
              children=FINANCIAL_YEAR),
        Field(key="financing", label="融资情况", kind=Kind.GROUP,
              children=(
                  Field(key="plan_amount", label="下一步融资计划：资金需求额", **_MONEY0),
                  Field(key="plan_methods", label="计划融资方式", kind=Kind.ENUM_LIST,
                        choices=FINANCING_METHODS),
                  Field(key="equity_raised_2y", label="近2年新增股权融资总额",
                        hint="合格机构投资者实缴额", **_MONEY0),
                  Field(key="equity_raised_3y", label="近3年新增股权融资总额", **_MONEY0),
              )),
        Field(key="specialization", label="专业化", kind=Kind.GROUP, required=True,
              section="三、专业化",
              hint="主营业务收入占比和增长率由 financials 自动计算",
              children=(
                  Field(key="niche_years", label="企业从事特定细分市场时间", kind=Kind.NUMBER,
                        unit="年", min=0, max=200, required=True),
              )),
        Field(key="refinement", label="精细化", kind=Kind.GROUP, section="四、精细化",
              children=(
                  Field(key="management_certs", label="管理体系认证", kind=Kind.ENUM_LIST,
                        choices=MANAGEMENT_CERTS),
                  Field(key="management_certs_other", label="其他管理体系认证（请说明）",
                        kind=Kind.TEXT_LIST, items=(None, 10)),
                  Field(key="info_systems", label="核心业务采用信息系统支撑情况", kind=Kind.ENUM_LIST,
                        choices=INFO_SYSTEMS),
                  Field(key="foreign_product_certs", label="产品获得发达国家或地区权威机构认证",
                        kind=Kind.ENUM_LIST, choices=FOREIGN_CERTS),
                  Field(key="cloud_migration", label="业务系统是否向云端迁移", kind=Kind.BOOL),
                  Field(key="internet_integration_pilot", label="是否拥有制造业与互联网融合试点示范项目",
                        kind=Kind.BOOL),
                  Field(key="digital_level", label="中小企业数字化水平评测等级", kind=Kind.INT,
                        unit="级", min=1, max=4),
                  Field(key="quality_award", label="最高质量奖", kind=Kind.ENUM, choices=QUALITY_AWARD),
              )),
        Field(key="distinctiveness", label="特色化", kind=Kind.GROUP, section="五、特色化",
              children=(
                  Field(key="market_share", label="主导产品细分市场占有率", kind=Kind.RECORDS,
                        items=(1, 2), hint="近 2 年，从早到晚",
                        children=(
                            Field(key="year", label="年度", required=True, **_YEAR),
                            Field(key="international", label="主导产品国际细分市场占有率", **_PCT),
                            Field(key="domestic", label="主导产品全国细分市场占有率", **_PCT),
                        )),
                  Field(key="domestic_rank", label="主导产品全国细分市场排名", kind=Kind.INT,
                        unit="名", min=1),
                  Field(key="global_rank", label="主导产品全球市场占有率排名", kind=Kind.INT,
                        unit="名", min=1, hint="单项冠军评价使用"),
                  Field(key="own_brands", label="企业自有品牌个数", kind=Kind.RECORDS,
                        items=(1, 2), hint="近 2 年，从早到晚",
                        children=(
                            Field(key="year", label="年度", required=True, **_YEAR),
                            Field(key="count", label="自有品牌个数", **_COUNT),
                        )),
                  Field(key="local_score", label="特色化（地方特色指标）得分", kind=Kind.NUMBER,
                        unit="分", min=0, max=15,
                        hint="按省级规则给出，仅 2022 版专精特新中小企业评分使用"),
              )),
        Field(key="innovation", label="创新能力", kind=Kind.GROUP, section="六、创新能力",
              children=(
                  Field(key="rd_institutions", label="研发机构建设情况", kind=Kind.GROUP,
                        hint="企业自建或与高等院校、科研机构联合建立",
                        children=(
                            _institution("research_institute", "技术研究院"),
                            _institution("tech_center", "企业技术中心"),
                            _institution("engineering_center", "企业工程中心"),
                            _institution("design_center", "工业设计中心"),
                            Field(key="academician_workstation", label="院士专家工作站", kind=Kind.BOOL),
                            Field(key="postdoc_workstation", label="博士后工作站", kind=Kind.BOOL),
                        )),
                  Field(key="partners", label="合作院校机构名称", kind=Kind.TEXT_LIST, items=(None, 3),
                        hint="3 个以内"),
                  Field(key="ip", label="与主导产品有关的知识产权", kind=Kind.GROUP,
                        children=(
                            Field(key="class1", label="Ⅰ类知识产权总数", kind=Kind.INT, unit="项", min=0,
                                  hint="发明专利、植物新品种、集成电路布图设计等"),
                            Field(key="class1_self_developed", label="其中：自主研发的Ⅰ类知识产权",
                                  kind=Kind.INT, unit="项", min=0),
                            Field(key="class1_high_value", label="其中：高价值Ⅰ类知识产权", kind=Kind.INT,
                                  unit="项", min=0, hint="海外同族、维持10年以上、质押融资、获奖"),
                            Field(key="class1_applied", label="其中：实际应用并已产生经济效益的Ⅰ类知识产权",
                                  kind=Kind.INT, unit="项", min=0),
                            Field(key="class2", label="Ⅱ类知识产权", kind=Kind.INT, unit="项", min=0,
                                  hint="软件著作权、实用新型、外观设计"),
                        )),
                  Field(key="science_awards", label="近三年国家级、省级科技奖励", kind=Kind.RECORDS,
                        items=(None, 50), hint="没有请填 []",
                        children=(
                            Field(key="year", label="获奖年度", required=True, **_YEAR),
                            Field(key="level", label="奖励级别", kind=Kind.ENUM, required=True,
                                  choices=AWARD_LEVEL),
                            Field(key="rank", label="获奖单位排名", kind=Kind.INT, unit="名", min=1,
                                  required=True),
                        )),
                  Field(key="maker_china", label="近三年“创客中国”中小企业创新创业大赛", kind=Kind.ENUM,
                        choices=MAKER_CHINA, hint="top50 同时视为 top500"),
              )),
        Field(key="chain", label="产业链配套", kind=Kind.GROUP, section="七、产业链配套",
              children=(
                  Field(key="name", label="所属产业链", kind=Kind.TEXT, max_len=100),
                  Field(key="fills_gap", label="是否在产业链关键领域实现“补短板”“填空白”", kind=Kind.BOOL,
                        hint="须已取得实际成效"),
                  Field(key="supplies_leaders", label="主导产品是否为国内外知名大企业直接配套",
                        kind=Kind.BOOL),
                  Field(key="serves_key_leader", label="主导产品服务关键产业链重点龙头企业", kind=Kind.BOOL),
              )),
        Field(key="product", label="主导产品所属领域", kind=Kind.GROUP, required=True,
              section="八、主导产品所属领域",
              children=(
                  Field(key="name", label="主导产品名称", kind=Kind.TEXT, max_len=100),
                  Field(key="industry_leaders", label="行业领军企业", kind=Kind.TEXT_LIST, items=(None, 3),
                        hint="3 个以内"),
                  Field(key="mic_fields", label="中国制造十大产业领域", kind=Kind.ENUM_LIST,
                        choices=MIC_FIELDS, required=True, hint="不属于请填 []"),
                  Field(key="six_foundations", label="工业“六基”领域", kind=Kind.ENUM_LIST,
                        choices=SIX_FOUNDATIONS, required=True, hint="不属于请填 []"),
                  Field(key="network_power", label="属于网络强国建设重点领域", kind=Kind.BOOL,
                        hint="信息基础设施、关键核心技术、网络安全、数字经济"),
                  Field(key="strategic_emerging", label="属于《战略性新兴产业分类》", kind=Kind.BOOL),
                  Field(key="time_honored", label="中华老字号", kind=Kind.BOOL),
                  Field(key="new_product", label="属于新产品", kind=Kind.BOOL,
                        hint="单项冠军：新产品从事年限要求 5 年"),
              )),
        Field(key="honors", label="其他荣誉资质", kind=Kind.GROUP, required=True,
              section="九、其他荣誉资质",
              children=(
                  Field(key="standards", label="作为主要起草单位制修订的已发布标准", kind=Kind.GROUP,
                        children=(
                            Field(key="international", label="国际标准", kind=Kind.INT, unit="项", min=0),
                            Field(key="national", label="国家标准", kind=Kind.INT, unit="项", min=0),
                            Field(key="industry", label="行业标准", kind=Kind.INT, unit="项", min=0),
                        )),
                  Field(key="titles", label="获得相关部门认定的称号（有效期内）", kind=Kind.ENUM_LIST,
                        choices=TITLES, required=True, hint="没有请填 []"),
                  Field(key="titles_other", label="其他称号（请说明）", kind=Kind.TEXT_LIST, items=(None, 20)),
                  Field(key="national_major_project_2y", label="近2年是否承担过国家重大科技项目",
                        kind=Kind.BOOL),
                  Field(key="national_innovation_project_2y", label="近2年是否获得过国家级技术创新类项目",
                        kind=Kind.BOOL),
              )),
        Field(key="compliance", label="其他指标", kind=Kind.GROUP, required=True,
              section="附录B 其他指标",
              children=(
                  Field(key="no_major_incident_3y",
                        label="近三年未发生重大安全、质量、环境污染等事故以及偷漏税等违法违规行为",
                        kind=Kind.BOOL, required=True),
                  Field(key="platform_score", label="专精特新发展评价得分（国家平台）", kind=Kind.NUMBER,
                        unit="分", min=0, max=100, hint="2026 版规则需要；本工具从不自行推算"),
              )),
        Field(key="extra", label="扩展数据（插件使用）", kind=Kind.FREE),
    ),
)

# Numbers the validator compares against, with a reason each.
MAX_FILE_BYTES = 1_000_000  # a real company file is a few KB; more is hostile
MAX_NODES = 20_000          # bounds alias expansion and pathological nesting
MAX_DEPTH = 20
# Every number in a company file, checked before any exact arithmetic: no
# field needs more than 6 decimals (万元 to 0.01 元) or 10^15 (万元, 人, 项),
# and Fraction(Decimal("1e-999999999")) would never finish.
MAX_DECIMALS = 6
MAX_MAGNITUDE = 15          # |value| < 10^15
