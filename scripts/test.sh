#!/usr/bin/env bash
# The one test command of the course: install, lint, unit + browser tests, then every notebook.
#
#   bash scripts/test.sh            # everything (what CI runs)
#   bash scripts/test.sh --fast     # no browser tests (also: NNEDU_FAST=1)
#   bash scripts/test.sh -- -k sigmoid     # extra arguments after -- go to the first pytest run
#
# Environment:
#   NNEDU_FAST=1           same as --fast
#   NNEDU_SKIP_INSTALL=1   do not run pip (the package is already installed in editable mode)
#   NNEDU_ARTIFACTS=DIR    where browser tests save screenshots (default tests/browser/artifacts)
#   NNEDU_CHROMIUM=PATH    another Chromium binary (default /usr/bin/chromium)
#   CI=true                a missing Chromium is an error instead of a skipped browser test
#
# Steps:
#   1. Debian's chromium for the browser tests (apt-get, only when root and it is missing)
#   2. python -m pip install -e ".[test,browser,instructor]"
#   3. ruff check .
#   4. pytest tests/                       unit, property, notebook hygiene and browser tests
#   5. pytest --nbval lessons/ solutions/  every notebook re-run and compared with its stored outputs
# A step that fails makes the script fail; so does a pytest run that collects no test.

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

fast="${NNEDU_FAST:-0}"
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --fast) fast=1 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done

PYTHON="${PYTHON:-python}"
chromium="${NNEDU_CHROMIUM:-/usr/bin/chromium}"
start_all=$SECONDS
failures=()

step() { printf '\n==== %s\n' "$*"; }

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

# ---------------------------------------------------------------- 1. Chromium
if [ "$fast" = 1 ]; then
    step "browser tests off (--fast): Chromium not needed"
elif [ -x "$chromium" ]; then
    step "Chromium: $("$chromium" --version 2>/dev/null || echo "$chromium")"
elif [ "$(id -u)" = 0 ] && [ "$chromium" = /usr/bin/chromium ]; then
    step "installing Debian's chromium for the browser tests (apt-get)"
    t=$SECONDS
    if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }; then
        echo "test.sh: ERROR: apt-get could not install chromium." >&2
        exit 1
    fi
    echo "chromium installed in $((SECONDS - t)) s"
else
    echo "test.sh: $chromium is missing and cannot be installed here (apt-get needs root and" >&2
    echo "         installs /usr/bin/chromium). Run 'sudo apt-get update && sudo apt-get install -y chromium'," >&2
    echo "         or use --fast to leave out the browser tests." >&2
    if [ "${CI:-}" = true ]; then exit 1; fi
    echo "         Continuing: the browser tests will be skipped." >&2
fi

# ---------------------------------------------------------------- 2. install
if [ "${NNEDU_SKIP_INSTALL:-0}" = 1 ]; then
    step "pip install skipped (NNEDU_SKIP_INSTALL=1)"
else
    step "python -m pip install -e .[test,browser,instructor]"
    t=$SECONDS
    if ! "$PYTHON" -m pip install --quiet --disable-pip-version-check -e ".[test,browser,instructor]"; then
        echo "test.sh: ERROR: pip could not install the package and its test extras." >&2
        exit 1
    fi
    echo "installed in $((SECONDS - t)) s"
fi

# ---------------------------------------------------------------- 3. lint
step "ruff check ."
if ! "$PYTHON" -m ruff check .; then
    failures+=("ruff check")
fi

# ---------------------------------------------------------------- 4. tests/
marker=()
if [ "$fast" = 1 ]; then marker=(-m "not browser"); fi
step "pytest tests/ ${marker[*]:+${marker[*]}}"
t=$SECONDS
"$PYTHON" -m pytest tests/ --durations=10 "${marker[@]}" "${extra[@]}"
check_pytest "pytest tests/" $?
echo "pytest tests/ took $((SECONDS - t)) s"

# ---------------------------------------------------------------- 5. notebooks
notebook_dirs=()
for dir in lessons solutions; do
    if [ -d "$dir" ] && [ -n "$(find "$dir" -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -print -quit)" ]; then
        notebook_dirs+=("$dir")
    fi
done
if [ ${#notebook_dirs[@]} -eq 0 ]; then
    step "no notebooks in lessons/ or solutions/ yet: nbval run skipped"
else
    step "pytest --nbval ${notebook_dirs[*]}"
    t=$SECONDS
    # The kernels get the same fixed environment as `python -m nnedu course execute`, which made the
    # stored outputs (hash seed, matplotlib backend and settings, one BLAS thread).
    (
        if ! kernel_exports="$("$PYTHON" -m nnedu course execute --print-env)"; then
            echo "test.sh: ERROR: 'python -m nnedu course execute --print-env' failed" >&2
            exit 3
        fi
        eval "$kernel_exports"
        exec "$PYTHON" -m pytest --nbval --nbval-current-env \
            --nbval-sanitize-with tests/nbval_sanitize.cfg \
            -p no:randomly "${notebook_dirs[@]}"
    )
    check_pytest "pytest --nbval" $?
    echo "pytest --nbval took $((SECONDS - t)) s"
fi

# ---------------------------------------------------------------- summary
printf '\n==== test.sh finished in %d s\n' $((SECONDS - start_all))
if [ ${#failures[@]} -gt 0 ]; then
    echo "FAILED steps:" >&2
    printf '  - %s\n' "${failures[@]}" >&2
    exit 1
fi
echo "all steps passed"
