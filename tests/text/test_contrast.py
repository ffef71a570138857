"""Colours and sizes from inline CSS, and the WCAG 2.x contrast ratio."""

from __future__ import annotations

import pytest

from actionvault.text.contrast import (
    BLACK,
    WHITE,
    background_color,
    contrast_ratio,
    font_size_px,
    hex_of,
    is_bold_weight,
    minimum_ratio,
    parse_color,
    parse_style,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("#fff", (255, 255, 255)),
        ("#777777", (119, 119, 119)),
        ("#FFFF66", (255, 255, 102)),
        ("#000f", (0, 0, 0)),
        ("rgb(255, 0, 0)", (255, 0, 0)),
        ("rgb(100% 0% 0%)", (255, 0, 0)),
        ("rgba(0,0,0,1)", (0, 0, 0)),
        ("DarkGray", (169, 169, 169)),
        ("white !important", (255, 255, 255)),
    ],
)
def test_colours_are_read_in_every_css_notation(value: str, expected: tuple[int, ...]) -> None:
    assert parse_color(value) == expected


@pytest.mark.parametrize(
    "value",
    ["transparent", "inherit", "currentColor", "rgba(0,0,0,.5)", "#0008", "var(--x)", "#12"],
)
def test_colours_that_cannot_be_judged_alone_are_none(value: str) -> None:
    assert parse_color(value) is None


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [(BLACK, WHITE, 21.0), (WHITE, WHITE, 1.0), ((119, 119, 119), WHITE, 4.48)],
)
def test_the_contrast_ratio_is_the_wcag_formula(
    first: tuple[int, int, int], second: tuple[int, int, int], ratio: float
) -> None:
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


def test_large_text_needs_less_contrast() -> None:
    assert minimum_ratio(16, bold=False) == 4.5
    assert minimum_ratio(24, bold=False) == 3.0
    assert minimum_ratio(18.66, bold=True) == 3.0
    assert minimum_ratio(18.66, bold=False) == 4.5


@pytest.mark.parametrize(
    ("value", "px"),
    [("24px", 24.0), ("18pt", 24.0), ("1.5em", 24.0), ("2rem", 32.0), ("150%", 24.0),
     ("x-large", 24.0), ("big", None)],
)  # fmt: skip
def test_font_sizes_are_converted_to_pixels(value: str, px: float | None) -> None:
    assert font_size_px(value, parent_px=16.0) == (pytest.approx(px) if px else None)


def test_inline_styles_are_parsed_into_declarations() -> None:
    declarations = parse_style("Color: #333; background: url(x.png) #fff;; font-weight:700")
    assert declarations == {
        "color": "#333",
        "background": "url(x.png) #fff",
        "font-weight": "700",
    }
    assert background_color(declarations) is None  # an image behind the text
    assert background_color({"background": "#000 no-repeat"}) == BLACK
    assert background_color({"background-color": "white"}) == WHITE


def test_weights_and_hex_forms() -> None:
    assert [is_bold_weight(v) for v in ("bold", "700", "400", "normal", "x")] == [
        True, True, False, False, None,
    ]  # fmt: skip
    assert hex_of((255, 255, 102)) == "#ffff66"
