"""The 30-day trend of a card as an inline SVG drawn on the server (no chart library)."""

from collections.abc import Sequence
from html import escape

WIDTH = 240
HEIGHT = 48
_PAD = 3


def sparkline(values: Sequence[float | None], label: str, target: float | None = None) -> str:
    """An SVG polyline of `values` (oldest first; None = no value that day, a gap), with the
    target as a dashed line. `label` is its accessible name (role="img")."""
    known = [v for v in values if v is not None]
    title = f"<title>{escape(label)}</title>"
    head = (
        f'<svg class="trend" role="img" aria-label="{escape(label, quote=True)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'xmlns="http://www.w3.org/2000/svg">'
    )
    if not known:
        return head + title + "</svg>"
    bounds = [*known, *([target] if target is not None else [])]
    low, high = min(bounds), max(bounds)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * _PAD) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        return round(HEIGHT - _PAD - (value - low) / span * (HEIGHT - 2 * _PAD), 1)

    segments: list[list[str]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(f"{round(_PAD + i * step, 1)},{y(value)}")
    lines = "".join(
        f'<polyline class="trend-line" points="{" ".join(points)}"/>'
        if len(points) > 1
        else f'<circle class="trend-dot" cx="{points[0].split(",")[0]}" '
        f'cy="{points[0].split(",")[1]}" r="1.5"/>'
        for points in segments
        if points
    )
    goal = ""
    if target is not None:
        goal = (
            f'<line class="trend-target" x1="{_PAD}" x2="{WIDTH - _PAD}" '
            f'y1="{y(target)}" y2="{y(target)}"/>'
        )
    return head + title + goal + lines + "</svg>"
