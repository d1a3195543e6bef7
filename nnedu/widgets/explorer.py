"""The one pattern every explorer of the course follows: controls → model → artists → picture.

An explorer is a figure built **once**, a few controls (sliders, dropdowns, …) and a readout.
When a control moves, the explorer

1. reads the current values of all its controls (``values()``),
2. recomputes the lesson's model for them and moves the figure's artists in place
   (``line.set_data``, ``text.set_text``, ``image.set_data``, …): the lesson's ``show(values)``,
   which returns the readout text,
3. renders the figure once into PNG bytes (``render()``) and puts them into an
   ``ipywidgets.Image``; the readout text changes last, so when it shows the new numbers the
   new picture is there too.

Nothing is rebuilt on a change. Artists that never change (axes, grids, contour lines, legends)
are drawn once into a cached *background*; a change only pastes that background back and draws
the artists the lesson marked as ``moving(...)`` on top of it ("blitting"). The layout is fixed
(no tight bounding box, no constrained layout), which is what makes the cached background right.

Writing an explorer (a lesson module holds only this)::

    class MyExplorer(Explorer):
        title = "lesson 0X · what it shows"          # the text shown before the cell has run

        def build(self, fig):                         # once: controls, axes, artists
            self.add_control("w", widgets.FloatSlider(value=1.0, min=-3, max=3, step=0.1))
            ax = fig.add_axes((0.1, 0.15, 0.85, 0.75))   # fixed place, in figure fractions
            self.line = self.moving(ax.plot([], [])[0])  # will change: drawn per change

        def show(self, values):                       # per change: move artists, say it
            self.line.set_data(x, values["w"] * x)
            return f"w = {values['w']:.2f}"

    def my_explorer():
        return MyExplorer()                           # displays itself in a notebook

For the engineer adding an explorer (read this before you write one):

- ``build`` creates every artist; ``show`` only calls setters. Mark every artist that ``show``
  changes with ``self.moving(artist)``, and also static artists that must stay on top of a
  moving one (moving artists are drawn after the background, in ``zorder``).
- If a change must alter what is *not* marked moving (axis limits, tick labels, a legend), call
  ``self.redraw_background()`` inside ``show``: that change then costs a full draw.
- Heavy work (a training run, an optimizer path) goes into a cache keyed by the settings
  (``functools.lru_cache`` on a module-level pure function), never into every redraw.
- ``continuous_update=False`` on a control whose redraw cannot stay under ~50 ms.
- Numbers a slider sends are rounded to 12 significant digits by ``values()`` (a browser adds
  steps in floating point); compute readouts from ``values``, not from the widgets.
- The figure is a ``matplotlib.figure.Figure`` without pyplot: nothing is shown twice and no
  figure is left open. Fonts ≥ 10 pt; keep margins so no text touches the picture's edge.
- Tests use ``.controls`` (name → widget), ``.set(name=value, …)`` (move controls from code,
  render once), ``.update()``, ``.picture`` (the PNG bytes on show), ``.readout``,
  ``.figure``, ``.render_ms`` (CPU ms of the last update) and ``render_png(values)``.
- Buttons and other widgets that are not controls go in by overriding ``children()`` (see
  lesson 03's reset button); a button's handler calls ``self.set(...)`` or ``self.update()``.
- Measure it: add a ``Case`` row to ``bench/widgets.py`` for every control (a Dropdown or
  ToggleButtons is sent as its option's index, as the browser does) and run
  ``python bench/widgets.py --only NN``. Browser tests compare the picture on screen with
  ``render_png`` of the same values: ``assert_explorer_shows`` in ``tests/browser/harness.py``.

A change that arrives while the kernel is busy is *coalesced*: the control's observer only
marks the explorer as needing a render and schedules one on the kernel's event loop; more
changes before that render runs add nothing, and the render reads the controls' latest values.
Outside a kernel (a plain Python script, the tests) the render happens at once.

One render at a time: JupyterLab may send a slider's change through a kernel *subshell*, which
ipykernel runs in a thread of its own, while a button click is handled in the main thread. Two
renders at once on one figure would paste a background over half-drawn numbers, so ``update``,
``set`` and ``render_png`` hold the explorer's lock.
"""

from __future__ import annotations

import asyncio
import struct
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

#: Pixels per inch of every explorer's picture (a 9-inch-wide figure is 900 px wide).
DPI = 100


class Explorer:
    """The shared base of the course's explorers (see the module docstring for the pattern).

    Subclasses set ``title`` and ``figsize`` and write ``build(fig)`` and ``show(values)``.
    The object displays itself in a notebook as ``widget`` (controls, readout, picture).
    """

    title = "explorer"
    figsize: tuple[float, float] = (9.0, 3.6)
    #: Seconds the render waits for more changes in a burst (slider drags) before it runs.
    coalesce_s = 0.002

    def __init__(self) -> None:
        import ipywidgets as widgets
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.controls: dict[str, Any] = {}
        self._moving: list[Any] = []
        self._background = None
        self._pending = False
        self._lock = threading.RLock()  # one render at a time (see the module docstring)
        self.render_ms = 0.0
        self.figure = Figure(figsize=self.figsize, dpi=DPI)
        FigureCanvasAgg(self.figure)
        width, height = (round(v * DPI) for v in self.figsize)
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            width=f"{width}px", height=f"{height}px", object_fit="contain"))
        self.image.add_class("nnedu-picture")
        self.readout = widgets.HTML()
        self.readout.add_class("nnedu-readout")
        self.build(self.figure)
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self.widget = widgets.VBox(self.children())
        self.widget.add_class("nnedu-explorer")
        self.update()

    # ------------------------------------------------------------------ for the lesson module
    def build(self, fig) -> None:
        """Create the controls (``add_control``) and the figure's axes and artists, once."""
        raise NotImplementedError

    def show(self, values: Mapping[str, Any]) -> str:
        """Move the artists for these control values; return the readout (HTML or text)."""
        raise NotImplementedError

    def children(self) -> list:
        """What the explorer shows, top to bottom: by default all controls in one wrapping
        row, the readout, the picture."""
        import ipywidgets as widgets

        row = widgets.HBox(list(self.controls.values()),
                           layout=widgets.Layout(flex_flow="row wrap"))
        return [row, self.readout, self.image]

    def add_control(self, name: str, control):
        """Register a control under ``name`` (the key of ``values()``); returns it."""
        self.controls[name] = control
        return control

    def moving(self, artist):
        """Mark an artist that ``show`` changes: it is drawn on every change, not cached."""
        artist.set_animated(True)
        self._moving.append(artist)
        return artist

    def redraw_background(self) -> None:
        """Call in ``show`` when something that is not moving changed (e.g. axis limits)."""
        self._background = None

    # ------------------------------------------------------------------ the loop
    def values(self) -> dict[str, Any]:
        """The controls' current values; floats to 12 significant digits, which drops what a
        browser adds in floating point (0.1 + 0.2 = 0.30000000000000004 becomes 0.3)."""
        return {name: float(f"{c.value:.12g}") if isinstance(c.value, float) else c.value
                for name, c in self.controls.items()}

    def update(self, change=None) -> None:
        """Recompute, move the artists, render once; then the readout. Runs at once."""
        with self._lock:
            start = time.process_time()
            self._pending = False
            text = self.show(self.values())
            self.image.value = self.render()
            self.readout.value = text
            self.render_ms = 1000 * (time.process_time() - start)

    def set(self, **values: Any) -> None:
        """Move several controls from code (``set(w1=2.0, b=-1.0)``) and render once."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"{type(self).__name__}.set: unknown control(s) {unknown}; "
                             f"this explorer has {list(self.controls)}.")
        with self._lock:
            self._pending = True  # the observers see a render on its way and do nothing
            for name, value in values.items():
                self.controls[name].value = value
            self.update()

    def _changed(self, change) -> None:
        """A control moved: schedule one render, unless one is already on its way."""
        if self._pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a test): render now
            self.update()
            return
        self._pending = True
        loop.call_later(self.coalesce_s, self._render_if_pending)

    def _render_if_pending(self) -> None:
        if self._pending:
            self.update()

    # ------------------------------------------------------------------ pictures
    def render(self) -> bytes:
        """The figure as PNG bytes: the cached background plus the moving artists."""
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()  # everything not marked moving
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in sorted(self._moving, key=lambda a: a.get_zorder()):
            if artist.get_visible():
                self.figure.draw_artist(artist)
        return png_bytes(canvas)

    @property
    def picture(self) -> bytes:
        """The PNG bytes on show now."""
        return bytes(self.image.value)

    def render_png(self, values: Mapping[str, Any]) -> bytes:
        """The picture these control values give (the controls themselves do not move)."""
        with self._lock:
            self.show(dict(self.values(), **values))
            picture = self.render()
            self.show(self.values())
        return picture

    # ------------------------------------------------------------------ in a notebook
    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"{self.title} (run the cell to use it)"
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.title}>"


def png_bytes(canvas) -> bytes:
    """The Agg canvas's pixels as a PNG: RGB, 8 bits, no row filter, zlib level 1.

    Written by hand (signature, IHDR, one IDAT, IEND) because skipping PNG's per-row filters
    makes it about twice as fast as Pillow's encoder (5 against 10 ms for 840×610 px) and, for
    flat plot colours, no larger.
    """
    width, height = canvas.get_width_height()
    rgb = np.asarray(canvas.buffer_rgba())[:, :, :3]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # byte 0 of a row: filter 0
    rows[:, 1:] = rgb.reshape(height, 3 * width)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))


def slider(description: str, value: float, lo: float, hi: float, step: float,
           fmt: str = ".2f", continuous: bool = True, width: str = "330px"):
    """A FloatSlider the way the explorers use them (label wide enough, readout format)."""
    import ipywidgets as widgets

    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout_format=fmt, continuous_update=continuous,
                               style={"description_width": "initial"},
                               layout=widgets.Layout(width=width))


def back_next_buttons(back: Callable[[], None], forward: Callable[[], None]):
    """A stepper's Back and Next buttons (90 px each, Next highlighted), wired to ``back()`` and
    ``forward()``; returns (back_button, next_button)."""
    import ipywidgets as widgets

    back_button = widgets.Button(description="Back", icon="arrow-left",
                                 layout=widgets.Layout(width="90px"))
    next_button = widgets.Button(description="Next", icon="arrow-right", button_style="primary",
                                 layout=widgets.Layout(width="90px"))
    back_button.on_click(lambda _button: back())
    next_button.on_click(lambda _button: forward())
    return back_button, next_button
