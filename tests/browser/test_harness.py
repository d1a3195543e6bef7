"""The browser harness itself, on tests/browser/fixtures/slider_demo.ipynb.

These tests prove the helpers that lesson tests rely on: a slider moved by keyboard reaches
the kernel, a plot is redrawn, and dropdowns, toggle buttons and buttons work.
"""

import io

import pytest
from harness import (
    assert_picture_shows,
    blank_regions,
    choose_toggle,
    click_button,
    expect_output,
    move_slider,
    open_notebook,
    output_image_bytes,
    output_text,
    picture_difference,
    pixels,
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


# --------------------------------------------------------------------------- picture checks
# These need no browser: they prove that the picture checks of the lesson tests can fail.
def _lesson01_pictures():
    from nnedu.widgets.weighted_sum import weighted_sum_explorer

    explorer = weighted_sum_explorer()
    return explorer, explorer.picture, explorer.render_png({"w2": 0.5})


TITLE = {"title": (0.1, 0.0, 0.6, 0.07)}


def test_a_picture_matches_its_own_state():
    explorer, shown, _ = _lesson01_pictures()
    assert picture_difference(shown, explorer.render_png(explorer.values())) is None
    assert blank_regions(shown, TITLE) == []
    assert_picture_shows(shown, explorer.render_png(explorer.values()), "harness_same", TITLE)


def test_a_picture_of_another_state_fails():
    _, shown, other = _lesson01_pictures()
    assert "of the pixels differ" in picture_difference(other, shown)


def test_a_half_drawn_picture_fails():
    from PIL import Image

    _, shown, _ = _lesson01_pictures()
    image = pixels(shown).astype("uint8")
    image[image.shape[0] // 2:] = 255  # the lower half never arrived
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    with pytest.raises(AssertionError, match="not the widget's state"):
        assert_picture_shows(out.getvalue(), shown, "harness_half_drawn")


def test_a_picture_without_its_text_fails():
    explorer, shown, _ = _lesson01_pictures()
    explorer.parts["title"].set_text("")  # boxes and lines drawn, the text missing
    textless = explorer.render()
    assert blank_regions(textless, TITLE) == ["title"]
    with pytest.raises(AssertionError, match="nothing drawn in: title"):
        assert_picture_shows(textless, textless, "harness_no_text", TITLE)
    with pytest.raises(AssertionError, match="not the widget's state"):
        assert_picture_shows(textless, shown, "harness_no_text_vs_state")


def test_a_truncated_png_fails():
    _, shown, _ = _lesson01_pictures()
    with pytest.raises(OSError):
        picture_difference(shown[: len(shown) // 2], shown)
