"""Benchmark: the 64-64-10 digits classifier — nnedu, a clean minimal numpy loop, scikit-learn.

    python bench/digits.py             # 5 seeds, prints Markdown tables for the README
    python bench/digits.py --seeds 2   # quicker
    python bench/digits.py --dtype float32
    python bench/digits.py --recipe adam100   # the train-digits default: Adam 0.01, 100 epochs

All three train on the same digits split (test_size=0.2, random_state=42; the whole training
part, 1,437 digits), scaled the same way (pixels / 16), in one process, one BLAS thread:

* **nnedu**: ``nnedu.train.fit`` with the faster digits recipe chosen on the validation part
  (``nnedu.__main__.DIGITS_RECIPE``: Adam, lr 0.02 with a cosine schedule, L2 1e-3, 50
  epochs, batch 32; ``--recipe adam100`` runs the ``train-digits`` default instead, Adam
  0.01, L2 3e-4, 100 epochs),
  without the per-epoch scoring of the training set (``evaluate_train=False``; the other
  two do not score it either);
* **minimal**: ``bench/minimal.py``, the same recipe written as one plain numpy loop, the
  yardstick for what nnedu's readable layers cost per epoch;
* **scikit-learn**: ``MLPClassifier(hidden_layer_sizes=(64,))`` with its defaults. Its whole
  ``fit`` is timed as is (it stops by its own rule or at ``max_iter=200``); its learning curve
  (time to 97 % / 98 %) comes from a second run, one ``partial_fit`` epoch at a time.

For each seed the test accuracy is recorded after every epoch (that evaluation is not
counted in the times), so the table shows the final accuracy (mean [min, max] over seeds),
the training time until the test accuracy first reaches 97 % and 98 % (median over the
seeds that reach it, and how many do), ms per epoch and µs per step, and the whole fit —
each as CPU time (``time.process_time``) and wall time. CPU time is the fairer figure on a
shared machine; medians are reported for the same reason.

float32 (``--dtype float32``), now that it stays float32 end to end: measured 2026-12-06 on
the loaded 2-core machine, nnedu took 4.2 ms CPU per epoch against 5.2–5.4 in float64 (about
20 % less) with the same accuracy range, and the minimal loop 3.4–3.6 against 4.3; no
slowdown from subnormal numbers showed, also over 100 epochs. At this size most of a step
is per-call overhead, which float32 does not shrink, so the gain stays modest.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from minimal import predict_minimal, train_minimal  # noqa: E402

from nnedu.__main__ import DIGITS_DEFAULTS, DIGITS_RECIPE  # noqa: E402
from nnedu.data import load_digits  # noqa: E402
from nnedu.network import mlp  # noqa: E402
from nnedu.optim import cosine, get_optimizer  # noqa: E402
from nnedu.train import fit  # noqa: E402

SKLEARN_MAX_ITER = 200  # MLPClassifier's default


class Clock:
    """CPU and wall time of training only: ``pause()``/``resume()`` around evaluation."""

    def __init__(self) -> None:
        self.cpu = self.wall = 0.0
        self.resume()

    def resume(self) -> None:
        self._cpu0, self._wall0 = time.process_time(), time.perf_counter()

    def pause(self) -> tuple[float, float]:
        self.cpu += time.process_time() - self._cpu0
        self.wall += time.perf_counter() - self._wall0
        return self.cpu, self.wall


def first_reaching(curve: list[tuple[float, float, float]], target: float) -> tuple[float, float]:
    """(cpu, wall) seconds at the first epoch whose test accuracy ≥ target (nan if never)."""
    for cpu, wall, acc in curve:
        if acc >= target - 1e-12:
            return cpu, wall
    return float("nan"), float("nan")


def summarise(curve: list[tuple[float, float, float]], epochs: int, steps: int,
              fit_cpu: float | None = None, fit_wall: float | None = None) -> dict[str, float]:
    cpu, wall, acc = curve[-1]
    fit_cpu = cpu if fit_cpu is None else fit_cpu
    fit_wall = wall if fit_wall is None else fit_wall
    (c97, w97), (c98, w98) = first_reaching(curve, 0.97), first_reaching(curve, 0.98)
    return {"acc": acc, "cpu97": c97, "wall97": w97, "cpu98": c98, "wall98": w98,
            "ms_epoch_cpu": 1000 * cpu / epochs, "ms_epoch_wall": 1000 * wall / epochs,
            "us_step_cpu": 1e6 * cpu / (epochs * steps), "fit_cpu": fit_cpu,
            "fit_wall": fit_wall, "epochs": epochs}


#: The fastest recipe to a first 98 % that the sweeps found: SGD with momentum (μ = 0.9),
#: η = 0.2 with a cosine schedule, L2 1e-3, 30 epochs, batch 32 (``--recipe momentum30``).
MOMENTUM30 = {"optimizer": "momentum", "lr": 0.2, "weight_decay": 1e-3, "epochs": 30,
              "batch_size": 32, "schedule": "cosine", "momentum": 0.9}


def recipe(name: str = "default") -> dict:
    """The training settings: DIGITS_RECIPE ("default"), DIGITS_DEFAULTS ("adam100") or
    MOMENTUM30 ("momentum30")."""
    if name == "momentum30":
        return dict(MOMENTUM30)
    d = DIGITS_DEFAULTS if name == "adam100" else DIGITS_RECIPE
    return {"optimizer": d["optimizer"], "lr": d["lr"], "weight_decay": d["weight_decay"],
            "epochs": d["epochs"], "batch_size": d["batch_size"],
            "schedule": d.get("schedule"), "momentum": d.get("momentum", 0.9)}


def run_nnedu(seed: int, X, y, X_test, y_test, r: dict) -> dict[str, float]:
    model = mlp((64, 64, 10), seed=seed, dtype=X.dtype.type)
    kwargs = {"lr": r["lr"], "weight_decay": r["weight_decay"]}
    if r["optimizer"] in ("momentum", "nesterov"):
        kwargs["momentum"] = r["momentum"]
    if r["schedule"] == "cosine":
        kwargs["schedule"] = cosine(r["epochs"])
    curve = []
    clock = Clock()

    def after_epoch(epoch: int, logs: dict[str, float]) -> None:
        cpu, wall = clock.pause()
        curve.append((cpu, wall, float(np.mean(model.predict(X_test) == y_test))))
        clock.resume()

    fit(model, X, y, optimizer=get_optimizer(r["optimizer"], **kwargs), epochs=r["epochs"],
        batch_size=r["batch_size"], seed=seed, progress=False, metrics=(),
        evaluate_train=False, callback=after_epoch)
    return summarise(curve, r["epochs"], -(-len(X) // r["batch_size"]))


def run_minimal(seed: int, X, y, X_test, y_test, r: dict) -> dict[str, float]:
    curve = []
    clock = Clock()

    def after_epoch(epoch: int, params) -> None:
        cpu, wall = clock.pause()
        curve.append((cpu, wall, float(np.mean(predict_minimal(params, X_test) == y_test))))
        clock.resume()

    train_minimal(X, y, seed=seed, optimizer="adam" if r["optimizer"] == "adam" else "sgd",
                  lr=r["lr"], weight_decay=r["weight_decay"],
                  momentum=r["momentum"] if r["optimizer"] in ("momentum", "nesterov") else 0.0,
                  epochs=r["epochs"], batch_size=r["batch_size"], schedule=r["schedule"],
                  after_epoch=after_epoch)
    return summarise(curve, r["epochs"], -(-len(X) // r["batch_size"]))


def run_sklearn(seed: int, X, y, X_test, y_test) -> dict[str, float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=seed)
        clock = Clock()
        clf.fit(X, y)
        fit_cpu, fit_wall = clock.pause()
        acc = clf.score(X_test, y_test)
        n_iter = clf.n_iter_
        curve = []  # the learning curve, one partial_fit epoch at a time
        clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=seed)
        clock = Clock()
        for _ in range(n_iter):
            clf.partial_fit(X, y, classes=np.arange(10))
            cpu, wall = clock.pause()
            curve.append((cpu, wall, clf.score(X_test, y_test)))
            clock.resume()
    steps = -(-len(X) // min(200, len(X)))
    out = summarise(curve, n_iter, steps, fit_cpu, fit_wall)
    out["acc"] = acc  # the real fit's accuracy
    return out


def table(rows: dict[str, list[dict[str, float]]]) -> str:
    def med(name: str, key: str) -> float:
        values = [r[key] for r in rows[name] if not np.isnan(r[key])]
        return float(np.median(values)) if values else float("nan")

    def reach(name: str, key: str) -> str:
        hits = [r[key] for r in rows[name] if not np.isnan(r[key])]
        if not hits:
            return "never"
        return (f"{1000 * np.median(hits):.0f} ms (max {1000 * max(hits):.0f}; "
                f"{len(hits)}/{len(rows[name])})")

    lines = ["| | acc mean [min, max] | ms/epoch CPU (wall) | µs/step CPU | to 97 % CPU "
             "| to 98 % CPU | whole fit CPU (wall) | epochs |",
             "|---|---|---|---|---|---|---|---|"]
    for name in rows:
        accs = [100 * r["acc"] for r in rows[name]]
        lines.append(
            f"| {name} | {np.mean(accs):.2f} [{min(accs):.2f}, {max(accs):.2f}] "
            f"| {med(name, 'ms_epoch_cpu'):.2f} ({med(name, 'ms_epoch_wall'):.2f}) "
            f"| {med(name, 'us_step_cpu'):.0f} | {reach(name, 'cpu97')} | {reach(name, 'cpu98')} "
            f"| {1000 * med(name, 'fit_cpu'):.0f} ms ({1000 * med(name, 'fit_wall'):.0f} ms) "
            f"| {med(name, 'epochs'):.0f} |")
    lines.append("")
    paired = [a["ms_epoch_cpu"] / b["ms_epoch_cpu"] for a, b in zip(rows["nnedu"], rows["minimal"])]
    lines.append(f"nnedu / minimal, ms per epoch (CPU): "
                 f"{med('nnedu', 'ms_epoch_cpu') / med('minimal', 'ms_epoch_cpu'):.2f} "
                 f"(median of the per-seed ratios, each seed run back to back: "
                 f"{np.median(paired):.2f})")
    if "scikit-learn" in rows:
        lines.append(f"nnedu / scikit-learn, whole fit (CPU): "
                     f"{med('nnedu', 'fit_cpu') / med('scikit-learn', 'fit_cpu'):.2f}")
    lines.append(f"nnedu / minimal, time to 98 % (CPU): "
                 f"{med('nnedu', 'cpu98') / med('minimal', 'cpu98'):.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--skip-sklearn", action="store_true")
    parser.add_argument("--recipe", choices=["default", "adam100", "momentum30"],
                        default="default",
                        help="DIGITS_RECIPE (default), the train-digits default (Adam 0.01 "
                             "for 100 epochs) or SGD with momentum for 30 epochs")
    args = parser.parse_args()
    digits = load_digits(val_size=0)
    dtype = np.dtype(args.dtype)
    X, X_test = digits.X_train.astype(dtype), digits.X_test.astype(dtype)
    y, y_test = digits.y_train, digits.y_test
    r = recipe(args.recipe)
    rows: dict[str, list[dict[str, float]]] = {"nnedu": [], "minimal": []}
    if not args.skip_sklearn:
        rows["scikit-learn"] = []
    with threadpool_limits(limits=1):
        for seed in range(args.seeds):
            rows["nnedu"].append(run_nnedu(seed, X, y, X_test, y_test, r))
            rows["minimal"].append(run_minimal(seed, X, y, X_test, y_test, r))
            if not args.skip_sklearn:
                rows["scikit-learn"].append(run_sklearn(seed, X, y, X_test, y_test))
            print(f"seed {seed}: " + ", ".join(f"{k} {v[-1]['acc']:.2%}" for k, v in rows.items()),
                  flush=True)
    print(f"\nrecipe: {r}; {args.dtype}; one BLAS thread; {args.seeds} seeds; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
