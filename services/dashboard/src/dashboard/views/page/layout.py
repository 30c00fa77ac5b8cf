"""The document around every page: language, header (language switch, sign-out), assets.

Every script and style comes from this process (`/static/dashboard/...`); the CSP allows
nothing else, and htmx is told not to inject its own inline style.
"""

from html import escape
from urllib.parse import urlencode

from dashboard.views.page.i18n import LANGS, Lang, text

STATIC = "/static/dashboard"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_LANG_NAMES = {"en": "English", "zh-CN": "中文"}
# htmx 2 would add a <style> for its indicators (refused by the CSP) and may evaluate
# attributes as script: both off.
_HTMX_CONFIG = '{"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false}'


def language_switch(lang: Lang, path: str, query: dict[str, str]) -> str:
    links = []
    for option in LANGS:
        href = escape(f"{path}?{urlencode({**query, 'lang': option})}", True)
        current = ' aria-current="true"' if option == lang else ""
        links.append(
            f'<a href="{href}" hreflang="{option}" lang="{option}"{current}>'
            f"{_LANG_NAMES[option]}</a>"
        )
    return (
        f'<nav class="lang" aria-label="{escape(text(lang, "language"), True)}">'
        + " | ".join(links)
        + "</nav>"
    )


def document(
    *,
    lang: Lang,
    title: str,
    body: str,
    path: str,
    query: dict[str, str],
    staff_id: str | None = None,
    live: bool = False,
) -> str:
    """A whole HTML page. `live` loads htmx and its SSE extension."""
    scripts = (
        f'<script src="{STATIC}/htmx.min.js" defer></script>'
        f'<script src="{STATIC}/htmx-ext-sse.min.js" defer></script>'
        if live
        else ""
    )
    account = ""
    if staff_id is not None:
        account = (
            f'<span class="who">{escape(text(lang, "signed_in_as"))} '
            f"<strong>{escape(staff_id)}</strong></span>"
            '<form class="sign-out" method="post" action="/api/session/sign-out">'
            f'<button type="submit">{escape(text(lang, "sign_out"))}</button></form>'
        )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<meta name=\"htmx-config\" content='{_HTMX_CONFIG}'>"
        f"<title>{escape(title)}</title>"
        f'<link rel="stylesheet" href="{STATIC}/dashboard.css">{scripts}</head><body>'
        f'<a class="skip" href="#main">{escape(text(lang, "skip"))}</a>'
        f'<header class="top"><h1><a href="/">{escape(text(lang, "title"))}</a></h1>'
        f"{language_switch(lang, path, query)}{account}</header>"
        f'<main id="main" tabindex="-1">{body}</main></body></html>'
    )
