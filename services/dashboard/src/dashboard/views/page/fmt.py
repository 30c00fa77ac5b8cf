"""How the page writes numbers, deltas and times (values come from the card JSON)."""

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dashboard.views.page.i18n import Lang, text


def number(value: float | None, unit: str, lang: Lang) -> str:
    """A card value in its unit: 92.5%, 3, 4.2, ¥12.34; the words for no value."""
    if value is None:
        return text(lang, "no_value")
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "fen":
        return f"¥{value / 100:,.2f}"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def delta(value: float | None, unit: str, lang: Lang) -> str:
    """+2.5 pts / -3 / the words for no previous period (never 0 for a missing period)."""
    if value is None:
        return text(lang, "no_delta")
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "±")
    size = abs(value)
    if unit == "percent":
        return f"{sign}{size:.1f} " + ("个百分点" if lang == "zh-CN" else "pts")
    if unit == "fen":
        return f"{sign}¥{size / 100:,.2f}"
    if unit == "score":
        return f"{sign}{size:.2f}"
    return f"{sign}{size:,.0f}" if float(size).is_integer() else f"{sign}{size:,.1f}"


def delta_direction(value: float | None, lower_is_better: bool) -> str:
    """`better`, `worse` or `same` (for the arrow's colour), `none` without a delta."""
    if value is None:
        return "none"
    if value == 0:
        return "same"
    return "better" if (value < 0) == lower_is_better else "worse"


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return instant if instant.tzinfo is not None else None


def local_time(value: str | None, timezone: str | None) -> str:
    """`2026-12-08 09:00:03 Asia/Shanghai`: an instant in the site's time zone."""
    instant = parse_instant(value)
    if instant is None:
        return ""
    tz = zone(timezone)
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S ") + str(tz.key)


def age(value: str | None, now: datetime, lang: Lang) -> str:
    """How old the data is: `12 s`, `5 min`, `3 h`, `2 d` (English and Chinese units)."""
    instant = parse_instant(value)
    if instant is None:
        return text(lang, "no_data_yet")
    seconds = max(0, int((now - instant).total_seconds()))
    zh = lang == "zh-CN"
    if seconds < 60:
        return f"{seconds} 秒前" if zh else f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} 分钟前" if zh else f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} 小时前" if zh else f"{seconds // 3600} h ago"
    return f"{seconds // 86400} 天前" if zh else f"{seconds // 86400} d ago"
