"""The browser harness itself, on tests/browser/fixtures/slider_demo.ipynb.

These tests prove the helpers that lesson tests rely on: a slider moved by keyboard reaches
the kernel, a plot is redrawn, and dropdowns, toggle buttons and buttons work.
"""

import pytest
from harness import (
    choose_toggle,
    click_button,
    expect_output,
    move_slider,
    open_notebook,
    output_image_bytes,
    output_text,
    run_all,
    screenshot,
    select_dropdown,
    slider_value,
    wait_for_new_image,
)

pytestmark = pytest.mark.browser

DEMO = "fixtures/slider_demo.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_slider_changes_printed_output(page):
    open_notebook(page, DEMO)
    run_all(page)
    expect_output(page, "n = 3, n squared = 9", index=0)
    before = output_text(page, 0)
    assert slider_value(page, "n") == "3"

    assert move_slider(page, "n", 4) == "7"

    expect_output(page, "n = 7, n squared = 49", index=0)
    assert output_text(page, 0) != before
    screenshot(page, "harness_slider_demo")


def test_slider_redraws_plot(page):
    open_notebook(page, DEMO)
    run_all(page)
    start = output_image_bytes(page, index=1)
    assert start.startswith(PNG_SIGNATURE)

    assert move_slider(page, "frequency", 2) == "3"
    moved = wait_for_new_image(page, start, index=1)
    assert moved.startswith(PNG_SIGNATURE)
    assert moved != start
    screenshot(page, "harness_plot_frequency_3", locator=page.locator(".widget-interact").nth(1))

    # Back to the start: the final redraw is the first picture again, pixel for pixel.
    assert move_slider(page, "frequency", -2) == "1"
    assert wait_for_new_image(page, moved, index=1) == start


def test_dropdown_toggle_and_button(page):
    open_notebook(page, DEMO)
    run_all(page)
    assert output_text(page, 2).strip() == ""

    select_dropdown(page, "colour", "blue")
    choose_toggle(page, "relu")
    click_button(page, "Show choice")

    expect_output(page, "chosen: blue / relu", index=2)
