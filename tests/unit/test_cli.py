"""`python -m nnedu`: help, the default digits run (≥ 97.5 % test accuracy), bad arguments."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnedu.__main__ import DIGITS_DEFAULTS, DIGITS_RECIPE, build_parser, main, train_digits
from nnedu.network import Sequential

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnedu", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_help():
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    assert "usage: python -m nnedu" in result.stdout
    assert "train-digits" in result.stdout and "course" in result.stdout


def test_train_digits_help_lists_the_options():
    result = run_cli("train-digits", "--help")
    assert result.returncode == 0, result.stderr
    for option in ("--hidden", "--activation", "--optimizer", "--lr", "--weight-decay",
                   "--epochs", "--early-stopping", "--batch-size", "--seed", "--no-progress",
                   "--save"):
        assert option in result.stdout


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "train-digits" in capsys.readouterr().out


@pytest.mark.slow
def test_default_train_digits_reaches_97_5_percent():
    result = run_cli("train-digits", "--no-progress")
    assert result.returncode == 0, result.stderr
    match = re.search(r"test accuracy: (\d+(?:\.\d+)?)%", result.stdout)
    assert match, result.stdout
    assert float(match.group(1)) >= 97.5, result.stdout
    trained = re.search(r"trained (\d+) epochs", result.stdout)
    assert trained and 1 <= int(trained.group(1)) <= DIGITS_DEFAULTS["epochs"]


def test_short_run_in_process_saves_a_loadable_model(tmp_path, capsys):
    path = tmp_path / "digits.npz"
    code = main(["train-digits", "--epochs", "2", "--hidden", "8", "--no-progress",
                 "--save", str(path)])
    out = capsys.readouterr().out
    assert code == 0
    accuracy = float(re.search(r"test accuracy: (\d+(?:\.\d+)?)%", out).group(1))
    assert 0.0 <= accuracy <= 100.0
    assert f"model saved to {path}" in out
    model = Sequential.load(path)
    assert [(n, p.shape) for n, p in model.named_parameters()] == [
        ("dense_1.W", (64, 8)), ("dense_1.b", (8,)), ("dense_2.W", (8, 10)), ("dense_2.b", (10,))]
    assert model.predict(np.zeros((3, 64))).shape == (3,)


def test_parser_defaults_match_the_documented_configuration():
    args = build_parser().parse_args(["train-digits"])
    for key, value in DIGITS_DEFAULTS.items():
        assert getattr(args, key) == value, key
    assert args.no_progress is False and args.save is None


@pytest.mark.parametrize(("args", "fragments"), [
    (["--lr", "-1"], ["argument --lr", "positive", "-1"]),
    (["--lr", "0"], ["argument --lr", "positive"]),
    (["--lr", "fast"], ["argument --lr"]),
    (["--optimizer", "adma"], ["argument --optimizer", "invalid choice: 'adma'", "adam"]),
    (["--activation", "rleu"], ["argument --activation", "invalid choice: 'rleu'", "relu"]),
    (["--epochs", "0"], ["argument --epochs", "≥ 1", "0"]),
    (["--hidden", "-3"], ["argument --hidden", "≥ 1"]),
    (["--batch-size", "two"], ["argument --batch-size"]),
    (["--early-stopping", "0"], ["argument --early-stopping", "≥ 1"]),
    (["--weight-decay", "lots"], ["argument --weight-decay"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
    (["--schedule", "linear"], ["argument --schedule", "invalid choice: 'linear'", "cosine"]),
], ids=["lr-negative", "lr-zero", "lr-text", "optimizer-typo", "activation-typo", "epochs-zero",
        "hidden-negative", "batch-size-text", "early-stopping-zero", "weight-decay-text",
        "unknown-option", "schedule-typo"])
def test_bad_arguments_exit_with_a_message(args, fragments):
    result = run_cli("train-digits", *args)
    assert result.returncode != 0
    assert "error:" in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "test accuracy" not in result.stdout  # nothing was trained


def test_unknown_command():
    result = run_cli("train-digitz")
    assert result.returncode != 0
    assert "invalid choice: 'train-digitz'" in result.stderr


def test_infinite_learning_rate_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["train-digits", "--lr", "inf"])
    assert exit_info.value.code == 2
    assert "argument --lr" in capsys.readouterr().err


def test_negative_weight_decay_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["train-digits", "--weight-decay", "-1"])
    assert exit_info.value.code == 2
    assert "argument --weight-decay" in capsys.readouterr().err


def test_the_recipe_options_reach_the_optimizer(monkeypatch):
    """--schedule cosine with the DIGITS_RECIPE numbers trains with exactly those settings."""
    import nnedu.train

    seen = {}
    real_fit = nnedu.train.fit

    def spy(model, X, y, **kwargs):
        opt = kwargs["optimizer"]
        seen.update(lr=opt.lr, weight_decay=opt.weight_decay, epochs=kwargs["epochs"],
                    factors=[opt.schedule(e) for e in (0, 25, 50)] if opt.schedule else None)
        return real_fit(model, X, y, **{**kwargs, "epochs": 1})

    monkeypatch.setattr(nnedu.train, "fit", spy)
    args = build_parser().parse_args(
        ["train-digits", "--lr", "0.02", "--weight-decay", "1e-3", "--schedule", "cosine",
         "--epochs", "50"])
    assert args.schedule == "cosine"
    train_digits(lr=args.lr, weight_decay=args.weight_decay, epochs=args.epochs,
                 schedule=args.schedule, progress=False)
    assert seen == {"lr": DIGITS_RECIPE["lr"], "weight_decay": DIGITS_RECIPE["weight_decay"],
                    "epochs": DIGITS_RECIPE["epochs"], "factors": [1.0, 0.5, 0.0]}
    assert {k: v for k, v in DIGITS_RECIPE.items() if k not in ("lr", "weight_decay",
                                                                 "schedule", "epochs")} == \
        {k: v for k, v in DIGITS_DEFAULTS.items() if k not in ("lr", "weight_decay", "epochs")}
