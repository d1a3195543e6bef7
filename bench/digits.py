"""Benchmark: the 64-64-10 digits classifier, nnedu against scikit-learn's MLPClassifier.

    python bench/digits.py            # 5 seeds, prints a Markdown table for the README
    python bench/digits.py --seeds 2  # quicker

For each seed it trains on the digits split (test_size=0.2, random_state=42; the whole
training part, 1,437 digits) and records, per epoch, the test accuracy, so it can report:

* mean final test accuracy over the seeds;
* time to 97 % and to 98 % test accuracy (training time only; the per-epoch test
  evaluation used to *detect* the threshold is not counted);
* milliseconds per epoch (batch 32, one BLAS thread; ``--dtype float32`` or ``float64``).

On the reference machine float32 is *slower* than float64 over a whole run: late in training
some float32 values become subnormal, which the CPU handles slowly, and at this size numpy's
per-call overhead, not arithmetic, sets the pace. Hence float64 is the default here.

scikit-learn's ``MLPClassifier(hidden_layer_sizes=(64,))`` is measured in the same run on the
same split, one ``partial_fit`` epoch at a time, so the ratio between the two is fair even
when the machine is busy. Timings are never asserted in tests; they live here and in the README.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from nnedu.data import load_digits
from nnedu.network import mlp
from nnedu.optim import Adam
from nnedu.train import fit

EPOCHS = 100
SKLEARN_EPOCHS = 200  # MLPClassifier's default max_iter


def first_time_reaching(times: list[float], accs: list[float], target: float) -> float:
    """Cumulative training time at the first epoch whose test accuracy ≥ target (nan if never)."""
    for t, a in zip(times, accs):
        if a >= target:
            return t
    return float("nan")


def run_nnedu(seed: int, digits, dtype: type = np.float64) -> dict[str, float]:
    X = digits.X_train.astype(dtype)
    X_test = digits.X_test.astype(dtype)
    model = mlp((64, 64, 10), seed=seed, dtype=dtype)
    times: list[float] = []
    accs: list[float] = []
    clock = {"start": time.perf_counter(), "paused": 0.0}

    def after_epoch(epoch: int, logs: dict[str, float]) -> None:
        pause = time.perf_counter()
        times.append(pause - clock["start"] - clock["paused"])
        accs.append(float(np.mean(model.predict(X_test) == digits.y_test)))
        clock["paused"] += time.perf_counter() - pause

    fit(model, X, digits.y_train, optimizer=Adam(0.01, weight_decay=3e-4), epochs=EPOCHS,
        batch_size=32, seed=seed, progress=False, metrics=(), callback=after_epoch)
    return {"acc": accs[-1], "t97": first_time_reaching(times, accs, 0.97),
            "t98": first_time_reaching(times, accs, 0.98), "ms_epoch": 1000 * times[-1] / EPOCHS}


def run_sklearn(seed: int, digits) -> dict[str, float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(64,), random_state=seed)
    times: list[float] = []
    accs: list[float] = []
    total = 0.0
    classes = np.arange(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(SKLEARN_EPOCHS):
            start = time.perf_counter()
            clf.partial_fit(digits.X_train, digits.y_train, classes=classes)
            total += time.perf_counter() - start
            times.append(total)
            accs.append(clf.score(digits.X_test, digits.y_test))
    return {"acc": accs[-1], "t97": first_time_reaching(times, accs, 0.97),
            "t98": first_time_reaching(times, accs, 0.98),
            "ms_epoch": 1000 * total / SKLEARN_EPOCHS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = parser.parse_args()
    digits = load_digits(val_size=0)
    rows = {"nnedu": [], "scikit-learn": []}
    with threadpool_limits(limits=1):
        for seed in range(args.seeds):
            rows["nnedu"].append(run_nnedu(seed, digits, np.dtype(args.dtype).type))
            rows["scikit-learn"].append(run_sklearn(seed, digits))
            print(f"seed {seed}: nnedu {rows['nnedu'][-1]['acc']:.2%}, "
                  f"scikit-learn {rows['scikit-learn'][-1]['acc']:.2%}", flush=True)

    def mean(name: str, key: str) -> float:
        values = [r[key] for r in rows[name]]
        return float(np.nanmean(values)) if not np.all(np.isnan(values)) else float("nan")

    print(f"\nnnedu in {args.dtype}, one BLAS thread, batch 32")
    print("\n| model | mean test accuracy | time to 97 % | time to 98 % | ms per epoch |")
    print("|---|---|---|---|---|")
    for name in rows:
        accs = [r["acc"] for r in rows[name]]
        reached98 = sum(not np.isnan(r["t98"]) for r in rows[name])
        print(f"| {name} | {np.mean(accs):.2%} ({min(accs):.2%}–{max(accs):.2%}) "
              f"| {mean(name, 't97'):.3f} s | {mean(name, 't98'):.3f} s "
              f"({reached98}/{len(accs)} seeds) | {mean(name, 'ms_epoch'):.2f} |")
    ratio = mean("nnedu", "t97") / mean("scikit-learn", "t97")
    print(f"\ntime to 97 %: nnedu / scikit-learn = {ratio:.2f}")


if __name__ == "__main__":
    main()
