"""Tables read: floats to 4 decimals at most and no -0 (the outlet table wrapped on 0.2765049237225737)."""

from __future__ import annotations

from decimal import Decimal

from framewatch.cli.console import cell, console, print_table


def test_cells_round_floats_and_keep_everything_else():
    assert cell(0.2765049237225737) == "0.2765"
    assert cell(-0.57006452) == "-0.5701"
    assert cell(-0.0) == "0" and cell(-0.00001) == "0" and cell(175.0) == "175"
    assert cell(12345.678) == "12345.678" and cell(3) == "3" and cell(None) == ""
    assert cell(Decimal("0.25")) == "0.25" and cell("x") == "x" and cell(float("nan")) == "nan"


def test_the_outlet_table_does_not_wrap_on_long_doubles():
    with console.capture() as captured:
        print_table(["outlet", "slant_left", "mean_tone"], [("Fox News", 0.2765049237225737, -0.00001)])
    text = captured.get()
    assert "0.2765 " in text and "0.27650492" not in text and "-0.0" not in text
