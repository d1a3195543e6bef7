"""nnedu.widgets.optimizers (lesson 08): the surfaces, the races (recomputed by hand with
nnedu.optim), the readout, the plots, the explorer widget and the numbers the lesson quotes."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from nnedu.gradcheck import numerical_gradient, relative_error
from nnedu.optim import SGD, Adagrad, Adam, RMSprop
from nnedu.widgets import optimizer_race as race_module
from nnedu.widgets import optimizers as wo
from nnedu.widgets import optimizers_figures as wf

pytestmark = pytest.mark.filterwarnings("ignore:FigureCanvasAgg is non-interactive")

SURFACE_NAMES = ("bowl", "rosenbrock")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def by_hand(surface_name: str, optimizer, steps: int) -> tuple[np.ndarray, bool]:
    """Step ``optimizer`` (an nnedu.optim object) on the surface from its start, written out
    here without the widget module's loop. Returns (last point, blew up?), where blowing up
    means the loss passed 1e10 or stopped being a number (the rule the module documents)."""
    surface = wo.SURFACES[surface_name]
    p = np.array(surface.start, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            optimizer.step([p], [surface.gradient(p)])
            loss = float(surface.loss(p))
            if np.isnan(loss) or loss > 1e10:
                return p, True
    return p, False


def library_optimizer(name: str, lr: float):
    """The nnedu.optim object for a lesson name, built here from the classes themselves."""
    return {
        "sgd": lambda: SGD(lr=lr),
        "momentum": lambda: SGD(lr=lr, momentum=0.9),
        "nesterov": lambda: SGD(lr=lr, momentum=0.9, nesterov=True),
        "adagrad": lambda: Adagrad(lr=lr),
        "rmsprop": lambda: RMSprop(lr=lr),
        "adam": lambda: Adam(lr=lr),
    }[name]()


def readout_rows(html: str) -> dict[str, list[str]]:
    """{"adam": ["0.0371", "lowest"], ...}: the cells of each optimizer's row of the readout."""
    return {name: re.findall(r"<td[^>]*>([^<]*)</td>", body)
            for name, body in re.findall(r"<tr data-optimizer='(\w+)'>(.*?)</tr>", html)}


# ----------------------------------------------------------------------------- surfaces
@pytest.mark.parametrize("name", SURFACE_NAMES)
@pytest.mark.parametrize("point", [(0.3, -0.7), (-1.2, 1.0), (2.0, 0.5), (1.1, 1.3)])
def test_gradients_match_numerical_gradients(name, point):
    surface = wo.SURFACES[name]
    p = np.array(point)
    numeric = numerical_gradient(lambda q: float(surface.loss(q)), p.copy())
    assert relative_error(numeric, surface.gradient(p)) < 1e-7


@pytest.mark.parametrize("name", SURFACE_NAMES)
def test_minimum_has_zero_loss_and_zero_gradient_and_is_lowest(name):
    surface = wo.SURFACES[name]
    assert surface.loss(np.array(surface.minimum)) == 0.0
    np.testing.assert_array_equal(surface.gradient(np.array(surface.minimum)), 0.0)
    x0, x1, y0, y1 = surface.view
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 81), np.linspace(y0, y1, 81)), axis=-1)
    assert np.all(surface.loss(grid) >= 0.0)
    assert surface.loss(np.array(surface.start)) > 10.0  # the race starts far up


def test_surfaces_work_on_grids_and_single_points_alike():
    for surface in wo.SURFACES.values():
        points = np.array([[0.5, -0.2], [1.5, 2.0], [-1.0, 0.3]])
        grads = surface.gradient(points)
        assert grads.shape == (3, 2)
        for k, point in enumerate(points):
            np.testing.assert_allclose(grads[k], surface.gradient(point))
            assert surface.loss(points)[k] == pytest.approx(float(surface.loss(point)))


def test_surface_formulas():
    assert wo.bowl_loss(np.array([2.0, 1.0])) == pytest.approx(0.5 * (4 + 25))
    np.testing.assert_allclose(wo.bowl_gradient(np.array([2.0, 1.0])), [2.0, 25.0])
    assert wo.rosenbrock_loss(np.array([0.0, 1.0])) == pytest.approx(1 + 100)
    np.testing.assert_allclose(wo.rosenbrock_gradient(np.array([0.0, 1.0])), [-2.0, 200.0])


def test_unknown_names_are_explained():
    with pytest.raises(ValueError, match="Did you mean 'rosenbrock'"):
        wo.get_surface("rosenbrok")
    with pytest.raises(ValueError, match="race: Unknown optimizer 'adma'. Did you mean 'adam'"):
        wo.race("bowl", ["adma"], 0.1, 5)
    with pytest.raises(ValueError, match="steps must be a whole number"):
        wo.race("bowl", ["sgd"], 0.1, 2.5)
    with pytest.raises(ValueError, match="no entry for 'adam'"):
        wo.race("bowl", ["adam"], {"sgd": 0.1}, 5)
    with pytest.raises(ValueError, match="start must be two numbers"):
        wo.run("bowl", "sgd", 0.1, 5, start=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="learning rate"):
        wo.run("bowl", "sgd", -0.1, 5)


# ----------------------------------------------------------------------------- runs and races
@pytest.mark.parametrize("name", wo.OPTIMIZERS)
@pytest.mark.parametrize("surface_name", SURFACE_NAMES)
def test_run_is_nnedu_optim_stepped_by_hand(name, surface_name):
    surface = wo.SURFACES[surface_name]
    lr, steps = surface.lrs[name], 40
    path = wo.run(surface_name, name, lr, steps)
    assert path.shape == (steps + 1, 2)
    np.testing.assert_array_equal(path[0], surface.start)
    last, blown = by_hand(surface_name, library_optimizer(name, lr), steps)
    assert not blown
    np.testing.assert_array_equal(path[-1], last)


@pytest.mark.parametrize("surface_name", SURFACE_NAMES)
@pytest.mark.parametrize("lr", [0.001, 0.01, 0.1])
def test_race_equals_the_final_losses_of_hand_runs(surface_name, lr):
    steps = 60
    results = wo.race(surface_name, wo.OPTIMIZERS, lr, steps)
    assert list(results) == list(wo.OPTIMIZERS)
    surface = wo.SURFACES[surface_name]
    for name, value in results.items():
        last, blown = by_hand(surface_name, library_optimizer(name, lr), steps)
        if blown:
            assert value == float("inf"), name
        else:
            assert value == float(surface.loss(last)), name


def test_race_takes_one_learning_rate_per_optimizer():
    lrs = {"sgd": 0.05, "adam": 0.3}
    results = wo.race("bowl", ["sgd", "adam"], lrs, 30)
    assert results["sgd"] == wo.race("bowl", ["sgd"], 0.05, 30)["sgd"]
    assert results["adam"] == wo.race("bowl", ["adam"], 0.3, 30)["adam"]


def test_a_run_that_blows_up_stops_and_counts_as_inf():
    # SGD on the bowl: the y-coordinate is multiplied by (1 − 25η) = −1.5 each step.
    path = wo.run("bowl", "sgd", 0.1, 200)
    assert len(path) < 201
    assert np.all(wo.bowl_loss(path) <= wo.BLOW_UP_LOSS)
    y = 1.0 * (1 - 25 * 0.1) ** np.arange(len(path))
    np.testing.assert_allclose(path[:, 1], y)
    step = len(path)  # the step that blew up
    assert wo.bowl_loss(np.array([0.9**step * -4.5, 1.0 * (-1.5) ** step])) > wo.BLOW_UP_LOSS
    assert wo.race("bowl", ["sgd"], 0.1, 200)["sgd"] == float("inf")
    assert wo.format_loss(float("inf")) == "blew up"


def test_zero_steps_gives_the_start_and_its_loss():
    results = wo.race("rosenbrock", ["adam", "sgd"], 0.1, 0)
    start_loss = float(wo.rosenbrock_loss(np.array(wo.SURFACES["rosenbrock"].start)))
    assert results == {"adam": start_loss, "sgd": start_loss}


def test_lr_sweep_is_race_for_each_learning_rate():
    lrs = [0.001, 0.05, 0.2]
    sweep = wo.lr_sweep("bowl", ["sgd", "adam"], lrs, 30)
    for name in ("sgd", "adam"):
        expected = [wo.race("bowl", [name], lr, 30)[name] for lr in lrs]
        np.testing.assert_array_equal(sweep[name], expected)
    assert sweep["sgd"][-1] == np.inf  # 0.2 > 2/25


def test_distance_to_minimum():
    path = np.array([[1.0, 1.0], [4.0, 5.0]])
    np.testing.assert_allclose(wo.distance_to_minimum("rosenbrock", path), [0.0, 5.0])


# ----------------------------------------------------------------------------- readout
def test_format_loss():
    assert wo.format_loss(0.0123456) == "0.0123"
    assert wo.format_loss(22.625) == "22.6250"
    assert wo.format_loss(1.2e-7) == "1.20e-07"
    assert wo.format_loss(3.42e5) == "3.42e+05"
    assert wo.format_loss(float("nan")) == "blew up"


@pytest.mark.parametrize("surface_name", SURFACE_NAMES)
@pytest.mark.parametrize("lr", [0.001, 0.02, 0.3])
def test_readout_shows_the_race_of_the_chosen_optimizers(surface_name, lr):
    chosen = ["sgd", "momentum", "adagrad", "adam"]
    html = wo.readout_html(surface_name, chosen, lr, 50)
    results = wo.race(surface_name, chosen, lr, 50)
    rows = readout_rows(html)
    assert list(rows) == chosen
    for name, cells in rows.items():
        assert cells[0] == wo.format_loss(results[name])
    finite = {name: v for name, v in results.items() if np.isfinite(v)}
    best = min(finite, key=finite.get)
    start = float(wo.SURFACES[surface_name].loss(np.array(wo.SURFACES[surface_name].start)))
    if finite[best] <= start:
        assert rows[best][1] == "lowest"
    for name, value in results.items():
        if not np.isfinite(value):
            assert rows[name] == ["blew up", ""]
        elif value > start:
            assert rows[name][1] == "worse than the start"
    assert f"η = {lr:.4g}, 50 steps" in html


def test_readout_without_optimizers_asks_for_one():
    html = wo.readout_html("bowl", [], 0.01, 100)
    assert "choose at least one optimizer" in html
    assert readout_rows(html) == {}


# ----------------------------------------------------------------------------- plots
def test_plot_race_draws_every_path_with_its_own_style():
    surface = wo.SURFACES["bowl"]
    paths = wo.race_paths(surface, wo.OPTIMIZERS, surface.lrs, 20)
    ax = wf.plot_race(surface, paths, lr=surface.lrs)
    drawn = {line.get_label(): line for line in ax.get_lines()}
    styles = set()
    for name, path in paths.items():
        line = drawn[f"{wo.LABELS[name]} (η = {surface.lrs[name]:g})"]
        np.testing.assert_allclose(line.get_xydata(), path)
        styles.add((line.get_color(), line.get_linestyle(), line.get_marker()))
    assert len(styles) == len(wo.OPTIMIZERS)
    assert "start" in drawn and "minimum" in drawn
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_plot_distance_and_blown_up_labels():
    paths = wo.race_paths("bowl", ["sgd", "adam"], 0.1, 50)
    ax = wf.plot_distance("bowl", paths, steps=50)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0].startswith("SGD: blew up at step ")
    assert labels[1] == "Adam"
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(),
                               wo.distance_to_minimum("bowl", paths["adam"]))


def test_plot_lr_sweep_marks_blown_up_runs():
    lrs = [0.01, 0.1, 1.0]
    sweep = wo.lr_sweep("bowl", ["sgd", "adam"], lrs, 30)
    ax = wf.plot_lr_sweep(lrs, sweep)
    crosses = [line for line in ax.get_lines()
               if line.get_marker() == "x" and len(line.get_xdata())]  # not the legend's
    assert len(crosses) == 1  # SGD only: Adam never blows up here
    np.testing.assert_allclose(crosses[0].get_xdata(), [0.1, 1.0])
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"


def test_plot_validation_curves():
    histories = {"sgd": {"val_loss": [1.0, 0.5, 0.3]}, "adam": {"val_loss": [0.8, 0.4, 0.2]}}
    ax = wf.plot_validation_curves(histories, lr={"sgd": 0.1, "adam": 0.001}, log=True)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["SGD (η = 0.1)", "Adam (η = 0.001)"]
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "validation loss (log scale)"


def test_cached_run_is_the_run_cut_to_its_steps():
    for surface in SURFACE_NAMES:
        for name in wo.OPTIMIZERS:
            for steps in (10, 137, 500):
                cached = wo.cached_run(surface, name, 0.02, steps)
                np.testing.assert_array_equal(cached, wo.run(surface, name, 0.02, steps))
    assert not wo.cached_run("bowl", "adam", 0.02, 50).flags.writeable


# ----------------------------------------------------------------------------- the widget
def test_widget_readout_and_picture_follow_every_control():
    race = race_module.OptimizerRace()
    start = (race_module.START_SURFACE, race_module.START_OPTIMIZERS,
             10.0**race_module.START_LR_EXPONENT, race_module.START_STEPS)
    assert race.readout.value == wo.readout_html(*start)
    assert "nnedu-readout" in race.readout._dom_classes
    assert race.settings() == start
    before = race.picture

    race.controls["surface"].value = "rosenbrock"
    lr = race.values()["lr"]
    assert race.readout.value == wo.readout_html("rosenbrock", race_module.START_OPTIMIZERS, lr,
                                                 race_module.START_STEPS)
    assert "blew up" in race.readout.value  # SGD and momentum at η = 0.01 (the lesson says so)
    assert race.picture != before

    race.set(lr=10.0**-2.5, steps=300, sgd=False, momentum=False, adagrad=True)
    lr = race.values()["lr"]  # 10^-2.5 to 12 significant digits, as the slider shows it
    assert lr == pytest.approx(10.0**-2.5, rel=1e-11)
    assert race.settings() == ("rosenbrock", ("adagrad", "adam"), lr, 300)
    assert race.readout.value == wo.readout_html("rosenbrock", ("adagrad", "adam"), lr, 300)
    assert list(readout_rows(race.readout.value)) == ["adagrad", "adam"]
    path = wo.run("rosenbrock", "adagrad", lr, 300)
    np.testing.assert_allclose(race.paths["adagrad"].get_xydata(), path)
    np.testing.assert_allclose(race.ends["adagrad"].get_xydata(), path[-1:])
    np.testing.assert_allclose(race.distances["adagrad"].get_ydata(),
                               wo.distance_to_minimum("rosenbrock", path))
    assert not race.paths["sgd"].get_visible() and race.right.get_xlim() == (0, 300)
    assert race.heading.get_text() == "Rosenbrock valley, η = 0.003162, 300 steps"

    race.set(adagrad=False, adam=False)
    assert "choose at least one optimizer" in race.readout.value
    assert race.empty.get_visible()


def pixels(png: bytes) -> np.ndarray:
    from io import BytesIO

    from PIL import Image

    return np.asarray(Image.open(BytesIO(png)).convert("RGB"))


def test_widget_switching_surfaces_shows_what_a_fresh_render_shows():
    """A surface's background is kept after its first visit: switching back must give the
    same pixels as a new explorer that starts on that surface and draws everything."""
    race = race_module.OptimizerRace()
    assert len(race.backgrounds) == 1  # the start surface, drawn in full once
    for surface in ("rosenbrock", "bowl", "rosenbrock", "bowl"):
        race.set(surface=surface, steps=200, nesterov=surface == "rosenbrock")
        fresh = race_module.OptimizerRace(surface=surface, optimizers=race.settings()[1],
                                          steps=200)
        np.testing.assert_array_equal(pixels(race.picture), pixels(fresh.picture), surface)
    assert {name for name, _ in race.backgrounds} == set(SURFACE_NAMES)


def test_widget_controls_say_what_they_do_and_one_legend_names_every_optimizer():
    race = race_module.optimizer_race(surface="rosenbrock", optimizers=["adam"],
                                      lr_exponent=-1, steps=200)
    assert isinstance(race, race_module.OptimizerRace)
    assert race.values()["lr"] == pytest.approx(0.1)
    assert [race.controls[name].value for name in wo.OPTIMIZERS] == [False] * 5 + [True]
    assert [race.controls[name].description for name in wo.OPTIMIZERS] == [
        wo.LABELS[name] for name in wo.OPTIMIZERS]
    assert race.controls["lr"].description == "learning rate η"
    assert [value for _, value in race.controls["surface"].options] == list(SURFACE_NAMES)
    shown = [getattr(child, "value", "") for child in race.widget.children]
    assert race_module.CHOOSE_NOTE in shown[0]
    (legend,) = race.figure.legends  # under both panels, with every optimizer in it
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[:6] == [wo.LABELS[name] for name in wo.OPTIMIZERS]
    texts = [t for ax in race.figure.axes for t in ax.texts] + legend.get_texts()
    assert min(t.get_fontsize() for t in texts) >= 10


def test_widget_refuses_bad_settings():
    with pytest.raises(ValueError, match="lr_exponent"):
        race_module.OptimizerRace(lr_exponent=1.0)
    with pytest.raises(ValueError, match="steps must be a whole number from 10 to 500"):
        race_module.OptimizerRace(steps=5)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        race_module.OptimizerRace(optimizers=["sdg"])


# ----------------------------------------------------------------------------- the lesson's words
def test_numbers_quoted_in_lesson_08():
    # Section 2/3: curvatures 1 and 25, SGD's limit 2/25 = 0.08; the starts and step counts.
    assert wo.BOWL_CURVATURES == (1.0, 25.0)
    assert 2 / max(wo.BOWL_CURVATURES) == pytest.approx(0.08)
    assert wo.SURFACES["rosenbrock"].start == (-1.2, 1.0)
    assert wo.SURFACES["rosenbrock"].steps == 1000
    assert wo.BLOW_UP_LOSS == 1e10
    # Section 4 and question 1: with μ = 0.9 the velocity tends to g / (1 − μ) = 10 g.
    opt, w = SGD(lr=0.01, momentum=0.9), np.array([0.0])
    for _ in range(300):
        opt.step([w], [np.array([1.0])])
    assert opt.state[0]["velocity"][0] == pytest.approx(10.0)
    # Section 7: RMSprop's first step is √10 ≈ 3.16 times η.
    opt, w = RMSprop(lr=0.01), np.array([0.0])
    opt.step([w], [np.array([3.0])])
    assert abs(w[0]) / 0.01 == pytest.approx(np.sqrt(10))
    # Question 4: Adam's first step with g = 4.
    opt, w = Adam(lr=0.01, eps=1e-12), np.array([0.0])  # eps must be > 0
    opt.step([w], [np.array([4.0])])
    m, v = opt.state[0]["m"][0], opt.state[0]["v"][0]
    assert (m, v) == (pytest.approx(0.4), pytest.approx(0.016))
    assert m / (1 - 0.9) == pytest.approx(4.0) and v / (1 - 0.999) == pytest.approx(16.0)
    assert w[0] == pytest.approx(-0.01)
    assert 0.4 / np.sqrt(0.016) == pytest.approx(3.16, abs=0.005)
    # Section 12: mlp((64, 64, 10)) has 4,810 parameters.
    from nnedu.network import mlp

    assert mlp((64, 64, 10), seed=0).count_parameters() == 4810


def test_adam_bias_correction_as_the_lesson_reads_it():
    # Uncorrected, m/√v is several times 1 from step 1 and still above 3 after 100 steps.
    t = np.arange(1, 1001)
    uncorrected = (1 - 0.9**t) / np.sqrt(1 - 0.999**t)
    assert uncorrected[0] == pytest.approx(np.sqrt(10))
    assert np.all(uncorrected[:100] > 3)
    assert uncorrected[-1] > 1.2


def test_race_figures_read_as_the_lesson_says():
    bowl, rosen = wo.SURFACES["bowl"], wo.SURFACES["rosenbrock"]
    # Bowl: the adaptive optimizers' first step has the same length in x and y.
    for name in ("adagrad", "rmsprop", "adam"):
        first = np.abs(np.diff(wo.run(bowl, name, bowl.lrs[name], 1), axis=0)[0])
        assert first[0] == pytest.approx(first[1])
    # Bowl: momentum and Nesterov roll past the minimum along x; Nesterov swings less in y.
    paths = wo.race_paths(bowl, ["momentum", "nesterov"], bowl.lrs, bowl.steps)
    for path in paths.values():
        assert path[:, 0].max() > 0.2
    assert np.abs(paths["nesterov"][10:, 1]).max() < 0.5 * np.abs(paths["momentum"][10:, 1]).max()
    # Rosenbrock: SGD is still far away; momentum, Nesterov and Adam get close; Adam is closest.
    finals = {name: wo.distance_to_minimum(rosen, path)[-1]
              for name, path in wo.race_paths(rosen, wo.OPTIMIZERS, rosen.lrs,
                                              rosen.steps).items()}
    assert finals["sgd"] > 1.0
    assert max(finals["momentum"], finals["nesterov"], finals["adam"]) < 0.02
    assert min(finals, key=finals.get) == "adam"
    assert finals["adagrad"] > 10 * finals["adam"] and finals["rmsprop"] > 10 * finals["adam"]


def test_sweep_claims_of_the_lesson():
    lrs = 10.0 ** np.arange(-4.0, 0.01, 0.5)
    for surface in wo.SURFACES.values():
        sweep = wo.lr_sweep(surface, wo.OPTIMIZERS, lrs, surface.steps)
        for name in ("adagrad", "rmsprop", "adam"):
            assert np.all(np.isfinite(sweep[name])), (surface.name, name)  # never blew up
        for name in ("sgd", "momentum", "nesterov"):
            assert not np.all(np.isfinite(sweep[name])), (surface.name, name)
    # The Rosenbrock walls allow a smaller SGD learning rate than the bowl.
    bowl = wo.lr_sweep("bowl", ["sgd"], lrs, 60)["sgd"]
    rosen = wo.lr_sweep("rosenbrock", ["sgd"], lrs, 1000)["sgd"]
    assert lrs[np.isfinite(rosen)].max() < lrs[np.isfinite(bowl)].max()


def test_widget_things_to_try():
    # 2: on Rosenbrock with the starting η, SGD and momentum blow up and Adam does not.
    results = wo.race("rosenbrock", race_module.START_OPTIMIZERS,
                      10.0**race_module.START_LR_EXPONENT, race_module.START_STEPS)
    assert results["sgd"] == results["momentum"] == float("inf")
    assert np.isfinite(results["adam"])
    # 3: SGD alone on the bowl: the last notch below 2/25 converges, the next one blows up.
    lo, hi, step = race_module.LR_LOG_RANGE
    exponents = np.round(np.arange(race_module.START_LR_EXPONENT, hi + 1e-9, step), 10)
    lrs = 10.0**exponents
    ok = [np.isfinite(wo.race("bowl", ["sgd"], lr, race_module.START_STEPS)["sgd"]) for lr in lrs]
    assert ok == [lr < 0.08 for lr in lrs]
    # 4: Adagrad stalls on Rosenbrock at η = 0.1 while RMSprop gets further.
    results = wo.race("rosenbrock", ["adagrad", "rmsprop"], 0.1, 500)
    assert results["adagrad"] > results["rmsprop"]


def test_module_imports_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, nnedu.widgets.optimizers, nnedu.widgets.optimizer_race; "
            "print('matplotlib.pyplot' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
