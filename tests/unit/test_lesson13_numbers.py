"""The numbers and claims that the markdown of lessons/13_capstone.ipynb (and the model answer of
solutions/13_capstone.ipynb) states.

The lesson's searches and final model run on ``nnedu.widgets.search`` (the cached runs);
``test_lesson_code_uses_the_module_settings`` checks that the lesson's own split and training
code uses the module's settings, so the runs here are the lesson's runs. Each test names the
quoted text it backs; ``test_quoted_phrases_are_still_in_the_lesson`` fails when the wording
changes, so that this file is revisited with it.
"""

from __future__ import annotations

import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnedu.search import LogUniform, grid_search, random_search
from nnedu.widgets import search as sw

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "lessons" / "13_capstone.ipynb"
SOLUTION = ROOT / "solutions" / "13_capstone.ipynb"

pytestmark = pytest.mark.skipif(not LESSON.exists(), reason=f"{LESSON.name} not written yet")

#: Phrases with numbers or checkable claims in the lesson's markdown; each is backed below.
QUOTED = [
    "what a test score of 114 samples can\n  and cannot tell",
    "30 measurements\n   of its cell nuclei",
    "569 tumours are split 60 / 20 / 20: first the test part (20 %), then the rest into training "
    "and\nvalidation (a quarter of the rest is 20 % of all)",
    "30-8-2 network (one hidden layer of 8 ReLU units, softmax output), trained by plain SGD for\n"
    "10 epochs with mini-batches of 32",
    "with $n = 9$ it learns about **3** learning rates, random search about **9**",
    "Learning rates from 0.001 to 10 span four powers of ten",
    "would put nine draws in ten\nabove 1",
    "so each power of ten\ngets a quarter of the draws",
    "13 × 13 lattice: η\nfrom 0.001 to 10 and λ from 1e-6 to 1",
    "That is 169 networks",
    "it changes colour mostly **across** (with η) and hardly **up**\n(with λ), except at the top "
    "right, where a large η meets a large λ",
    "The grid's 9 squares sit in three columns, three\ntrials per learning rate; its middle column "
    "η = 0.1 is the best it can do",
    "The 9 random circles\nspread over 9 learning rates, and one lands near η ≈ 0.8, in the "
    "brightest region",
    "Each score is a share of 114 validation tumours",
    "$1/114 \\approx 0.9$ percentage points, and the single point of the map that reaches 100 %",
    "(1,000 times for each budget)",
    "The grids with 2, 3, 4 and 5 values per axis lie on the same map",
    "with 4 trials the 2 × 2 grid tries only the two\nends of each range and finds 62.3 %, no "
    "better than always answering \"benign\"",
    "random search does at least as well in 99.7 % of the\nrepetitions; with 9 trials in 97.4 % "
    "of them",
    "With 16 and 25 trials both reach the bright region:\nthe grid's best and the median random "
    "search's best are equal or one validation tumour apart,\nand the 5 × 5 grid even happens to "
    "contain the map's single 100 % point",
    "gets 3 of the 114 test tumours wrong, as many as scikit-learn's\nlogistic regression; the "
    "`MLPClassifier` with its defaults gets 5 wrong; the baseline 42, every\nmalignant one",
    "The validation accuracy of the chosen setting was 100 %, its test accuracy is\n97.4 %",
    "a difference of two test tumours",
    "*569 tumours, split 60/20/20 stratified",
    "chosen by a random search of 9 trials on the\nvalidation part; test accuracy 97.4 %, "
    "measured once, equal to logistic regression's",
    "one\nsplit, 114 test samples",
    "A grid with 2 values each\n   costs 8 runs, with 3 values each 27",
    "A uniform draw puts 90 % of the\n   trials between 0.1 and 1",
    "validation accuracy 100 % and test accuracy 97.4 %",
    "With 114 test samples",
]

#: The same for the model answer of the exercise's report (solutions/13_capstone.ipynb).
QUOTED_SOLUTION = [
    "178 wines from three growers, each\ndescribed by 13 chemical measurements",
    "The wine data has 178 samples, 13 measurements each, three classes",
    "106 wines for training, 36 for validation and 36 for\ntest",
    "The network is 13-8-3",
    "16 settings drawn\nlog-uniformly (η from 0.001 to 1, λ from 1e-6 to 0.1)",
    "Random search tried 16 different learning rates, where a 4 × 4 grid of the same cost tries "
    "only\n4",
    "validation accuracy of 1.000, as did the grid's best; several settings tie (2 of the 16 "
    "random\nones, 4 of the 16 grid ones)",
    "the chosen network scores 0.944 on the 36 test wines (2 wrong)",
    "LogisticRegression scores 1.000 (none wrong) and its MLPClassifier 0.972 (1\nwrong)",
    "One test wine is 2.8 percentage points",
]


def _markdown(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _code(path: Path, cell_id: str) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.get("id") == cell_id)


@pytest.mark.parametrize("phrase", QUOTED)
def test_quoted_phrases_are_still_in_the_lesson(phrase):
    assert phrase in _markdown(LESSON)


@pytest.mark.parametrize("phrase", QUOTED_SOLUTION)
def test_quoted_phrases_are_still_in_the_model_answer(phrase):
    assert phrase in _markdown(SOLUTION)


# --------------------------------------------------------------------------- the setup
def test_lesson_code_uses_the_module_settings():
    split = _code(LESSON, "split")
    assert split.count("random_state=0") == 2 and sw.SEED == 0
    assert "test_size=0.2," in split and "test_size=0.25," in split
    run = _code(LESSON, "one-run")
    assert "mlp((30, 8, 2), seed=0)" in run and sw.SIZES == (30, 8, 2)
    assert "epochs=10, batch_size=32, seed=0" in run
    assert (sw.EPOCHS, sw.BATCH_SIZE) == (10, 32)
    searches = _code(LESSON, "searches")
    assert '"lr": LogUniform(0.001, 10.0), "weight_decay": LogUniform(1e-6, 1.0)' in searches
    assert sw.SPACE == {"lr": LogUniform(0.001, 10.0), "weight_decay": LogUniform(1e-6, 1.0)}
    assert "n_trials=9, seed=0" in searches


def test_the_data_and_the_parts():
    """'569 tumours … 60 / 20 / 20', '30 measurements', '114 samples'."""
    parts = sw.lesson_parts()
    sizes = (len(parts.y_train), len(parts.y_val), len(parts.y_test))
    assert sum(sizes) == 569 and sizes == (341, 114, 114)
    assert parts.X_train.shape[1] == 30
    assert math.ceil(0.2 * 569) == 114 and math.ceil(0.25 * 455) == 114  # a quarter of the rest


# --------------------------------------------------------------------------- grid or random
def test_grid_of_9_tries_3_learning_rates_random_9():
    grid, rand = _lesson_searches()
    assert grid.distinct("lr") == 3 and rand.distinct("lr") == 9
    assert 3**4 == 81


def test_log_uniform_and_uniform_shares():
    """'four powers of ten', 'nine draws in ten above 1', 'a quarter', '90 % between 0.1 and 1'."""
    assert math.log10(10 / 0.001) == 4
    assert round((10 - 1) / (10 - 0.001), 1) == 0.9
    rng = np.random.default_rng(0)
    shares = np.histogram(np.log10(LogUniform(0.001, 10).sample(rng, 100_000)), bins=4,
                          range=(-3, 1))[0] / 100_000
    np.testing.assert_allclose(shares, 0.25, atol=0.01)
    assert round((1 - 0.1) / (1 - 0.0001), 2) == 0.90


def test_the_map():
    """'13 × 13 lattice … 0.001 to 10 … 1e-6 to 1', '169 networks', 'across … hardly up'."""
    lrs, decays = sw.lattice()
    assert len(lrs) == len(decays) == 13 == sw.LATTICE and 13 * 13 == 169
    assert (lrs[0], lrs[-1]) == pytest.approx((0.001, 10)) and decays[0] == pytest.approx(1e-6)
    assert decays[-1] == pytest.approx(1.0)
    accuracy = np.nan_to_num(sw.validation_map(), nan=0.0)
    lower = accuracy[:10, :10]  # λ ≤ 1e-1.5, η ≤ 1: away from the top right
    assert np.ptp(lower, axis=1).mean() > 10 * np.ptp(lower, axis=0).mean()
    top_right = accuracy[10:, 10:]
    assert top_right.mean() < 0.5  # large η meets large λ: the runs fail


def _lesson_searches():
    grid = grid_search(sw.validation_accuracy,
                       {"lr": [0.001, 0.1, 10.0], "weight_decay": [1e-6, 1e-3, 1.0]})
    rand = random_search(sw.validation_accuracy, sw.SPACE, n_trials=9, seed=0)
    return grid, rand


def test_the_two_searches_of_9_trials():
    """'three trials per learning rate; its middle column η = 0.1 is the best it can do',
    'one lands near η ≈ 0.8, in the brightest region', 'the single point … reaches 100 %'."""
    grid, rand = _lesson_searches()
    assert grid.best_params["lr"] == 0.1
    assert sorted({p["lr"] for p in grid.params}) == [0.001, 0.1, 10.0]
    assert round(rand.best_params["lr"], 1) == 0.8 and rand.best_score == 1.0
    accuracy = sw.validation_map()
    assert np.sum(accuracy == 1.0) == 1 and np.nanmax(accuracy) == 1.0
    assert round(100 / 114, 1) == 0.9


def test_a_thousand_searches():
    """'62.3 %, no better than always answering "benign"', '99.7 %', '97.4 %', 'one tumour apart',
    'the 5 × 5 grid even happens to contain the map's single 100 % point'."""
    parts = sw.lesson_parts()
    grid_4 = sw.grid_trials(4).best_score
    assert f"{grid_4:.1%}" == "62.3%"
    assert grid_4 == np.mean(parts.y_val == 1)  # the always-"benign" baseline
    share = {b: np.mean(sw.lattice_search_best(b, repeats=1000, seed=0)
                        >= sw.grid_trials(b).best_score) for b in sw.BUDGETS}
    assert f"{share[4]:.1%}" == "99.7%" and f"{share[9]:.1%}" == "97.4%"
    for b in (16, 25):
        median = np.median(sw.lattice_search_best(b, repeats=1000, seed=0))
        assert round(abs(sw.grid_trials(b).best_score - median) * 114) <= 1
    assert sw.grid_trials(25).best_score == 1.0


# --------------------------------------------------------------------------- the test part
def test_the_final_model_and_the_library_models():
    """'3 of the 114 test tumours wrong, as many as … logistic regression', '5 wrong', 'the
    baseline 42, every malignant one', '100 % … 97.4 %'."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    parts = sw.lesson_parts()
    _, rand = _lesson_searches()
    final = sw.train_network(rand.best_params["lr"], rand.best_params["weight_decay"])
    wrong = int(np.sum(final.predict(parts.X_test) != parts.y_test))
    logistic = LogisticRegression().fit(parts.X_train, parts.y_train)
    sk_mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2000, random_state=0)
    sk_mlp.fit(parts.X_train, parts.y_train)
    assert wrong == 3 == int(np.sum(logistic.predict(parts.X_test) != parts.y_test))
    assert int(np.sum(sk_mlp.predict(parts.X_test) != parts.y_test)) == 5
    assert int(np.sum(parts.y_test == 0)) == 42
    assert rand.best_score == 1.0 and f"{1 - wrong / 114:.1%}" == "97.4%"
    assert 5 - 3 == 2


# --------------------------------------------------------------------------- the model answer
@pytest.fixture(scope="module")
def project():
    """The exercise's project run from the solution's own cells (checks left out)."""
    nb = nbformat.read(SOLUTION, as_version=4)
    namespace: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.metadata["nbgrader"].get("grade"):
            exec(cell.source, namespace)  # noqa: S102 - the course's own notebook
    return namespace


def test_the_model_answer_numbers(project):
    p = project
    assert p["X"].shape == (178, 13) and len(np.bincount(p["y"])) == 3
    assert (len(p["y_train"]), len(p["y_val"]), len(p["y_test"])) == (106, 36, 36)
    assert len(p["trials"]) == 16 and len({t[0]["lr"] for t in p["trials"]}) == 16
    assert p["grid"].distinct("lr") == 4
    assert p["best_score"] == 1.0 and p["grid"].best_score == 1.0
    assert sum(s == 1.0 for _, s in p["trials"]) == 2
    assert sum(s == 1.0 for s in p["grid"].scores) == 4
    assert f"{p['test_accuracy']:.3f}" == "0.944" and round((1 - p["test_accuracy"]) * 36) == 2
    assert p["logistic"].score(p["X_test_s"], p["y_test"]) == 1.0
    assert f"{p['sk_mlp'].score(p['X_test_s'], p['y_test']):.3f}" == "0.972"
    assert f"{100 / 36:.1f}" == "2.8"
