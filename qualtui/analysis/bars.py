"""Text bar charts for tables: block characters with eighth-steps, or plain ``#``."""

from __future__ import annotations

_EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"


def bar(value: float, maximum: float, width: int = 20, *, ascii: bool = False) -> str:
    """A bar *width* characters long at *maximum*; any value above zero shows at least a sliver."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    fraction = min(1.0, value / maximum)
    if ascii:
        return "#" * max(1, round(fraction * width))
    eighths = max(1, round(fraction * width * 8))
    whole, part = divmod(eighths, 8)
    return FULL * whole + (_EIGHTHS[part] if part else "")


def can_draw_blocks(encoding: str | None) -> bool:
    """Whether a stream with this encoding can print block characters."""
    try:
        (FULL + _EIGHTHS[1:]).encode(encoding or "ascii")
    except (LookupError, UnicodeEncodeError):
        return False
    return True
