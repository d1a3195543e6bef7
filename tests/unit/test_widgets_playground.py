"""Lesson 10a's playground: the data, the trainer (one epoch per chunk, equal to fit), and the
widget: ticks train one chunk each and draw once, ticks that arrive while busy are coalesced,
Step/Reset/Pause, settings that reset and settings that do not, and the read-out copy."""

import asyncio

import numpy as np
import pytest

from nnedu.network import Sequential, mlp
from nnedu.optim import SGD
from nnedu.train import fit, train_epoch
from nnedu.widgets import playground as pgm
from nnedu.widgets.playground import LOSS, Trainer, make_data, playground


# --------------------------------------------------------------------------- data
@pytest.mark.parametrize("name", pgm.DATASETS)
def test_data_sets_have_two_parts_inside_the_plane(name):
    X, y, X_val, y_val = make_data(name, noise=0.1)
    assert X.shape == (200, 2) and y.shape == (200,) and X_val.shape == (100, 2)
    assert set(np.unique(y)) == {0, 1} and abs(y.mean() - 0.5) < 0.01
    assert np.mean(np.abs(X) < pgm.PLANE) > 0.97
    assert not np.array_equal(X[:100], X_val)  # another seed
    again = make_data(name, noise=0.1)
    assert all(np.array_equal(a, b) for a, b in zip((X, y, X_val, y_val), again))


def test_unknown_data_set_and_setting_are_refused():
    with pytest.raises(ValueError, match="unknown data set"):
        make_data("bananas")
    with pytest.raises(ValueError, match="unknown setting"):
        Trainer(speed=3)
    with pytest.raises(ValueError, match="layers must be"):
        Trainer(layers=7)


def test_plane_grid_runs_from_the_top_left_row_by_row():
    grid = pgm.plane_grid(3)
    assert grid.shape == (9, 2)
    assert np.allclose(grid[0], [-2, 2]) and np.allclose(grid[2], [2, 2])
    assert np.allclose(grid[-1], [2, -2])


# --------------------------------------------------------------------------- the trainer
def test_one_chunk_takes_one_step_per_batch():
    trainer = Trainer(batch_size=25)
    trainer.train_epoch()
    assert trainer.optimizer.t == 8  # 200 / 25
    trainer.set_training(lr=0.3, weight_decay=0.0, batch_size=1)
    trainer.train_epoch()
    assert trainer.optimizer.t == 8 + 200
    assert trainer.epochs == 2 and trainer.optimizer.lr == 0.3


@pytest.mark.parametrize(("layers", "activation", "lam", "batch"),
                         [(1, "tanh", 0.0, 10), (3, "relu", 0.003, 7), (0, "sigmoid", 0.01, 200)])
def test_the_trainer_is_fit_number_for_number(layers, activation, lam, batch):
    trainer = Trainer(data="moons", layers=layers, units=5, activation=activation, lr=0.2,
                      weight_decay=lam, batch_size=batch, seed=3).step(7)
    model = mlp((2, *[5] * layers, 1), activation=activation, output="sigmoid", seed=3)
    history = fit(model, trainer.X, trainer.y, loss="binary_cross_entropy",
                  optimizer=SGD(lr=0.2, weight_decay=lam), epochs=7, batch_size=batch, seed=3,
                  progress=False, validation_data=(trainer.X_val, trainer.y_val))
    for a, b in zip(trainer.model.parameters(), model.parameters()):
        assert np.array_equal(a, b)
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert np.allclose(trainer.history[key], history[key], rtol=1e-12)


def test_train_epoch_alone_matches_the_trainer():
    trainer = Trainer(data="xor", layers=1, units=3, seed=1)
    model = mlp((2, 3, 1), activation="tanh", output="sigmoid", seed=1)
    optimizer, rng = SGD(lr=0.1), np.random.default_rng(1)
    for _ in range(3):
        train_epoch(model, optimizer, trainer.X, trainer.Y, LOSS, 10, rng)
    trainer.step(3)
    assert all(np.array_equal(a, b) for a, b in zip(trainer.model.parameters(),
                                                    model.parameters()))


def test_a_diverged_run_stops_and_says_so():
    trainer = Trainer()
    trainer.model.parameters()[0][...] = np.inf
    trainer.step(5)
    assert trainer.diverged and trainer.epochs == 1
    assert "diverged" in trainer.summary()


def test_read_out_is_an_independent_copy():
    trainer = Trainer(layers=1).step(2)
    network = trainer.to_sequential()
    assert isinstance(network, Sequential) and network is not trainer.model
    before = [p.copy() for p in network.parameters()]
    trainer.step(2)
    assert all(np.array_equal(a, b) for a, b in zip(before, network.parameters()))
    X = trainer.X_val
    assert not np.array_equal(network.predict_proba(X), trainer.model.predict_proba(X))


def test_grid_pictures_have_one_image_per_layer():
    P, hidden = Trainer(layers=3, units=4, activation="sigmoid").predict_proba_grid(10)
    assert P.shape == (10, 10) and np.all((P > 0) & (P < 1))
    assert [h.shape for h in hidden] == [(10, 10, 4)] * 3


def test_headless_runs_are_cached():
    assert pgm.run(3, layers=1) is pgm.run(3, layers=1)
    assert pgm.run(3, layers=1).final("loss") == Trainer(layers=1).step(3).history["loss"][-1]


# --------------------------------------------------------------------------- the widget
@pytest.fixture
def pg():
    return playground(data="moons", layers=1, units=4, lr=0.3)


def tick(pg):
    pg.play.value = pg.play.value + 1


def test_opens_at_epoch_zero_and_step_trains_and_redraws(pg):
    assert pg.readout.value.startswith("epoch 0")
    before = pg.picture
    pg.step(3)
    assert pg.trainer.epochs == 3 and pg.readout.value.startswith("epoch 3:")
    assert pg.picture != before
    assert pg.render_png(pg.values()) == pg.picture


def test_each_tick_trains_one_chunk_only_while_playing(pg):
    tick(pg)
    assert pg.trainer.epochs == 0  # paused: a tick does nothing
    pg.toggle()
    assert pg.play.playing and pg.play_button.description == "⏸ Pause"
    for _ in range(4):
        tick(pg)
    assert pg.trainer.epochs == 4
    pg.play.value = 0  # the Play widget's own stop: back to 0, no chunk
    assert pg.trainer.epochs == 4
    pg.toggle()
    assert not pg.play.playing and pg.play_button.description == "▶ Play"
    tick(pg)
    assert pg.trainer.epochs == 4


def test_ticks_that_arrive_while_busy_train_one_chunk():
    async def burst():
        pg = playground(layers=1)
        renders = []
        pg.image.observe(lambda change: renders.append(1), names="value")
        pg.play.playing = True
        for _ in range(6):
            tick(pg)
        assert renders == []  # scheduled, not drawn yet
        await asyncio.sleep(0.2)
        return pg, renders

    pg, renders = asyncio.run(burst())
    assert len(renders) == 1 and pg.trainer.epochs == 1


def test_architecture_resets_but_learning_settings_do_not(pg):
    pg.step(2)
    pg.set(lr=0.03, weight_decay=0.001, batch_size=25)
    assert pg.trainer.epochs == 2 and pg.trainer.optimizer.lr == 0.03
    assert pg.trainer.optimizer.weight_decay == 0.001
    pg.step(1)
    assert pg.trainer.optimizer.t == 2 * 20 + 8
    pg.set(units=3)
    assert pg.trainer.epochs == 0 and pg.readout.value.startswith("epoch 0")
    assert pg.trainer.model.count_parameters() == 2 * 3 + 3 + 3 + 1
    with pytest.raises(ValueError, match="architecture"):
        pg.render_png({"layers": 2})


def test_reset_gives_the_seeded_start_again(pg):
    start = [p.copy() for p in pg.trainer.model.parameters()]
    pg.step(3)
    pg.reset_button.click()
    assert pg.trainer.epochs == 0
    assert all(np.array_equal(a, b) for a, b in zip(start, pg.trainer.model.parameters()))
    pg.set(seed=4)
    assert not np.array_equal(start[0], pg.trainer.model.parameters()[0])


def test_no_hidden_layer_and_deep_networks_draw(pg):
    pg.set(layers=0)
    pg.step(1)
    empty = pg.picture
    assert [t.get_text() for t in pg._labels] == ["no hidden layer:\na single neuron"]
    pg.set(layers=2)
    assert [t.get_text() for t in pg._labels] == ["layer 1", "layer 2"]
    assert pg.render_png(pg.values()) == pg.picture
    pg.set(layers=3, units=8, activation="relu")
    pg.step(1)
    assert pg.picture != empty
    assert np.isnan(pg._montage([])).all()


def test_the_loss_axis_grows_with_the_run(pg):
    pg.step(51)
    assert pg.ax_loss.get_xlim() == (0, 100)
    pg.reset()
    assert pg.ax_loss.get_xlim() == (0, 50)


def test_network_property_reads_the_trained_network_out(pg):
    pg.step(2)
    network = pg.network
    assert isinstance(network, Sequential) and network is not pg.trainer.model
    assert all(np.array_equal(a, b) for a, b in zip(network.parameters(),
                                                    pg.to_sequential().parameters()))


def test_playing_stops_when_the_run_diverges(pg):
    pg.toggle()
    pg.trainer.model.parameters()[0][...] = np.nan
    tick(pg)
    assert not pg.play.playing and "diverged" in pg.readout.value
