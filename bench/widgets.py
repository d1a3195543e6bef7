"""How fast do the explorers answer? CPU and wall ms per change, in a real Jupyter kernel.

    python bench/widgets.py                  # every explorer, every control, 10 changes each
    python bench/widgets.py --only 01 03     # some lessons
    python bench/widgets.py --changes 20

A kernel is started the way a student's is (jupyter_client, the course's fixed kernel
environment). For each entry of `CASES` the kernel builds the explorer; then this script sends
each new control value **through the widget's comm, as JupyterLab does** when a slider moves
(a ``comm_msg`` with ``{"method": "update", "state": {"value": …}}``), and waits for the
explorer's new picture to arrive. Per change:

- wall: from sending the message to the picture's update arriving here;
- CPU: the kernel process's CPU time over the same span, all its threads
  (``/proc/<pid>/task/*/schedstat``, nanoseconds).

Lesson 09's two widgets have no controls of that kind: the drawing pad is measured per click on
a cell button (the ``custom`` click message JupyterLab sends) until its readout arrives, the
live training plot per redraw inside a 40-epoch ``fit`` (CPU only: it answers no message).

A burst test sends ``--burst`` changes at once (a fast drag) and counts the renders the kernel
made: coalescing means fewer renders than changes, and no backlog.

``--display-paths`` compares the two ways to show a figure in a notebook on lesson 01's figure:
an ``ipywidgets.Image`` fed by one Agg render (what the explorers use) and ipympl's canvas
(only if ipympl is installed).

To add an explorer: add a `Case` row to `CASES` (lesson, label, module, factory, control,
values). Numbers on a shared 2-core machine are noisy: compare medians, rerun.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Case:
    lesson: str
    label: str
    module: str  # e.g. "nnedu.widgets.weighted_sum"
    factory: str  # a function of the module that returns an Explorer
    control: str  # key in explorer.controls
    values: tuple[Any, ...]  # sent in turn, cycling (each must differ from the one before)
    kwargs: dict = field(default_factory=dict)
    note: str = ""  # printed under the table: what the numbers of this row measure


CASES: list[Case] = [
    Case("01", "weighted sum", "nnedu.widgets.weighted_sum", "weighted_sum_explorer", "w1",
         (1.1, 1.2, 1.3, 1.4, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0)),
    Case("01", "weighted sum", "nnedu.widgets.weighted_sum", "weighted_sum_explorer", "b",
         (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.5, 0.4, 0.3, 0.2)),
    Case("02", "activation", "nnedu.widgets.activations", "activation_explorer", "name",
         ("tanh", "relu", "leaky_relu", "elu", "gelu", "swish", "linear", "sigmoid")),
    Case("02", "activation", "nnedu.widgets.activations", "activation_explorer", "z_range",
         ((-4.5, 5.0), (-4.0, 5.0), (-4.0, 4.5), (-3.5, 4.5), (-3.0, 4.0))),
    Case("02", "depth", "nnedu.widgets.activations", "depth_explorer", "depth",
         (6, 7, 8, 9, 10, 11, 12, 11, 10, 9)),
    Case("02", "depth", "nnedu.widgets.activations", "depth_explorer", "z",
         (1.25, 1.5, 1.75, 2.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.25)),
    Case("03", "XOR", "nnedu.widgets.xor", "xor_explorer", "b2",
         (-29.0, -28.0, -27.0, -20.0, -15.0, -10.0, -5.0, 0.0, 5.0, -30.0)),
    Case("03", "XOR", "nnedu.widgets.xor", "xor_explorer", "w31",
         (19.0, 18.0, 10.0, 5.0, 0.0, -5.0, 5.0, 10.0, 15.0, 20.0)),
    Case("04", "regression loss", "nnedu.widgets.losses", "regression_loss_explorer", "y_hat",
         (2.9, 2.8, 2.7, 2.6, 2.5, 2.4, 2.3, 2.2, 2.1, 2.0)),
    Case("04", "binary loss", "nnedu.widgets.losses", "binary_loss_explorer", "z",
         (-3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0)),
    Case("04", "binary loss", "nnedu.widgets.losses", "binary_loss_explorer", "y",
         (0, 1, 0, 1, 0, 1, 0, 1, 0, 1)),
    Case("05", "gradient descent", "nnedu.widgets.gradient_descent",
         "gradient_descent_explorer", "lr",
         (0.06, 0.08, 0.1, 0.12, 0.15, 0.19, 0.21, 0.25, 0.3, 0.05)),
    Case("05", "gradient descent", "nnedu.widgets.gradient_descent",
         "gradient_descent_explorer", "steps", (21, 22, 23, 24, 25, 30, 40, 60, 100, 20)),
    Case("06", "backprop stepper", "nnedu.widgets.backprop_stepper", "backprop_stepper", "step",
         (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)),
    Case("06", "backprop stepper", "nnedu.widgets.backprop_stepper", "backprop_stepper", "x1",
         (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0)),
    Case("08", "optimizer race", "nnedu.widgets.optimizer_race", "optimizer_race", "lr",
         (0.0125893, 0.0158489, 0.0199526, 0.0251189, 0.0316228, 0.0398107, 0.0501187,
          0.0630957, 0.0794328, 0.1)),
    Case("08", "optimizer race", "nnedu.widgets.optimizer_race", "optimizer_race", "steps",
         (110, 120, 130, 140, 150, 160, 170, 180, 190, 200)),
    Case("08", "optimizer race", "nnedu.widgets.optimizer_race", "optimizer_race", "surface",
         ("rosenbrock", "bowl"),
         note="08 surface: the changes alternate Rosenbrock / bowl. Only the first switch to "
              "Rosenbrock draws its contours in full (that is the CPU max); every later switch "
              "restores the background kept for that surface (the median)."),
    Case("08", "optimizer race", "nnedu.widgets.optimizer_race", "optimizer_race", "adagrad",
         (True, False)),
    Case("10", "regularisation", "nnedu.widgets.regularisation", "regularisation_explorer",
         "weight_decay", (1e-4, 1e-3, 1e-2, 1e-3, 1e-4, 0.0)),
    Case("10", "regularisation", "nnedu.widgets.regularisation", "regularisation_explorer",
         "dropout", (0.25, 0.5, 0.25, 0.0)),
    Case("11", "threshold", "nnedu.widgets.evaluation", "threshold_explorer", "threshold",
         (0.49, 0.48, 0.47, 0.46, 0.45, 0.3, 0.2, 0.1, 0.7, 0.5)),
    Case("09a", "conv filter", "nnedu.widgets.conv_filter", "conv_filter_explorer", "position",
         (62, 61, 60, 59, 58, 50, 40, 30, 20, 63)),
    Case("09a", "conv filter", "nnedu.widgets.conv_filter", "conv_filter_explorer", "filter",
         ("horizontal edge", "diagonal edge", "blur (average)", "vertical edge")),
    Case("09a", "conv filter", "nnedu.widgets.conv_filter", "conv_filter_explorer", "digit",
         (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)),
    Case("09a", "conv filter", "nnedu.widgets.conv_filter", "conv_filter_explorer", "move",
         (1, 2, 1, 0, -1, -2, -1, 0)),
    Case("06a", "autograd stepper", "nnedu.widgets.autograd_stepper", "autograd_stepper",
         "step", (1, 2, 3, 2, 1, 0, 1, 2, 3, 0)),
    Case("06a", "autograd stepper", "nnedu.widgets.autograd_stepper", "autograd_stepper", "x",
         (2.1, 2.2, 2.3, 2.4, 2.5, 1.5, 1.0, 0.5, -0.5, 2.0)),
    Case("06a", "autograd stepper", "nnedu.widgets.autograd_stepper", "autograd_stepper",
         "expression", ("tanh(x*y + 1)", "(x + y) * (x - y)", "sigmoid(2*x - y)",
                        "x*x*x + exp(y)", "log(x*x + 1) / y", "relu(x + y) * x", "x*y + x"),
         note="06a expression: a new graph is laid out and its background drawn in full."),
    Case("00a", "tangent", "nnedu.widgets.tangent", "tangent_explorer", "x0",
         (1.1, 1.2, 1.3, 1.4, 1.5, 0.5, 0.0, -0.5, -1.5, 1.0)),
    Case("00a", "tangent", "nnedu.widgets.tangent", "tangent_explorer", "h",
         (0.794328234724, 0.630957344480, 0.501187233627, 0.398107170553, 0.316227766017,
          0.1, 0.0316227766017, 0.01, 0.1, 1.0)),
    Case("00a", "tangent", "nnedu.widgets.tangent", "tangent_explorer", "name",
         ("sin", "sigmoid", "exp", "relu", "square"),
         note="00a name: the first switch to each curve draws its axes in full (the CPU max); "
              "later switches paste the background kept for that curve (the median)."),
    Case("10a", "playground", "nnedu.widgets.playground_figures", "playing_playground", "tick",
         tuple(range(1, 11)),
         note="10a tick: one tick of the playing Play widget = one chunk (one epoch, 20 "
              "mini-batch steps of spirals 2×6 tanh) plus one picture."),
    Case("10a", "playground", "nnedu.widgets.playground_figures", "playing_playground", "tick",
         tuple(range(1, 11)), kwargs={"layers": 3, "units": 8, "batch_size": 1},
         note="10a tick (3×8, B = 1): the largest network and the most steps per chunk (200)."),
    Case("10a", "playground", "nnedu.widgets.playground", "playground", "lr",
         (0.3, 1.0, 0.03, 0.1, 0.01)),
    Case("10a", "playground", "nnedu.widgets.playground", "playground", "units",
         (5, 4, 3, 8, 6), note="10a units: a new architecture resets the network and redraws "
                                "the background (new layer labels)."),
    Case("10a", "playground", "nnedu.widgets.playground", "playground", "data",
         ("moons", "circles", "xor", "spirals")),
    Case("08a", "deep init", "nnedu.widgets.deep_init", "deep_init_explorer", "depth",
         (11, 12, 13, 14, 15, 20, 16, 5, 2, 10)),
    Case("08a", "deep init", "nnedu.widgets.deep_init", "deep_init_explorer", "activation",
         ("relu", "sigmoid", "tanh")),
    Case("08a", "deep init", "nnedu.widgets.deep_init", "deep_init_explorer", "init",
         ("he", "large", "small", "xavier")),
    Case("13", "search", "nnedu.widgets.search", "search_explorer", "kind",
         ("grid", "random", "grid", "random", "grid", "random", "grid", "random")),
    Case("13", "search", "nnedu.widgets.search", "search_explorer", "budget",
         (16, 25, 4, 9, 16, 25, 4, 9)),
    Case("13", "search", "nnedu.widgets.search", "search_explorer", "seed",
         (1, 2, 0, 1, 2, 0, 1, 2, 0)),
]


# --------------------------------------------------------------------------- the kernel
def kernel_environment() -> dict[str, str]:
    """The course's fixed kernel environment (wherever the course tooling keeps it)."""
    try:
        from nnedu.course.execute import kernel_env
    except ImportError:
        from nnedu.execute import kernel_env
    return kernel_env()


class Kernel:
    """A kernel started as a student's is, with helpers to run code and talk to widgets."""

    def __init__(self) -> None:
        from jupyter_client.manager import KernelManager

        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(env=kernel_environment(),
                                  extra_arguments=["--IPKernelApp.log_level=ERROR"])
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)
        self.pid = self.manager.provisioner.process.pid

    def run(self, code: str) -> str:
        """Execute code; return its stdout. Raises on an error in the kernel."""
        msg_id = self.client.execute(code)
        out = []
        while True:
            msg = self.client.get_iopub_msg(timeout=120)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind == "error":
                raise RuntimeError("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(out)

    def cpu_ns(self) -> int:
        """CPU time of all the kernel's threads so far, in nanoseconds."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass
        return total

    def send_value(self, comm_id: str, value: Any, options: list | None = None) -> None:
        """What JupyterLab sends when a control's value changes: the new ``value``, or for a
        selection (Dropdown, ToggleButtons: ``options`` given) the ``index`` of the option."""
        state = {"value": value} if options is None else {"index": options.index(value)}
        content = {"comm_id": comm_id, "data": {"method": "update", "buffer_paths": [],
                                                "state": state}}
        self.client.shell_channel.send(self.client.session.msg("comm_msg", content))

    def wait_for_update(self, comm_id: str, timeout: float = 60) -> None:
        """Wait until the kernel sends a new value for the widget ``comm_id``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self.client.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no update of {comm_id} within {timeout} s") from None
            content = msg["content"]
            data = content.get("data", {}) if msg["msg_type"] == "comm_msg" else {}
            if (content.get("comm_id") == comm_id and data.get("method") == "update"
                    and ("value" in data.get("state", {})
                         or ["value"] in data.get("buffer_paths", []))):  # bytes: a buffer
                return

    def drain(self, quiet_s: float = 0.3) -> None:
        while True:
            try:
                self.client.get_iopub_msg(timeout=quiet_s)
            except queue.Empty:
                return

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


# --------------------------------------------------------------------------- measuring
def setup(kernel: Kernel, case: Case) -> tuple[str, str, list | None]:
    """Build the explorer in the kernel as ``ex``; return the control's and the picture's comm
    ids, and the option values when the control is a selection (it syncs an index)."""
    found = json.loads(kernel.run(
        f"import json\nfrom {case.module} import {case.factory}\n"
        f"ex = {case.factory}(**{case.kwargs!r})\ncontrol = ex.controls[{case.control!r}]\n"
        "options = list(control._options_values) if hasattr(control, 'index') else None\n"
        "print(json.dumps([control.model_id, ex.image.model_id, options]))"))
    kernel.drain()
    return found[0], found[1], found[2]


def measure(kernel: Kernel, case: Case, changes: int) -> dict[str, Any]:
    """Median and max CPU/wall ms per change of one control of one explorer."""
    control_id, image_id, options = setup(kernel, case)
    cpu, wall, render = [], [], []
    for k in range(changes):
        value = case.values[k % len(case.values)]
        value = list(value) if isinstance(value, tuple) else value
        cpu0, t0 = kernel.cpu_ns(), time.perf_counter()
        kernel.send_value(control_id, value, options)
        kernel.wait_for_update(image_id)
        wall.append(1000 * (time.perf_counter() - t0))
        cpu.append((kernel.cpu_ns() - cpu0) / 1e6)
        render.append(float(kernel.run("print(ex.render_ms)")))
        kernel.drain(0.05)
    return {"lesson": case.lesson, "explorer": case.label, "control": case.control,
            "cpu_median": statistics.median(cpu), "cpu_max": max(cpu),
            "wall_median": statistics.median(wall), "wall_max": max(wall),
            "update_cpu_median": statistics.median(render)}


def burst(kernel: Kernel, case: Case, n: int) -> dict[str, Any]:
    """Send n changes at once (a fast drag); count renders and time until the last one."""
    control_id, _, options = setup(kernel, case)
    kernel.run("renders = []\nex.image.observe(lambda change: renders.append(1), names='value')")
    values = [case.values[k % len(case.values)] for k in range(n)]
    t0 = time.perf_counter()
    for value in values:
        kernel.send_value(control_id, list(value) if isinstance(value, tuple) else value,
                          options)
    deadline = time.monotonic() + 60
    final = json.dumps(list(values[-1]) if isinstance(values[-1], tuple) else values[-1])
    while time.monotonic() < deadline:  # until the kernel has drawn the last value
        seen = kernel.run(f"print(json.dumps(ex.controls[{case.control!r}].value), "
                          "ex._pending)").split()
        if seen[0] == final and seen[-1] == "False":
            break
    done_ms = 1000 * (time.perf_counter() - t0)
    renders = int(kernel.run("print(len(renders))"))
    return {"explorer": f"{case.lesson} {case.label}", "control": case.control, "changes": n,
            "renders": renders, "ms_until_last_drawn": done_ms}


DISPLAY_PATHS = r"""
import time, numpy as np
from nnedu.widgets.weighted_sum import weighted_sum_explorer
ex = weighted_sum_explorer()
def image_path(k):
    t = time.process_time(); ex.set(w1=round(1 + 0.1 * (k % 10), 1)); return time.process_time() - t
def full_draw_png(k):
    t = time.process_time(); ex.show(dict(ex.values(), w1=1 + 0.1 * (k % 10)))
    ex.redraw_background(); ex.render(); return time.process_time() - t
results = {"Image, blitting + PNG": [image_path(k) for k in range(20)],
           "Image, full Agg draw + PNG": [full_draw_png(k) for k in range(20)]}
try:
    import ipympl.backend_nbagg as nbagg
    from matplotlib.figure import Figure
    fig = Figure(figsize=ex.figsize, dpi=100)
    canvas = nbagg.Canvas(fig); nbagg.FigureManager(canvas, 1)
    ax = fig.add_subplot(); line, = ax.plot(np.arange(10), np.arange(10))
    canvas._handle_message(canvas, {"type": "initialized"}, [])  # a front end is listening
    def ipympl_path(k):
        t = time.process_time(); line.set_ydata(np.arange(10) * k)
        canvas.draw_idle()
        canvas._handle_message(canvas, {"type": "draw"}, [])  # the front end asks for it
        return time.process_time() - t
    # same figure as lesson 01's: move its artists, let ipympl draw and diff it
    fig2 = ex.figure; canvas2 = nbagg.Canvas(fig2); nbagg.FigureManager(canvas2, 2)
    canvas2._handle_message(canvas2, {"type": "initialized"}, [])
    for artist in ex._moving: artist.set_animated(False)
    def ipympl_lesson01(k):
        t = time.process_time(); ex.show(dict(ex.values(), w1=1 + 0.1 * (k % 10)))
        canvas2.draw_idle(); canvas2._handle_message(canvas2, {"type": "draw"}, [])
        return time.process_time() - t
    results["ipympl, lesson 01 figure (full draw + diff PNG)"] = [
        ipympl_lesson01(k) for k in range(20)]
except ImportError:
    results["ipympl"] = None
import json; print(json.dumps({k: v and sorted(v)[len(v) // 2] * 1000 for k, v in results.items()}))
"""


# Lesson 09's two widgets are not control-driven explorers: the drawing pad answers a click on
# one of its 64 cell buttons, the live plot redraws from fit's callback every few epochs.
PAD_SETUP = """
import json
from nnedu.data import load_digits
from nnedu.network import mlp
from nnedu.train import fit
from nnedu.widgets.digit_pad import DigitPad
digits = load_digits()
model = mlp((64, 64, 10), seed=0)
fit(model, digits.X_train, digits.Y_train, epochs=3, progress=False, seed=0)
pad = DigitPad(model, digits, start=None)
print(json.dumps([[b.model_id for b in row] for row in pad.cells] + [pad.readout.model_id]))
"""

LIVE_PLOT = """
import json, time
from nnedu.data import load_digits
from nnedu.network import mlp
from nnedu.train import fit
from nnedu.widgets.digits import LiveTrainingPlot
digits = load_digits()
live = LiveTrainingPlot(epochs=40, every=4)
cpu = []
def callback(epoch, logs):
    start = time.process_time()
    live.callback(epoch, logs)
    if (epoch + 1) % live.every == 0:
        cpu.append(1000 * (time.process_time() - start))
fit(mlp((64, 64, 10), seed=0), digits.X_train, digits.Y_train, epochs=40, progress=False,
    seed=0, validation_data=(digits.X_val, digits.Y_val), callback=callback)
print(json.dumps(cpu))
"""


def measure_pad(kernel: Kernel, changes: int) -> dict[str, Any]:
    """A click on a pad cell, sent as JupyterLab sends it, until the new readout arrives."""
    found = json.loads(kernel.run(PAD_SETUP))
    cells, readout = found[:-1], found[-1]
    kernel.drain()
    cpu, wall = [], []
    for k in range(changes):
        cell = cells[k % 8][(3 * k) % 8]
        content = {"comm_id": cell, "data": {"method": "custom",
                                              "content": {"event": "click"}}}
        cpu0, t0 = kernel.cpu_ns(), time.perf_counter()
        kernel.client.shell_channel.send(kernel.client.session.msg("comm_msg", content))
        kernel.wait_for_update(readout)
        wall.append(1000 * (time.perf_counter() - t0))
        cpu.append((kernel.cpu_ns() - cpu0) / 1e6)
        kernel.drain(0.05)
    return {"lesson": "09", "explorer": "drawing pad", "control": "cell click",
            "cpu_median": statistics.median(cpu), "cpu_max": max(cpu),
            "wall_median": statistics.median(wall), "wall_max": max(wall),
            "update_cpu_median": float("nan")}


def measure_live_plot(kernel: Kernel) -> dict[str, Any]:
    """CPU of each redraw of the live training curves (10 redraws in a 40-epoch fit)."""
    cpu = json.loads(kernel.run(LIVE_PLOT))
    return {"lesson": "09", "explorer": "live training plot", "control": "redraw (fit)",
            "cpu_median": statistics.median(cpu), "cpu_max": max(cpu),
            "wall_median": float("nan"), "wall_max": float("nan"),
            "update_cpu_median": statistics.median(cpu)}


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]]) -> str:
    head = "| " + " | ".join(title for title, _, _ in columns) + " |"
    line = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(format(row[key], fmt) for _, key, fmt in columns) + " |"
            for row in rows]
    return "\n".join([head, line, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="lesson numbers, e.g. 01 05")
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--burst", type=int, default=30)
    parser.add_argument("--display-paths", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    cases = [c for c in CASES if not args.only or c.lesson in args.only]
    kernel = Kernel()
    try:
        if args.display_paths:
            print(kernel.run(DISPLAY_PATHS))
            return
        rows = []
        for case in cases:
            print(f"measuring {case.lesson} {case.label} / {case.control}", flush=True)
            rows.append(measure(kernel, case, args.changes))
        if not args.only or "09" in args.only:
            print("measuring 09 drawing pad and live training plot", flush=True)
            rows += [measure_pad(kernel, args.changes), measure_live_plot(kernel)]
        print(f"ms per change, {args.changes} changes sent through the comm "
              "(kernel CPU all threads; wall until the new picture arrives)\n")
        print(table(rows, [("lesson", "lesson", "s"), ("explorer", "explorer", "s"),
                           ("control", "control", "s"), ("CPU median", "cpu_median", ".1f"),
                           ("CPU max", "cpu_max", ".1f"), ("wall median", "wall_median", ".1f"),
                           ("wall max", "wall_max", ".1f"),
                           ("update() CPU", "update_cpu_median", ".1f")]))
        for note in dict.fromkeys(case.note for case in cases if case.note):
            print(f"\n{note}")
        if args.burst and cases:
            seen, bursts = set(), []
            for case in cases:
                if case.factory not in seen:
                    seen.add(case.factory)
                    bursts.append(burst(kernel, case, args.burst))
            print(f"\nbursts: {args.burst} changes sent at once (a fast drag)\n")
            print(table(bursts, [("explorer", "explorer", "s"), ("control", "control", "s"),
                                 ("changes", "changes", "d"), ("renders", "renders", "d"),
                                 ("ms until the last value is drawn", "ms_until_last_drawn",
                                  ".0f")]))
    finally:
        kernel.stop()


if __name__ == "__main__":
    main()
