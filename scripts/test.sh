#!/usr/bin/env bash
# The one test command of the course: install, lint, unit + browser tests, then every notebook.
#
#   bash scripts/test.sh            # everything (what CI runs)
#   bash scripts/test.sh --fast     # no browser tests (also: NNEDU_FAST=1)
#   bash scripts/test.sh -- -k sigmoid     # extra arguments after -- go to the first pytest run
#   bash scripts/test.sh -- tests/unit/test_cli.py   # only these tests (no nbval step)
#
# Environment:
#   NNEDU_FAST=1           same as --fast
#   PYTHON=path            test with this interpreter instead of the course's .venv/
#   NNEDU_SKIP_INSTALL=1   install nothing (no apt-get, no pip); test with $PYTHON, else .venv/
#   NNEDU_ARTIFACTS=DIR    where browser tests save screenshots (default tests/browser/artifacts)
#   NNEDU_CHROMIUM=PATH    another Chromium binary (default /usr/bin/chromium)
#   CI=true                a missing Chromium is an error instead of a skipped browser test
#
# Steps (each prints a line with the seconds elapsed since the start):
#   1. Debian's chromium for the browser tests (apt-get, only when root and it is missing;
#      it installs in the background while step 2 runs)
#   2. the course's virtual environment .venv/ with ".[test,browser,instructor]": the same
#      command as the README's first one (python3 scripts/start.py --install-only …), so it
#      works on a system Python that refuses pip; skipped when nothing changed
#   3. ruff check .
#   4. pytest tests/ -m browser -n 2       JupyterLab + Chromium, two workers, in the background
#                                          while steps 5 and 6 run
#   5. pytest tests/ -m "not browser"      unit, property, notebook hygiene, exercises, setup
#   6. pytest --nbval lessons/ solutions/  every notebook re-run and compared with its stored
#                                          outputs
# A step that fails makes the script fail; so does a pytest run that collects no test.

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

fast="${NNEDU_FAST:-0}"
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --fast) fast=1 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done

chromium="${NNEDU_CHROMIUM:-/usr/bin/chromium}"
skip_install="${NNEDU_SKIP_INSTALL:-0}"
start_all=$SECONDS
failures=()
logdir="$(mktemp -d "${TMPDIR:-/tmp}/nnedu-test.XXXXXX")"
trap 'rm -rf "$logdir"' EXIT

step() { printf '\n==== [%4d s] %s\n' $((SECONDS - start_all)) "$*"; }
note() { printf '     [%4d s] %s\n' $((SECONDS - start_all)) "$*"; }

# Wait for a background job, printing a line every 10 s; on failure show the end of its log.
# usage: wait_logged PID LABEL LOGFILE
wait_logged() {
    local pid="$1" label="$2" log="$3" t=$SECONDS ticks=0 code
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        ticks=$((ticks + 1))
        if [ $((ticks % 10)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
            note "$label: running for $((SECONDS - t)) s"
        fi
    done
    wait "$pid"; code=$?
    if [ "$code" -ne 0 ]; then
        echo "test.sh: ERROR: $label failed (exit $code); the end of its output:" >&2
        tail -n 40 "$log" >&2
    fi
    return "$code"
}

# pytest exits 5 when it collected no test: for this course that is a broken test setup.
check_pytest() {
    local name="$1" code="$2"
    if [ "$code" -eq 5 ]; then
        echo "test.sh: ERROR: '$name' collected no tests. The test files are missing or were" >&2
        echo "         not collected; a green run without tests would prove nothing." >&2
        failures+=("$name (no tests collected)")
    elif [ "$code" -ne 0 ]; then
        failures+=("$name (pytest exit $code)")
    fi
}

# ---------------------------------------------------------------- 1. Chromium (background)
apt_pid=""
if [ "$fast" = 1 ]; then
    step "browser tests off (--fast): Chromium not needed"
elif [ -x "$chromium" ]; then
    step "Chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"
elif [ "$skip_install" != 1 ] && [ "$(id -u)" = 0 ] && [ "$chromium" = /usr/bin/chromium ]; then
    step "Chromium: apt-get install --no-install-recommends chromium (in the background)"
    (
        export DEBIAN_FRONTEND=noninteractive
        apt-get -qq update && apt-get install -y -qq --no-install-recommends chromium
    ) >"$logdir/apt.log" 2>&1 &
    apt_pid=$!
else
    echo "test.sh: $chromium is missing and cannot be installed here (apt-get needs root and" >&2
    echo "         installs /usr/bin/chromium). Run 'sudo apt-get update && sudo apt-get install" >&2
    echo "         -y --no-install-recommends chromium', or use --fast to leave out the browser tests." >&2
    if [ "${CI:-}" = true ]; then exit 1; fi
    echo "         Continuing: the browser tests will be skipped." >&2
fi

# ---------------------------------------------------------------- 2. install
if [ "$skip_install" = 1 ]; then
    PYTHON="${PYTHON:-.venv/bin/python}"
    step "install skipped (NNEDU_SKIP_INSTALL=1): testing with $PYTHON"
    if ! "$PYTHON" -c "import nnedu" 2>/dev/null; then
        echo "test.sh: ERROR: $PYTHON cannot import nnedu. Run without NNEDU_SKIP_INSTALL once" >&2
        echo "         (it makes .venv/), or set PYTHON to an interpreter that has the course." >&2
        exit 1
    fi
elif [ -n "${PYTHON:-}" ]; then
    step "pip install -e .[test,browser,instructor] into $PYTHON (PYTHON is set)"
    "$PYTHON" -m pip install --disable-pip-version-check -e ".[test,browser,instructor]" \
        >"$logdir/pip.log" 2>&1 &
    if ! wait_logged $! "pip install" "$logdir/pip.log"; then exit 1; fi
else
    step "course environment .venv/: python3 scripts/start.py --install-only --extras test,browser,instructor"
    if ! python3 scripts/start.py --install-only --extras test,browser,instructor; then
        echo "test.sh: ERROR: the course environment could not be installed." >&2
        exit 1
    fi
    PYTHON=.venv/bin/python
fi
if [ -n "$apt_pid" ]; then
    note "waiting for apt-get (chromium)"
    if ! wait_logged "$apt_pid" "apt-get install chromium" "$logdir/apt.log"; then exit 1; fi
    if ! version="$("$chromium" --version 2>/dev/null)"; then
        echo "test.sh: ERROR: apt-get finished but $chromium does not run; its output:" >&2
        tail -n 40 "$logdir/apt.log" >&2
        exit 1
    fi
    note "Chromium installed: $version"
fi

# ---------------------------------------------------------------- 3. lint
step "ruff check ."
if ! "$PYTHON" -m ruff check .; then
    failures+=("ruff check")
fi

# ---------------------------------------------------------------- 4. tests/
# Test paths named after -- replace tests/ (and leave out the nbval step): a quick partial run.
targets=(tests/)
for arg in "${extra[@]}"; do
    if [ -e "${arg%%::*}" ]; then targets=(); break; fi
done
# usage: run_pytest NAME ARGS...  (one pytest process, one line per test file)
run_pytest() {
    local name="$1" t=$SECONDS
    shift
    step "$name (one line per test file)"
    "$PYTHON" -m pytest -o console_output_style=count --durations=10 "$@"
    check_pytest "$name" $?
    note "$name took $((SECONDS - t)) s"
}
# Jobs started in the background; their output is printed when they end (see the end).
bg_names=() bg_pids=() bg_logs=() bg_starts=()
# usage: start_background NAME COMMAND...
start_background() {
    local name="$1" log
    shift
    log="$logdir/background-${#bg_pids[@]}.log"
    step "$name: started in the background (its output below when it ends)"
    "$@" >"$log" 2>&1 &
    bg_names+=("$name") bg_pids+=($!) bg_logs+=("$log") bg_starts+=($SECONDS)
}

# The notebooks, with the same fixed kernel environment as `python -m nnedu course execute`,
# which made the stored outputs (hash seed, matplotlib backend and settings, one BLAS thread).
run_nbval() {
    local kernel_exports
    if ! kernel_exports="$("$PYTHON" -m nnedu course execute --print-env)"; then
        echo "test.sh: ERROR: 'python -m nnedu course execute --print-env' failed" >&2
        return 3
    fi
    (
        eval "$kernel_exports"
        exec "$PYTHON" -m pytest --nbval --nbval-current-env \
            --nbval-sanitize-with tests/nbval_sanitize.cfg -o console_output_style=count \
            -p no:randomly "$@"
    )
}

notebook_dirs=()
for dir in lessons solutions; do
    if [ -d "$dir" ] && [ -n "$(find "$dir" -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -print -quit)" ]; then
        notebook_dirs+=("$dir")
    fi
done

if [ ${#extra[@]} -gt 0 ]; then
    marker=()
    if [ "$fast" = 1 ]; then marker=(-m "not browser"); fi
    run_pytest "pytest ${targets[*]:+${targets[*]} }${extra[*]}" "${targets[@]}" "${marker[@]}" "${extra[@]}"
else
    # The browser tests run in the background (in processes of their own: Playwright's event
    # loop stays behind in a process and would change how the widget unit tests' explorers
    # update; two workers, as they mostly wait for JupyterLab and Chromium) while the unit
    # tests and then the notebooks run in front, so that both cores stay busy. A third
    # process at once made kernels start too slowly for nbgrader.
    if [ "$fast" != 1 ]; then
        workers=()
        if "$PYTHON" -c "import xdist" 2>/dev/null; then workers=(-n 2); fi
        start_background "pytest tests/ -m browser ${workers[*]}" \
            "$PYTHON" -m pytest --durations=10 "${workers[@]}" tests/ -m browser
    fi
    run_pytest "pytest tests/ -m 'not browser'" tests/ -m "not browser"
    if [ ${#notebook_dirs[@]} -gt 0 ]; then
        t=$SECONDS
        step "pytest --nbval ${notebook_dirs[*]} (one line per notebook)"
        run_nbval "${notebook_dirs[@]}"
        check_pytest "pytest --nbval" $?
        note "pytest --nbval took $((SECONDS - t)) s"
    else
        step "no notebooks in lessons/ or solutions/ yet: nbval run skipped"
    fi
fi
if [ ${#targets[@]} -eq 0 ]; then
    step "nbval step left out: only the tests named after -- were run"
fi

# ---------------------------------------------------------------- background jobs' results
for i in "${!bg_pids[@]}"; do
    step "${bg_names[$i]}: waiting for it to end"
    wait "${bg_pids[$i]}"
    code=$?
    cat "${bg_logs[$i]}"
    check_pytest "${bg_names[$i]}" "$code"
    note "${bg_names[$i]} took $((SECONDS - bg_starts[i])) s (alongside the steps above)"
done

# ---------------------------------------------------------------- summary
step "test.sh finished in $((SECONDS - start_all)) s"
if [ ${#failures[@]} -gt 0 ]; then
    echo "FAILED steps:" >&2
    printf '  - %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "all steps passed"
