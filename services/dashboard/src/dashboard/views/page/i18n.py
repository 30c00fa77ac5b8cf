"""The page's two languages: English and Simplified Chinese.

The language comes from `?lang=` (the switch on the page, remembered in a cookie), else the
cookie, else the browser's Accept-Language; English when nothing matches.
"""

from typing import Literal

Lang = Literal["en", "zh-CN"]
LANGS: tuple[Lang, ...] = ("en", "zh-CN")
LANG_COOKIE = "dashboard_lang"

_TEXT: dict[str, tuple[str, str]] = {
    # key: (English, Chinese)
    "title": ("Operations dashboard", "运营看板"),
    "company": ("Company roll-up", "公司汇总"),
    "sites": ("Sites", "站点"),
    "site": ("Site", "站点"),
    "kpi": ("Indicator", "指标"),
    "value": ("Value", "数值"),
    "target": ("Target", "目标"),
    "status": ("Status", "状态"),
    "delta": ("vs previous period", "较上期"),
    "no_delta": ("no previous period", "无上期数据"),
    "no_value": ("no value", "无数值"),
    "trend": ("30-day trend", "近30天趋势"),
    "data_age": ("Data as of", "数据更新于"),
    "no_data_yet": ("no event applied yet", "尚未收到事件"),
    "period": ("Period", "周期"),
    "status_ok": ("On target", "达标"),
    "status_warn": ("Near target", "接近目标"),
    "status_bad": ("Off target", "未达标"),
    "status_none": ("No data", "无数据"),
    "lower_better": ("lower is better", "越低越好"),
    "higher_better": ("higher is better", "越高越好"),
    "download_grid": ("Download the cards (CSV)", "下载指标卡 (CSV)"),
    "download_list": ("Download this list (CSV)", "下载此列表 (CSV)"),
    "rows": ("Rows behind the number", "数字背后的明细"),
    "row_count": ("rows", "行"),
    "record": ("Record", "记录"),
    "service": ("Service", "服务"),
    "date": ("Date (site)", "日期 (站点)"),
    "at": ("Time (site)", "时间 (站点)"),
    "counted": ("Counted", "计入"),
    "detail": ("Detail", "说明"),
    "open_record": ("open", "查看"),
    "back": ("Back to the dashboard", "返回看板"),
    "sign_in": ("Sign in", "登录"),
    "sign_out": ("Sign out", "退出登录"),
    "token": ("Company bearer token", "公司访问令牌"),
    "token_help": (
        "Paste the token your company issued to you. It is kept in a cookie that scripts "
        "cannot read.",
        "粘贴公司签发给您的令牌。令牌保存在脚本无法读取的 Cookie 中。",
    ),
    "signed_in_as": ("Signed in as", "当前用户"),
    "language": ("Language", "语言"),
    "live": ("Live updates", "实时更新"),
    "skip": ("Skip to the cards", "跳到指标卡"),
    "empty": ("No site to show for this account.", "此账号没有可查看的站点。"),
    "all_sites": ("all sites", "全部站点"),
    "not_found": ("Not found", "未找到"),
}

# Names of the KPIs of the catalogue (domain/catalogue.py keys); an unknown key shows the
# catalogue's own (English) title.
_KPI_NAMES: dict[str, tuple[str, str]] = {
    "callcenter.answered_rate": ("Answered-call rate", "接通率"),
    "callcenter.first_response_sla": ("First response within SLA", "首次响应及时率"),
    "callcenter.callbacks_done": ("Callbacks done", "回访完成率"),
    "callcenter.satisfaction": ("Satisfaction", "满意度"),
    "dispatch.accepted_on_time": ("Accepted on time", "按时接单率"),
    "dispatch.overdue_open": ("Overdue open orders", "逾期未完工单"),
    "dispatch.repeat_repairs": ("Repeat repairs", "重复维修"),
    "dispatch.penalties": ("Penalties this month", "本月罚款"),
    "fleet.fuel_anomalies": ("Fuel anomalies", "油耗异常"),
    "fleet.open_faults": ("Vehicles with open faults", "有未修故障的车辆"),
    "fleet.services_overdue": ("Services overdue", "逾期保养"),
    "permits.reviews_overdue": ("Reviews overdue", "逾期审核"),
    "permits.refunds_past_7": ("Refunds past 7 working days", "超7个工作日未退押金"),
    "permits.refunds_past_15": ("Refunds past 15 working days", "超15个工作日未退押金"),
    "permits.patrol_coverage": ("Patrol coverage", "巡查覆盖率"),
    "secrets_registry.inventory_discrepancies": ("Open inventory discrepancies", "未结清点差异"),
    "secrets_registry.carriers_due": (
        "Carriers due back or for destruction",
        "应归还或应销毁的载体",
    ),
    "secrets_registry.declassification": ("People in their declassification period", "脱密期人员"),
}


def text(lang: Lang, key: str) -> str:
    """The label `key` in `lang` (KeyError for an unknown key: a typo must fail the tests)."""
    english, chinese = _TEXT[key]
    return chinese if lang == "zh-CN" else english


def kpi_name(lang: Lang, kpi_id: str, fallback: str) -> str:
    names = _KPI_NAMES.get(kpi_id)
    if names is None:
        return fallback
    return names[1] if lang == "zh-CN" else names[0]


def parse_lang(value: str | None) -> Lang | None:
    """`en` or `zh-CN` (any case; every `zh-*` tag reads Chinese: the page's only Chinese is
    Simplified, which a zh-TW reader still prefers to English), else None."""
    if not value:
        return None
    tag = value.strip().lower()
    if tag == "en" or tag.startswith("en-"):
        return "en"
    if tag == "zh" or tag.startswith("zh-"):
        return "zh-CN"
    return None


def from_accept_language(header: str | None) -> Lang:
    """The first language of Accept-Language (by q value) that the page speaks, else English."""
    if not header:
        return "en"
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag))
    for negative_q, _, tag in sorted(ranked):
        lang = parse_lang(tag)
        if lang is not None and negative_q < 0:
            return lang
    return "en"


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> Lang:
    """The switch (`?lang=`) wins, then the remembered choice, then the browser's language."""
    return parse_lang(query) or parse_lang(cookie) or from_accept_language(accept_language)
