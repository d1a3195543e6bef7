"""Lesson 09's drawing pad: paint an 8×8 digit and see the network's 10 probabilities live.

:func:`digit_drawing_pad` (class :class:`DigitPad`): an 8×8 grid of buttons to paint a digit
on, a Clear button, "load test digit #", and the network's 10 class probabilities as bars with a
readout ``prediction: 7 (93.1 %)`` (CSS class ``nnedu-readout``). For a loaded test digit, whose
label is known, the readout also says whether the network is right: ``✓ right: it is a 7`` or
``✗ wrong: it is a 9``, and the true class's bar is marked.

Pixels on the pad are in the network's input units: 0 (paper) … 1 (full ink), the same as
``load_digits()``'s default scaling (raw pixel counts 0…16 divided by 16). No figure is drawn:
a click recolours one button and sets ten bars (a few milliseconds).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nnedu.data import DigitsData
from nnedu.network import Sequential
from nnedu.widgets.digits import top_k

Array = np.ndarray

#: Pixel values the pad paints with (network input units: 1 = a full 4×4 block of ink).
INK_LEVELS: Mapping[str, float] = {"ink": 1.0, "light ink": 0.5, "eraser": 0.0}
#: Pad cell size in pixels of the screen.
CELL_PX = 30
#: Colours of the verdict (Okabe–Ito bluish green and vermillion).
RIGHT_COLOUR, WRONG_COLOUR = "#009E73", "#D55E00"


def predict_pixels(model: Sequential, pixels: Array) -> Array:
    """The network's 10 class probabilities for one 8×8 picture (values 0…1). Shape (10,)."""
    pixels = np.asarray(pixels, dtype=float)
    if pixels.size != 64:
        raise ValueError(f"predict_pixels: expected 64 pixels (8×8), got shape {pixels.shape}.")
    return model.predict_proba(pixels.reshape(1, 64))[0]


def readout_text(probabilities: Array) -> str:
    """``prediction: 7 (93.1 %)``: the most probable class and its probability."""
    cls, p = top_k(probabilities, 1)[0]
    return f"prediction: {cls} ({100 * p:.1f} %)"


def verdict(probabilities: Array, label: int) -> str:
    """Is the most probable class the known ``label``? ``✓ right: it is a 7`` or
    ``✗ wrong: it is a 9``."""
    right = top_k(probabilities, 1)[0][0] == int(label)
    return f"{'✓ right' if right else '✗ wrong'}: it is a {int(label)}"


def cell_colour(value: float) -> str:
    """The background of a pad cell: white (0) to black (1), as ``#rrggbb``."""
    level = int(round(255 * (1.0 - float(np.clip(value, 0.0, 1.0)))))
    return f"#{level:02x}{level:02x}{level:02x}"


class DigitPad:
    """An 8×8 drawing pad wired to a trained network.

    Parts: ``cells`` (8×8 list of Buttons, CSS classes ``nnedu-pixel`` and
    ``nnedu-pixel-<row>-<col>``), ``pen`` (ToggleButtons: ink, light ink, eraser), ``clear_button``,
    ``index`` (BoundedIntText "test digit #") and ``load_button``, ``info`` (what was loaded),
    ``bars`` (10 FloatProgress, one per class) with ``bar_labels``, ``readout`` (HTML, CSS class
    ``nnedu-readout``) and ``widget`` (the HBox to display).

    State: ``pixels``, an (8, 8) array of values 0…1, and ``label``, the true class of a loaded
    test digit (None once the picture is changed). Clicking a cell paints it with the pen's
    value; clicking a cell that already has that value clears it. Every change updates the
    probabilities at once.
    """

    def __init__(self, model: Sequential, digits: DigitsData, start: int | None = 0) -> None:
        import ipywidgets as widgets

        if not hasattr(model, "predict_proba"):
            raise TypeError(f"digit_drawing_pad: model must be a trained network (Sequential), "
                            f"got {type(model).__name__}.")
        X_test = np.asarray(digits.X_test, dtype=float)
        if X_test.ndim != 2 or X_test.shape[1] != 64:
            raise ValueError(f"digit_drawing_pad: digits.X_test must have shape (n, 64), got "
                             f"{X_test.shape}.")
        if X_test.size and (X_test.min() < 0 or X_test.max() > 1):
            raise ValueError(
                "digit_drawing_pad: the test digits must be scaled to 0…1, as load_digits() "
                f"does by default (scale='fixed'); got values from {X_test.min():g} to "
                f"{X_test.max():g}. Use load_digits() without scale=…"
            )
        self.model, self.digits = model, digits
        self.pixels = np.zeros((8, 8))
        self.probabilities = np.full(10, 0.1)
        self.label: int | None = None  # the true class of a loaded test digit

        self.cells = []
        for r in range(8):
            row = []
            for c in range(8):
                cell = widgets.Button(description="", tooltip=f"pixel row {r}, column {c}",
                                      layout={"width": f"{CELL_PX}px", "height": f"{CELL_PX}px",
                                              "margin": "0", "padding": "0",
                                              "border": "1px solid #bbbbbb"})
                cell.add_class("nnedu-pixel")
                cell.add_class(f"nnedu-pixel-{r}-{c}")
                cell.on_click(self._cell_handler(r, c))
                row.append(cell)
            self.cells.append(row)
        grid = widgets.GridBox(
            [cell for row in self.cells for cell in row],
            layout={"grid_template_columns": f"repeat(8, {CELL_PX}px)",
                    "grid_gap": "0px", "width": f"{8 * CELL_PX + 4}px"})
        grid.add_class("nnedu-digit-grid")
        self.pen = widgets.ToggleButtons(options=list(INK_LEVELS.items()), value=1.0,
                                         description="pen", style={"button_width": "84px"})
        self.clear_button = widgets.Button(description="Clear", icon="eraser",
                                           tooltip="make every pixel white")
        n_test = len(X_test)
        self.index = widgets.BoundedIntText(value=0 if start is None else int(start), min=0,
                                            max=max(n_test - 1, 0), description="test digit #",
                                            style={"description_width": "80px"},
                                            layout={"width": "170px"})
        self.load_button = widgets.Button(description="Load test digit", icon="upload")
        self.info = widgets.HTML()
        self.info.add_class("nnedu-pad-info")
        self.readout = widgets.HTML(style={"font_size": "17px"})
        self.readout.add_class("nnedu-readout")
        self.bars, self.bar_labels, rows = [], [], []
        for k in range(10):
            bar = widgets.FloatProgress(value=0.1, min=0.0, max=1.0, description=str(k),
                                        style={"description_width": "18px"},
                                        layout={"width": "260px"})
            label = widgets.Label(value="")
            label.add_class(f"nnedu-prob-{k}")
            self.bars.append(bar)
            self.bar_labels.append(label)
            rows.append(widgets.HBox([bar, label]))
        self.clear_button.on_click(lambda _button: self.clear())
        self.load_button.on_click(lambda _button: self.load_test_digit(self.index.value))
        left = widgets.VBox([
            widgets.HTML("<b>Draw a digit</b> <small>(click cells; click again to erase)</small>"),
            grid, self.pen, widgets.HBox([self.clear_button]),
            widgets.HBox([self.index, self.load_button]), self.info,
        ])
        right = widgets.VBox([widgets.HTML("<b>The network's probabilities</b>"),
                              self.readout, *rows], layout={"margin": "0 0 0 32px"})
        self.widget = widgets.HBox([left, right])
        self.widget.add_class("nnedu-digit-pad")
        if start is None:
            self.update()
        else:
            self.load_test_digit(start)

    # ---------------------------------------------------------------- actions
    def _cell_handler(self, r: int, c: int):
        def on_click(_button) -> None:
            self.click_cell(r, c)
        return on_click

    def click_cell(self, r: int, c: int) -> None:
        """Paint cell (r, c) with the pen's value, or clear it if it already has that value."""
        value = float(self.pen.value)
        self.pixels[r, c] = 0.0 if self.pixels[r, c] == value else value
        self._paint(r, c)
        self.label = None  # a changed picture has no known label
        self.info.value = "your drawing"
        self.update()

    def clear(self) -> None:
        """Make every pixel white (0)."""
        self.pixels[...] = 0.0
        self._paint_all()
        self.label = None
        self.info.value = "empty pad"
        self.update()

    def load_test_digit(self, i: int) -> None:
        """Put test digit number ``i`` (a row of ``digits.X_test``) on the pad."""
        n = len(self.digits.X_test)
        if not 0 <= int(i) < n:
            raise ValueError(f"DigitPad.load_test_digit: i must be 0…{n - 1}, got {i}.")
        i = int(i)
        self.pixels[...] = np.asarray(self.digits.X_test[i], dtype=float).reshape(8, 8)
        self._paint_all()
        self.index.value = i
        self.label = int(self.digits.y_test[i])
        self.info.value = f"test digit #{i}: a {self.label}"
        self.update()

    # ---------------------------------------------------------------- display
    def _paint(self, r: int, c: int) -> None:
        self.cells[r][c].style.button_color = cell_colour(self.pixels[r, c])

    def _paint_all(self) -> None:
        for r in range(8):
            for c in range(8):
                self._paint(r, c)

    def update(self) -> None:
        """Run the network on the pad and show its probabilities (the readout last)."""
        self.probabilities = predict_pixels(self.model, self.pixels)
        best = int(np.argmax(self.probabilities))
        for k, (bar, label) in enumerate(zip(self.bars, self.bar_labels)):
            bar.value = float(self.probabilities[k])
            bar.bar_style = "success" if k == best else ""
            label.value = f"{100 * self.probabilities[k]:.1f} %" + (
                "  ← true class" if k == self.label else "")
        text = readout_text(self.probabilities)
        if self.label is not None:
            right = best == self.label
            text += (f" <span style='color:{RIGHT_COLOUR if right else WRONG_COLOUR}'>"
                     f"{verdict(self.probabilities, self.label)}</span>")
        self.readout.value = text


def digit_drawing_pad(model: Sequential, digits: DigitsData, start: int | None = 0):
    """An 8×8 pad to draw digits on, with ``model``'s class probabilities live. Starts with
    test digit ``start`` of ``digits`` on the pad (``None``: empty). Returns the widget."""
    return DigitPad(model, digits, start).widget

