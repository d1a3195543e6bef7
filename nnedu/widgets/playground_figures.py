"""Lesson 10a: the playground widget, a live 2-D trainer on the shared explorer pattern.

``Playground`` (made by ``nnedu.widgets.playground.playground()``) holds a
:class:`~nnedu.widgets.playground.Trainer` and draws it: the network's P(class 1) over the plane
with the training points, the training and validation loss per epoch, and every hidden unit's
output over the plane (one small picture per unit, a column per layer).

How it trains without freezing the page: a hidden ``ipywidgets.Play`` (the control "tick")
counts up in the browser every ``INTERVAL_MS`` while playing. Like any control change, a tick
asks the shared base for one render (``Explorer._changed``); ``update`` then trains one chunk (one
epoch) if the clock moved on while playing, moves the artists and renders once. No threads: the
kernel is busy for one chunk plus one picture (a few tens of ms), then free for the next
message. Ticks that arrive while it is busy are coalesced by the base into that one render: a
slow machine trains fewer epochs per second, it never builds a backlog.

Buttons: **▶ Play / ⏸ Pause** (start and stop the ticks), **Step** (one epoch), **Reset** (new
weights from the seed, empty history). Changing the data, noise, layers, units, activation or
seed resets too; η, λ and the batch size change between two epochs and training goes on.

From code: ``pg.step(n)`` trains n epochs and draws once; ``pg.network`` is a copy of the
trained network as a normal ``Sequential``; ``pg.trainer`` is the trainer itself.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from nnedu.widgets import playground as pgm
from nnedu.widgets.explorer import Explorer

Array = np.ndarray

#: Milliseconds between two ticks of the Play widget while playing.
INTERVAL_MS = 200
#: Grid points per side: the decision picture, and every hidden unit's picture (coarser).
GRID, UNIT_EVERY = 60, 2
#: A unit's picture is TILE × TILE grid points; gaps between units (rows) and layers (columns).
TILE, ROW_GAP, COL_GAP = GRID // UNIT_EVERY, 5, 14
#: The loss axis shows epochs 0…FIRST_XMAX at first and doubles its range when a run gets there.
FIRST_XMAX = 50
#: Colours of the two classes' points (dark ends of the PuOr map, also told apart by shape).
CLASS_STYLE = (("#542788", "o", "white", "class 0"), ("#b35806", "^", "black", "class 1"))


class Playground(Explorer):
    """The live trainer (see the module docstring)."""

    title = "lesson 10a · the training playground"
    figsize = (9.0, 4.3)

    def __init__(self, **settings) -> None:
        unknown = sorted(set(settings) - set(pgm.DEFAULTS))
        if unknown:
            raise ValueError(f"playground: unknown setting(s) {unknown}; the settings are "
                             f"{list(pgm.DEFAULTS)}.")
        self._start = dict(pgm.DEFAULTS, **settings)
        self.trainer = pgm.Trainer(**self._start)
        self._seen_tick = 0
        self._labels: list = []
        self._labelled = -1  # the number of layers the labels are for
        self._xmax = FIRST_XMAX
        super().__init__()

    # ------------------------------------------------------------------ controls and figure
    def build(self, fig) -> None:
        import ipywidgets as widgets

        from nnedu.plots import DIVERGING

        s, wide = self._start, {"description_width": "initial"}
        self.add_control("data", widgets.Dropdown(
            options=list(pgm.DATASETS), value=s["data"], description="data",
            layout=widgets.Layout(width="170px")))
        self.add_control("noise", widgets.FloatSlider(
            value=s["noise"], min=0.0, max=0.5, step=0.05, description="noise", style=wide,
            readout_format=".2f", continuous_update=False, layout=widgets.Layout(width="250px")))
        self.add_control("seed", widgets.IntSlider(
            value=s["seed"], min=0, max=9, description="seed", style=wide,
            continuous_update=False, layout=widgets.Layout(width="220px")))
        self.add_control("layers", widgets.IntSlider(
            value=s["layers"], min=0, max=pgm.MAX_LAYERS, description="hidden layers",
            style=wide, continuous_update=False, layout=widgets.Layout(width="250px")))
        self.add_control("units", widgets.IntSlider(
            value=s["units"], min=1, max=pgm.MAX_UNITS, description="units per layer",
            style=wide, continuous_update=False, layout=widgets.Layout(width="260px")))
        self.add_control("activation", widgets.Dropdown(
            options=list(pgm.ACTIVATIONS), value=s["activation"], description="activation",
            style=wide, layout=widgets.Layout(width="200px")))
        for name, label, options in (("lr", "learning rate η", pgm.LEARNING_RATES),
                                     ("weight_decay", "L2 λ", pgm.WEIGHT_DECAYS),
                                     ("batch_size", "batch size B", pgm.BATCH_SIZES)):
            self.add_control(name, widgets.SelectionSlider(
                options=[(f"{v:g}", v) for v in options], value=s[name], description=label,
                style=wide, continuous_update=False, layout=widgets.Layout(width="270px")))
        # the clock: a control like the others, so its ticks are coalesced like slider moves
        self.play = self.add_control("tick", widgets.Play(
            value=0, min=0, max=10**7, step=1, interval=INTERVAL_MS, show_repeat=False,
            layout=widgets.Layout(display="none")))

        # the decision picture: P(class 1) over the plane, the training points on top
        ax = self.ax_plane = fig.add_axes((0.08, 0.13, 0.71 * 4.3 / 9.0, 0.71))
        extent = (-pgm.PLANE, pgm.PLANE, -pgm.PLANE, pgm.PLANE)
        self.plane = self.moving(ax.imshow(np.full((GRID, GRID), 0.5), extent=extent,
                                           cmap=DIVERGING, vmin=0, vmax=1,
                                           interpolation="bilinear", zorder=1))
        self.points = [self.moving(ax.scatter([], [], s=22, c=colour, marker=marker,
                                              edgecolors=edge, linewidths=0.6, zorder=3,
                                              label=label))
                       for colour, marker, edge, label in CLASS_STYLE]
        self.epoch_text = self.moving(ax.text(
            0.03, 0.96, "", transform=ax.transAxes, ha="left", va="top", fontsize=10, zorder=4,
            bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85, "linewidth": 0}))
        ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂",
               title="P(class 1) and the training points")
        ax.legend(handles=self.points, loc="lower right", fontsize=10, framealpha=0.9)

        # the losses per epoch
        ax = self.ax_loss = fig.add_axes((0.52, 0.15, 0.19, 0.69))
        self.curves = {key: self.moving(ax.plot([], [], color=colour, ls=style, lw=2,
                                                label=label)[0])
                       for key, colour, style, label in (
                           ("loss", "#0072B2", "-", "training"),
                           ("val_loss", "#D55E00", "--", "validation"))}
        ax.set(xlim=(0, self._xmax), ylim=(0, 1.0), xlabel="epoch",
               ylabel="loss (binary cross-entropy)", title="loss after every epoch")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=10)

        # the hidden units: one tile per unit, a column per layer
        self.ax_units = fig.add_axes((0.75, 0.03, 0.24, 0.80))
        cmap = __import__("matplotlib").colormaps[DIVERGING].with_extremes(bad="white")
        self.units = self.moving(self.ax_units.imshow(self._montage([]), cmap=cmap,
                                                      vmin=-1, vmax=1, interpolation="nearest"))
        self.ax_units.set_axis_off()
        fig.text(0.87, 0.93, "hidden units", ha="center", fontsize=11)
        self._layout_units()

    def children(self) -> list:
        import ipywidgets as widgets

        c = self.controls
        self.play_button = widgets.Button(description="▶ Play", button_style="success",
                                          layout=widgets.Layout(width="110px"))
        self.step_button = widgets.Button(description="Step", layout=widgets.Layout(width="80px"))
        self.reset_button = widgets.Button(description="Reset", layout=widgets.Layout(width="80px"))
        self.play_button.on_click(lambda _: self.toggle())
        self.step_button.on_click(lambda _: self.step(1))
        self.reset_button.on_click(lambda _: self.reset())
        self.play.observe(self._playing_changed, names="playing")
        rows = [[self.play_button, self.step_button, self.reset_button, self.play, c["seed"]],
                [c["data"], c["noise"], c["activation"]],
                [c["layers"], c["units"]],
                [c["lr"], c["weight_decay"], c["batch_size"]]]
        box = [widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap")) for row in rows]
        return [*box, self.readout, self.image]

    # ------------------------------------------------------------------ the loop
    def _playing_changed(self, change) -> None:
        self.play_button.description = "⏸ Pause" if change["new"] else "▶ Play"
        self.play_button.button_style = "warning" if change["new"] else "success"

    def toggle(self) -> None:
        """Play if paused, pause if playing (the ▶ Play / ⏸ Pause button)."""
        self.play.playing = not self.play.playing

    def update(self, change=None) -> None:
        """Train one chunk if the clock ticked while playing (however many ticks arrived since
        the last render), then draw once; under the explorer's lock, so that a tick and a
        click handled in two threads never train or draw at the same time."""
        with self._lock:
            start = time.process_time()
            tick = self.play.value
            if self.play.playing and tick > self._seen_tick:
                self._train_chunk()
            self._seen_tick = tick
            super().update(change)
            self.render_ms = 1000 * (time.process_time() - start)

    def _train_chunk(self) -> None:
        self.trainer.train_epoch()
        if self.trainer.diverged or self.trainer.epochs >= pgm.MAX_EPOCHS:
            self.play.playing = False

    def chunk(self) -> None:
        """What one tick does while playing: train one chunk, then draw once."""
        with self._lock:
            start = time.process_time()
            self._train_chunk()
            super().update()
            self.render_ms = 1000 * (time.process_time() - start)

    def step(self, n: int = 1) -> Playground:
        """Train ``n`` epochs now (from code or the Step button) and draw once."""
        with self._lock:
            self.trainer.step(n)
            self.update()
        return self

    def reset(self) -> None:
        """New weights from the seed, empty history (the Reset button)."""
        with self._lock:
            self.trainer = pgm.Trainer(**self._settings(self.values()))
            self._layout_units()
            self.update()

    @property
    def network(self):
        """A copy of the trained network as a normal ``Sequential``."""
        return self.trainer.to_sequential()

    def to_sequential(self):
        return self.network

    # ------------------------------------------------------------------ drawing
    def _settings(self, values: Mapping) -> dict:
        return {k: values[k] for k in pgm.DEFAULTS}

    def _layout_units(self) -> None:
        """Label the layers' columns of unit pictures (a new background only when the number
        of layers changed)."""
        if self._labels and self._labelled == self.trainer.settings["layers"]:
            return
        self._labelled = self.trainer.settings["layers"]
        for text in self._labels:
            text.remove()
        self._labels = []
        layers = self.trainer.settings["layers"]
        ax = self.ax_units
        if layers == 0:
            rows, cols = self._montage([]).shape
            self._labels.append(ax.text(cols / 2, rows / 2,
                                        "no hidden layer:\na single neuron", ha="center",
                                        va="center", fontsize=11))
        for layer in range(layers):
            self._labels.append(ax.text(layer * (TILE + COL_GAP) + TILE / 2, -1.5,
                                        f"layer {layer + 1}",
                                        ha="center", va="bottom", fontsize=10))
        self.redraw_background()

    def _montage(self, hidden: list[Array]) -> Array:
        """The hidden units' pictures side by side: column = layer, row = unit; nan between."""
        n, down, across = TILE, TILE + ROW_GAP, TILE + COL_GAP
        montage = np.full((pgm.MAX_UNITS * down - ROW_GAP, pgm.MAX_LAYERS * across - COL_GAP),
                          np.nan)
        activation = self.trainer.settings["activation"]
        for layer, A in enumerate(hidden):
            A = A[::UNIT_EVERY, ::UNIT_EVERY]
            if activation == "sigmoid":
                A = 2.0 * A - 1.0  # 0…1 → −1…1
            elif activation == "relu":  # 0…max → 0…1, per unit
                A = A / np.maximum(A.max(axis=(0, 1), keepdims=True), 1e-12)
            for unit in range(A.shape[2]):
                montage[unit * down:unit * down + n, layer * across:layer * across + n] = \
                    A[:, :, unit]
        return montage

    def show(self, values) -> str:
        settings = self._settings(values)
        if tuple(settings[k] for k in ("data", "noise", "layers", "units", "activation",
                                       "seed")) != self.trainer.architecture():
            self.trainer = pgm.Trainer(**settings)  # a new network: the playground resets
            self._layout_units()
        self.trainer.set_training(settings["lr"], settings["weight_decay"],
                                  settings["batch_size"])
        t = self.trainer
        P, hidden = t.predict_proba_grid(GRID)
        self.plane.set_data(np.nan_to_num(P, nan=0.5))
        for k, points in enumerate(self.points):
            points.set_offsets(t.X[t.y == k])
        self.units.set_data(self._montage(hidden))
        epochs = np.arange(1, t.epochs + 1)
        for key, line in self.curves.items():
            line.set_data(epochs, np.minimum(t.history[key], 10.0))
        xmax = FIRST_XMAX
        while xmax < t.epochs:
            xmax *= 2
        if xmax != self._xmax:
            self._xmax = xmax
            self.ax_loss.set_xlim(0, xmax)
            self.redraw_background()
        self.epoch_text.set_text(f"epoch {t.epochs} · η {settings['lr']:g} · "
                                 f"λ {settings['weight_decay']:g} · B {settings['batch_size']}")
        return t.summary()

    def render_png(self, values: Mapping) -> bytes:
        """The picture for ``values`` of η, λ and B (the architecture stays: a different one
        would reset the trainer)."""
        same = self.trainer.architecture() == tuple(
            dict(self.values(), **values)[k] for k in ("data", "noise", "layers", "units",
                                                       "activation", "seed"))
        if not same:
            raise ValueError("Playground.render_png draws the current network; give only "
                             "lr, weight_decay or batch_size (another architecture resets).")
        return super().render_png(values)


def plot_decision(network, X: Array, y: Array, ax, title: str = "") -> None:
    """A trained network's P(class 1) over the plane with the points (X, y) on top, as the
    playground draws it, on ``ax``."""
    from nnedu.plots import DIVERGING

    P = network.predict_proba(pgm.plane_grid(GRID))[:, 0].reshape(GRID, GRID)
    extent = (-pgm.PLANE, pgm.PLANE, -pgm.PLANE, pgm.PLANE)
    ax.imshow(P, extent=extent, cmap=DIVERGING, vmin=0, vmax=1, interpolation="bilinear")
    for k, (colour, marker, edge, label) in enumerate(CLASS_STYLE):
        ax.scatter(*X[y == k].T, s=18, c=colour, marker=marker, edgecolors=edge,
                   linewidths=0.5, label=label)
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂", title=title)


def playing_playground(**settings) -> Playground:
    """A playground that is already playing, for measuring ticks sent from code (the widget
    benchmark sends "tick" values as the browser's Play widget does)."""
    pg = Playground(**settings)
    pg.play.playing = True
    return pg
