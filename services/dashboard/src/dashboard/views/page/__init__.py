"""The dashboard's HTML page: server-rendered cards, drill-down lists, sign-in, in English
and Chinese, with vendored htmx for live updates (see static/VENDORED.md)."""
