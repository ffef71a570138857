"""Colours and type sizes as inline CSS declares them, and the WCAG 2.x contrast ratio.

WCAG 2.x success criterion 1.4.3 asks for a contrast ratio of at least 4.5:1 for normal text
and 3:1 for large text (at least 24px, or bold at 18.66px, i.e. 18pt and 14pt). The ratio is
(L1 + 0.05) / (L2 + 0.05) over the relative luminance of the lighter and darker colour.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

RGB = tuple[int, int, int]

WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
NORMAL_TEXT_MIN_RATIO = 4.5
LARGE_TEXT_MIN_RATIO = 3.0
LARGE_TEXT_PX = 24.0
LARGE_BOLD_TEXT_PX = 18.66
DEFAULT_FONT_PX = 16.0

_HEX_RE = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})\b", re.I)
_FUNCTION_RE = re.compile(r"rgba?\(\s*([^)]*)\)", re.I)
_SIZE_RE = re.compile(r"([0-9]*\.?[0-9]+)\s*(px|pt|em|rem|%)?\s*$", re.I)
_SIZE_KEYWORDS = {
    "xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0,
    "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0,
}  # fmt: skip


@functools.cache
def named_colors() -> dict[str, RGB]:
    table = resources.files("actionvault.text") / "data" / "css_colors.txt"
    colors = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split()
            colors[name] = _hex(value[1:])
    return colors


def _hex(digits: str) -> RGB:
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits[:3])
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _channel(token: str) -> int | None:
    token = token.strip()
    try:
        if token.endswith("%"):
            return round(float(token[:-1]) * 2.55)
        return round(float(token))
    except ValueError:
        return None


def _is_opaque(alpha: str) -> bool:
    try:
        return (float(alpha[:-1]) / 100 if alpha.endswith("%") else float(alpha)) >= 1
    except ValueError:
        return False


def parse_color(value: str) -> RGB | None:
    """An opaque colour; None for what cannot be judged alone (transparent, inherit,
    currentColor, translucent colours, gradients, variables)."""
    value = value.strip().lower().removesuffix("!important").strip()
    if value in named_colors():
        return named_colors()[value]
    if match := _HEX_RE.fullmatch(value):
        digits = match.group(1)
        alpha = {4: digits[3:], 8: digits[6:]}.get(len(digits), "f")
        return _hex(digits) if alpha in ("f", "ff") else None
    if match := _FUNCTION_RE.fullmatch(value):
        parts = [p for p in re.split(r"[\s,/]+", match.group(1).strip()) if p]
        if len(parts) > 3 and not _is_opaque(parts[3]):
            return None
        channels = [_channel(p) for p in parts[:3]]
        if len(channels) == 3 and all(c is not None and 0 <= c <= 255 for c in channels):
            r, g, b = (c for c in channels if c is not None)
            return r, g, b
    return None


def background_color(declarations: dict[str, str]) -> RGB | None:
    """`background-color`, or the colour inside a `background` shorthand."""
    if "background-color" in declarations:
        return parse_color(declarations["background-color"])
    shorthand = declarations.get("background", "")
    if "url(" in shorthand or "gradient" in shorthand:
        return None  # an image behind the text: its colours are unknown
    for token in re.findall(r"rgba?\([^)]*\)|#[0-9a-f]+|[a-z]+", shorthand, re.I):
        color = parse_color(token)
        if color is not None:
            return color
    return None


def parse_style(style: str) -> dict[str, str]:
    declarations = {}
    for part in style.split(";"):
        name, colon, value = part.partition(":")
        if colon and name.strip():
            declarations[name.strip().lower()] = value.strip()
    return declarations


def font_size_px(value: str, parent_px: float) -> float | None:
    value = value.strip().lower().removesuffix("!important").strip()
    if value in _SIZE_KEYWORDS:
        return _SIZE_KEYWORDS[value]
    match = _SIZE_RE.fullmatch(value)
    if not match:
        return None
    number, unit = float(match.group(1)), (match.group(2) or "px").lower()
    factors = {"px": 1.0, "pt": 4 / 3, "em": parent_px, "rem": DEFAULT_FONT_PX}
    return number * parent_px / 100 if unit == "%" else number * factors[unit]


def is_bold_weight(value: str) -> bool | None:
    value = value.strip().lower()
    if value in ("bold", "bolder"):
        return True
    if value in ("normal", "lighter"):
        return False
    return int(value) >= 700 if value.isdigit() else None


def relative_luminance(color: RGB) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(first: RGB, second: RGB) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def minimum_ratio(size_px: float, bold: bool) -> float:
    large = size_px >= LARGE_TEXT_PX or (bold and size_px >= LARGE_BOLD_TEXT_PX)
    return LARGE_TEXT_MIN_RATIO if large else NORMAL_TEXT_MIN_RATIO


def hex_of(color: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*color)
