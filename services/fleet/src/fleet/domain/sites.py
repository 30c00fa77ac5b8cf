"""Which site a fleet command acts for: an existing stream's own site, never the body's."""

from typing import Any


def site_of_stream(state: Any, command: Any) -> str:
    """The stream's site once it exists (a renewal cannot move it); else the command's."""
    site = getattr(state, "site_id", "") or getattr(command, "site_id", "")
    if not isinstance(site, str) or not site:
        raise TypeError(f"cannot tell the site of {type(command).__name__}")
    return site
