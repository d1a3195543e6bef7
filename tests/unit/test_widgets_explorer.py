"""The shared explorer base: one render per change, cached background, coalesced changes."""

import asyncio
import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from nnedu.widgets.explorer import Explorer, png_bytes, slider


class Toy(Explorer):
    """A line y = a·x whose slope is a slider, and a title that says it."""

    title = "toy explorer"
    figsize = (3.0, 2.0)

    def build(self, fig):
        self.add_control("a", slider("a", 1.0, -2.0, 2.0, 0.1))
        self.add_control("kind", widgets.Dropdown(options=["line", "dots"], value="line"))
        ax = fig.add_axes((0.15, 0.15, 0.8, 0.7))
        ax.set_xlim(-1, 1)
        ax.set_ylim(-2, 2)
        self.line = self.moving(ax.plot([], [], lw=3)[0])
        self.label = self.moving(ax.set_title(""))
        self.full_draws = 0
        fig.canvas.mpl_connect("draw_event", self._count)

    def _count(self, event):
        self.full_draws += 1

    def show(self, values):
        x = np.linspace(-1, 1, 5)
        self.line.set_data(x, values["a"] * x)
        self.line.set_linestyle("-" if values["kind"] == "line" else ":")
        self.label.set_text(f"a = {values['a']:.1f}")
        return f"slope {values['a']:.1f}"


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_first_render_is_a_png_of_the_figure_size():
    toy = Toy()
    assert toy.picture.startswith(b"\x89PNG")
    assert pixels(toy.picture).shape == (200, 300, 3)
    assert toy.readout.value == "slope 1.0"


def test_a_moved_control_renders_once_from_the_cached_background():
    toy = Toy()
    renders = []
    toy.image.observe(lambda change: renders.append(change["new"]), names="value")
    toy.controls["a"].value = -1.5  # no event loop here: the render happens at once
    assert len(renders) == 1
    assert toy.readout.value == "slope -1.5"
    assert toy.full_draws == 1  # only the first render drew everything
    assert toy.render_ms > 0


def test_set_moves_several_controls_and_renders_once():
    toy = Toy()
    renders = []
    toy.image.observe(lambda change: renders.append(1), names="value")
    toy.set(a=0.5, kind="dots")
    assert len(renders) == 1
    assert toy.values() == {"a": 0.5, "kind": "dots"}
    with pytest.raises(ValueError, match="unknown control.*'b'.*\\['a', 'kind'\\]"):
        toy.set(b=1.0)


def test_values_round_what_a_browser_adds_in_floating_point():
    toy = Toy()
    toy.controls["a"].value = 0.1 + 0.2
    assert toy.values()["a"] == 0.3


def test_the_blitted_picture_equals_a_full_draw():
    toy = Toy()
    toy.set(a=-0.7)
    blitted = toy.picture
    toy.redraw_background()
    assert toy.render() == blitted
    assert toy.full_draws == 2


def test_render_png_draws_a_state_without_moving_the_controls():
    toy = Toy()
    picture = toy.render_png({"a": 1.7})
    assert toy.values()["a"] == 1.0
    toy.set(a=1.7)
    assert picture == toy.picture
    assert not np.array_equal(pixels(toy.render_png({"a": -1.7})), pixels(picture))


def test_changes_in_a_running_kernel_loop_are_coalesced():
    async def drag():
        toy = Toy()
        renders = []
        toy.image.observe(lambda change: renders.append(1), names="value")
        for k in range(10):
            toy.controls["a"].value = round(-1.0 + 0.1 * k, 1)
        assert renders == []  # scheduled, not drawn yet
        await asyncio.sleep(0.05)
        return toy, renders

    toy, renders = asyncio.run(drag())
    assert len(renders) == 1
    assert toy.readout.value == "slope -0.1"  # the latest value, drawn once


def test_png_bytes_match_the_canvas():
    toy = Toy()
    rgb = np.asarray(toy.figure.canvas.buffer_rgba())[..., :3]
    assert np.array_equal(pixels(png_bytes(toy.figure.canvas)), rgb)


def test_the_notebook_text_is_one_fixed_sentence():
    bundle = Toy()._repr_mimebundle_()
    assert bundle["text/plain"] == "toy explorer (run the cell to use it)"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_updates_from_two_threads_never_draw_at_once():
    """A slider change may arrive in a kernel subshell's thread while a click is handled in
    the main thread: the explorer's lock lets one render run at a time, and every picture is
    the picture of its own values."""
    import threading
    import time

    toy = Toy()
    inside, overlaps = [0], []
    show = toy.show

    def slow_show(values):
        inside[0] += 1
        overlaps.append(inside[0])
        time.sleep(0.01)  # long enough for the other thread to come in if it could
        text = show(values)
        inside[0] -= 1
        return text

    toy.show = slow_show
    threads = [threading.Thread(target=lambda a=a: [toy.set(a=a) for _ in range(5)])
               for a in (-1.5, 1.5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert max(overlaps) == 1
    assert np.array_equal(pixels(toy.picture), pixels(Toy().render_png(toy.values())))
