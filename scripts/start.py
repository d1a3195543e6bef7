#!/usr/bin/env python3
"""Start the course: a virtual environment in .venv/, the course installed in it, JupyterLab.

    python3 scripts/start.py                   install when needed, then open JupyterLab
    python3 scripts/start.py --no-browser      the same, but only print JupyterLab's address
    python3 scripts/start.py --install-only    make or update .venv/ and stop
    python3 scripts/start.py --dry-run         say what would be done, change nothing
    python3 scripts/start.py -- --port 8899    arguments after -- go to `jupyter lab`

JupyterLab is rooted at the repository folder (so links between lessons/, exercises/ and
solutions/ work) and opens the course home, lessons/00_start_here.ipynb.

Re-running is safe and fast: .venv/nnedu-install.json records what was installed (a hash of
pyproject.toml, the Python version and the extras); when nothing changed, pip is not run.
This file uses the standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV = REPO / ".venv"
STAMP_NAME = "nnedu-install.json"
PIP_LOG_NAME = "nnedu-pip.log"
COURSE_HOME = "lessons/00_start_here.ipynb"
MIN_PYTHON = (3, 10)
PROGRESS_EVERY = 10.0  # seconds between progress lines while pip runs


def say(message: str) -> None:
    """One line of progress, flushed at once (the output may go to a pipe or a log)."""
    print(f"[start] {message}", flush=True)


def venv_python(venv: Path) -> Path:
    """The interpreter inside a virtual environment (bin/ on Linux/macOS, Scripts/ on Windows)."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def has_venv_module() -> bool:
    """True when this Python can make virtual environments with pip inside them.

    Debian and Ubuntu ship `venv` without `ensurepip` unless the python3-venv package is there.
    """
    try:
        import ensurepip  # noqa: F401
        import venv  # noqa: F401
    except ImportError:
        return False
    return True


def missing_venv_help() -> str:
    """What to type when the venv module is missing (Debian/Ubuntu split it off)."""
    sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
    return (
        f"This Python ({sys.executable}) cannot create virtual environments: its 'venv'/"
        "'ensurepip' modules are missing.\n"
        "On Debian or Ubuntu install them with:\n\n"
        f"    {sudo}apt-get install -y python3-venv\n\n"
        "then run this command again."
    )


def wanted_state(pyproject: Path, python_version: str, extras: list[str]) -> dict:
    """What .venv must hold: the pyproject.toml it was installed from, its Python, the extras."""
    digest = hashlib.sha256(pyproject.read_bytes()).hexdigest()
    return {"pyproject_sha256": digest, "python": python_version, "extras": sorted(set(extras))}


def read_stamp(venv: Path) -> dict | None:
    """The record of the last successful install, or None when there is none (or it is broken)."""
    try:
        stamp = json.loads((venv / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def venv_python_version(venv: Path) -> str | None:
    """The Python version a virtual environment was made with (from its pyvenv.cfg)."""
    try:
        lines = (venv / "pyvenv.cfg").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return value.strip()
    return None


def is_up_to_date(stamp: dict | None, wanted: dict) -> bool:
    """Same pyproject.toml and Python, and every wanted extra installed already."""
    if not stamp:
        return False
    return (stamp.get("pyproject_sha256") == wanted["pyproject_sha256"]
            and stamp.get("python") == wanted["python"]
            and set(wanted["extras"]) <= set(stamp.get("extras", [])))


def install_target(extras: list[str]) -> str:
    """The pip requirement for the repository itself: `.` or `.[test,browser]`."""
    return f".[{','.join(extras)}]" if extras else "."


def pip_command(python: Path, extras: list[str]) -> list[str]:
    """pip install -e . (editable: edits to nnedu/ count at once) with the wanted extras."""
    return [str(python), "-m", "pip", "install", "--disable-pip-version-check",
            "--progress-bar", "off", "-e", install_target(extras)]


def lab_command(python: Path, no_browser: bool, lab_args: list[str]) -> list[str]:
    """JupyterLab rooted at the repository, landing on the course home.

    `jupyter lab lessons/x.ipynb` would make lessons/ the root, and every link to
    ../exercises/ would fail. Instead the root is the repository and the start page (the
    address JupyterLab prints and opens) is the course home under it.
    """
    command = [str(python), "-m", "jupyterlab", f"--ServerApp.root_dir={REPO}"]
    if (REPO / COURSE_HOME).is_file():
        command.append(f"--LabApp.default_url=/lab/tree/{COURSE_HOME}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to start as root without it
    if no_browser:
        command.append("--no-browser")
    return command + lab_args


def trust_lessons(python: Path) -> None:
    """Mark the course's own lessons as trusted, so JupyterLab draws their saved widgets.

    JupyterLab shows the stored picture of a widget only in a trusted notebook; an untrusted
    one shows a line of text until its cell is run. The signature lives in the student's own
    Jupyter folder, so nothing in the repository changes.
    """
    lessons = sorted(str(path) for path in (REPO / "lessons").glob("*.ipynb"))
    if lessons:
        subprocess.run([str(python), "-m", "nbformat.sign", "--log-level=WARN", *lessons],
                       cwd=REPO, stdout=subprocess.DEVNULL, check=False)


def run_pip(command: list[str], log: Path) -> int:
    """Run pip with its output in a log file; print a progress line every few seconds.

    pip's own output is a few hundred lines; a student needs to see that it is alive and,
    if it fails, the end of the log.
    """
    start = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        next_report = start + PROGRESS_EVERY
        while process.poll() is None:
            time.sleep(0.5)
            if time.monotonic() >= next_report:
                next_report += PROGRESS_EVERY
                say(f"  {time.monotonic() - start:4.0f} s  {last_pip_step(log)}")
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        print("\n".join(tail), file=sys.stderr)
    return process.returncode


def last_pip_step(log: Path) -> str:
    """The latest 'Collecting …'/'Installing …' line of pip's log, shortened."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "pip is starting"
    for line in reversed(lines):
        line = line.strip()
        if line.startswith("Installing collected packages:"):
            count = len(line.split(":", 1)[1].split(","))
            return f"unpacking {count} packages into the environment (the longest part)"
        if line.startswith(("Collecting", "Downloading", "Installing", "Building",
                            "Obtaining", "Preparing", "Requirement already")):
            return line[:90]
    return "pip is working"


def make_venv(venv: Path) -> None:
    """A new virtual environment with pip in it (a broken one is replaced)."""
    if venv.exists():
        if not (venv / "pyvenv.cfg").is_file():
            raise SystemExit(f"[start] {venv} exists but is not a virtual environment; "
                             "move it away and run again.")
        say(f"{venv.name}/ is broken (no working Python inside): making it again")
        shutil.rmtree(venv)
    say(f"making the virtual environment {venv.name}/ with Python "
        f"{sys.version.split()[0]} ({sys.executable})")
    result = subprocess.run([sys.executable, "-m", "venv", str(venv)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)  # a half-made venv would fool the next run
        print(result.stdout + result.stderr, file=sys.stderr)
        raise SystemExit("[start] " + missing_venv_help())


def ensure_installed(extras: list[str], dry_run: bool = False) -> Path:
    """Make .venv/ and install the course into it unless it is up to date; return its Python."""
    python = venv_python(VENV)
    fresh = not python.exists()
    stamp = None if fresh else read_stamp(VENV)
    if not fresh:
        wanted = wanted_state(REPO / "pyproject.toml", venv_python_version(VENV) or "?", extras)
        if is_up_to_date(stamp, wanted):
            say(f"{VENV.name}/ is up to date (pyproject.toml, Python {wanted['python']} and "
                f"extras unchanged): nothing to install")
            return python
    # Reinstall what was there before as well, so that the record stays complete.
    extras = sorted(set(extras) | set(stamp.get("extras", []) if stamp else []))
    pip = pip_command(python, extras)
    if dry_run:
        if fresh:
            say(f"would make {VENV.name}/ with {sys.executable} -m venv")
        say(f"would run: {shlex.join(pip)}")
        return python
    if fresh:
        if not has_venv_module():
            raise SystemExit("[start] " + missing_venv_help())
        make_venv(VENV)
    wanted = wanted_state(REPO / "pyproject.toml", venv_python_version(VENV) or "?", extras)
    (VENV / STAMP_NAME).unlink(missing_ok=True)  # stays away until the install succeeded
    log = VENV / PIP_LOG_NAME
    say(f"installing the course into {VENV.name}/: pip install -e {install_target(extras)} "
        f"(the first time takes a few minutes; log: {log.relative_to(REPO)})")
    start = time.monotonic()
    if run_pip(pip, log) != 0:
        raise SystemExit(f"[start] pip could not install the course (full log: {log}). "
                         "Check the internet connection, then run this command again.")
    (VENV / STAMP_NAME).write_text(json.dumps(wanted, indent=1) + "\n", encoding="utf-8")
    say(f"installed in {time.monotonic() - start:.0f} s")
    return python


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python3 scripts/start.py",
        description="Install the course into .venv/ (when needed) and open JupyterLab on "
                    "the course home, rooted at the repository.")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser; JupyterLab prints the address to open")
    parser.add_argument("--install-only", action="store_true",
                        help="make or update .venv/ and stop (no JupyterLab)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print what would be installed and run; change nothing")
    parser.add_argument("--extras", default="",
                        help="comma-separated extras of pyproject.toml to install too, "
                             "e.g. test,browser,instructor")
    parser.add_argument("lab_args", nargs="*", metavar="-- LAB_ARGS",
                        help="arguments after -- go to `jupyter lab`")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if sys.version_info < MIN_PYTHON:
        raise SystemExit(f"[start] the course needs Python {'.'.join(map(str, MIN_PYTHON))} "
                         f"or newer; this is {sys.version.split()[0]} ({sys.executable}).")
    extras = [name.strip() for name in args.extras.split(",") if name.strip()]
    python = ensure_installed(extras, dry_run=args.dry_run)
    if args.install_only:
        return 0
    command = lab_command(python, args.no_browser, args.lab_args)
    if not (REPO / COURSE_HOME).is_file():
        say(f"{COURSE_HOME} is missing: JupyterLab opens the repository folder instead")
    if args.dry_run:
        say(f"would run: {shlex.join(command)}")
        return 0
    trust_lessons(python)
    say(f"JupyterLab on {COURSE_HOME}, rooted at {REPO} (stop it: Ctrl-C, then y)")
    say(shlex.join(command))
    if os.name == "nt":  # exec on Windows does not replace the process: run it instead
        return subprocess.call(command, cwd=REPO)
    os.chdir(REPO)
    os.execv(command[0], command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
