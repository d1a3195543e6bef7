"""Lesson 13 in JupyterLab: the search explorer switches between grid and random search, changes
the number of trials and the seed, and redraws the tried settings on the measured map.

A student runs the whole lesson (which trains the map and every search the controls can ask
for), then clicks "grid search", moves the trials slider from 9 to 25 with the keyboard, clicks
"random search" and moves the seed by one. The readout must say what is computed here from the
same cached runs (``search_trials``: the same training calls, bit for bit); the picture on screen
must match the explorer's own rendering of the same setting, made in the test, with no blank
title or label.
"""

import pytest
from harness import (
    NOTEBOOK,
    arm_latency,
    assert_explorer_shows,
    choose_toggle,
    latency_ms,
    open_notebook,
    press_and_time,
    record_latency,
    regions_of,
    run_all,
    slider_value,
)
from playwright.sync_api import expect

from nnedu.widgets.search import readout_text, search_explorer, search_trials

pytestmark = pytest.mark.browser

LESSON = "lessons/13_capstone.ipynb"
RUN_ALL_TIMEOUT_MS = 300_000  # the lesson trains about 250 small networks; a loaded machine is slow


def expected_readout(kind: str, budget: int, seed: int) -> str:
    return readout_text(kind, search_trials(kind, budget, seed))


def offline():
    """The same explorer, built here, and the picture regions that must not be blank."""
    explorer = search_explorer()
    ax_map, _, ax_right = explorer.figure.axes  # the map, its colour bar, the trials
    return explorer, regions_of(explorer, heading=explorer.heading, map_title=ax_map.title,
                                map_x_label=ax_map.xaxis.label, right_title=ax_right.title,
                                right_y_label=ax_right.yaxis.label,
                                legend=ax_right.get_legend())


def click_and_time(page, option: str) -> float:
    arm_latency(page)
    choose_toggle(page, option)
    return latency_ms(page)


def test_search_kind_trials_and_seed_redraw_the_tried_settings(page):
    start = expected_readout("random", 9, 0)
    grid_9, grid_25 = expected_readout("grid", 9, 0), expected_readout("grid", 25, 0)
    random_25_seed_1 = expected_readout("random", 25, 1)
    assert len({start, grid_9, grid_25, random_25_seed_1}) == 4, "each move must show a change"
    assert "9 different learning rates" in start and "3 different learning rates" in grid_9
    explorer, regions = offline()

    open_notebook(page, LESSON)
    run_all(page, timeout_ms=RUN_ALL_TIMEOUT_MS)
    readout = page.locator(f"{NOTEBOOK} .nnedu-readout")
    expect(readout).to_have_text(start)
    assert slider_value(page, "trials") == "9" and slider_value(page, "seed") == "0"
    before = assert_explorer_shows(page, explorer, "lesson13_random_9", regions)

    samples = [click_and_time(page, "grid search")]
    expect(readout).to_have_text(grid_9)
    grid = assert_explorer_shows(page, explorer, "lesson13_grid_9", regions,
                                 values={"kind": "grid"})
    assert grid != before

    samples += press_and_time(page, "trials", "ArrowRight", 2)  # 9 → 16 → 25, timed
    assert slider_value(page, "trials") == "25"
    expect(readout).to_have_text(grid_25)
    assert_explorer_shows(page, explorer, "lesson13_grid_25", regions,
                          values={"kind": "grid", "budget": 25})

    samples.append(click_and_time(page, "random search"))
    samples += press_and_time(page, "seed", "ArrowRight", 1)
    assert slider_value(page, "seed") == "1"
    expect(readout).to_have_text(random_25_seed_1)
    assert_explorer_shows(page, explorer, "lesson13_random_25_seed_1", regions,
                          values={"kind": "random", "budget": 25, "seed": 1})
    record_latency("lesson13", "search", "kind, trials, seed", samples)
