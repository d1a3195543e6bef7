"""Lesson 00a in JupyterLab: the secant-to-tangent explorer answers its point slider, its step
slider (a log scale) and its curve picker, and shows what the explorer draws for those values.

The slider for h moves log₁₀(h) in steps of 0.1 from 0 (h = 1): after k presses to the left it
holds h = 10^(−0.1·k).
"""

from __future__ import annotations

import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    explorer_box,
    latency_ms,
    open_notebook,
    picture,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    screenshot,
    select_dropdown,
    slider,
    wait_for_new_picture,
)
from playwright.sync_api import expect

from nnedu.widgets.tangent import START_X0, tangent_explorer, tangent_readout

pytestmark = pytest.mark.browser

LESSON = "lessons/00a_maths_you_need.ipynb"


def regions(explorer):
    """The title, the axis labels and the legend: never blank."""
    ax = explorer.ax
    return regions_of(explorer, title=explorer.head, x_label=ax.xaxis.label,
                      y_label=ax.yaxis.label, legend=explorer.figure.legends[0])


def expect_readout(page, text: str) -> None:
    expect(page.locator(f"{NOTEBOOK} .nnedu-readout")).to_have_text(text)


def expect_slider(page, which: str, text: str) -> None:
    """Wait until the slider's own readout shows ``text`` (textContent: cells scrolled out of
    view may not be laid out)."""
    expect(slider(page, which).locator(".widget-readout")).to_have_text(text)


def test_point_step_and_curve_move_the_secant_and_the_tangent(page):
    open_notebook(page, LESSON)
    run_all(page)
    for _ in range(2):
        explorer_box(page).scroll_into_view_if_needed()
    expect_readout(page, tangent_readout("square", START_X0, 1.0))
    start = picture(page)
    explorer = tangent_explorer()
    assert_explorer_shows(page, explorer, "lesson00a_start", regions(explorer))

    # The point: three steps of 0.1 to the right.
    record_latency("lesson00a", "tangent", "x0", press_and_time(page, "x₀", "ArrowRight", 3))
    expect_slider(page, "x₀", "1.30")
    expect_readout(page, tangent_readout("square", 1.3, 1.0))
    moved = wait_for_new_picture(page, start)

    # The step: ten presses to the left make h = 0.1; the secant hugs the tangent.
    record_latency("lesson00a", "tangent", "h", press_and_time(page, "h", "ArrowLeft", 10))
    expect_slider(page, "h", "0.100")  # the browser's ".3g" keeps trailing zeros
    expected = tangent_readout("square", 1.3, 0.1)
    assert "secant slope (f(x₀+h) − f(x₀))/h = 2.7000" in expected
    expect_readout(page, expected)
    small_h = wait_for_new_picture(page, moved)
    explorer.set(x0=1.3, h=0.1)  # the regions are measured on the same picture
    assert_explorer_shows(page, explorer, "lesson00a_small_h", regions(explorer))

    # Another curve: σ, whose y-range differs (a new background), then back to x².
    arm_latency(page)
    select_dropdown(page, "f(x) =", "σ(x)")
    samples = [latency_ms(page)]
    expect_readout(page, tangent_readout("sigmoid", 1.3, 0.1))
    sigma = wait_for_new_picture(page, small_h)
    assert sigma not in (start, moved)
    explorer.set(name="sigmoid")  # its y tick labels are wider: the y label moves left
    assert_explorer_shows(page, explorer, "lesson00a_sigmoid", regions(explorer))
    screenshot(page, "lesson00a_page")
    arm_latency(page)
    select_dropdown(page, "f(x) =", "x²")
    samples.append(latency_ms(page))
    record_latency("lesson00a", "tangent", "curve", samples)
    expect_readout(page, expected)
    assert wait_for_new_picture(page, sigma) == small_h  # the kept background: same picture
