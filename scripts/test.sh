#!/usr/bin/env bash
# test.sh -- install what the tests need and run the whole suite, as CI does.
#
# Steps (each logged to build/test-logs/<step>.log):
#   deps       scripts/install-deps.sh (Debian packages), then a check for kubectl
#   build      make                   -> bin/everynode
#   unit       make unit              (cmocka)
#   e2e        make e2e               (pytest, real server + real kubectl)
#   san-build  make SAN=1             -> build/san/bin/everynode (ASan + UBSan)
#   san-unit   make SAN=1 unit
#   san-e2e    make SAN=1 e2e         (EVERYNODE_BIN = the sanitizer build)
#   cppcheck   make cppcheck
# A failing step does not stop the later independent ones, so one run shows
# everything that is wrong; steps that need a failed one are skipped.  The
# script exits non-zero if any step failed and ends with the pytest/cmocka
# summaries and one "total: N passed, N failed" line.
#
# .ci/run execs this script; README.md documents it as the test command.
# Environment: JOBS (parallel make jobs, default 2), SKIP_SAN=1 to leave out
# the sanitizer steps when iterating locally.
set -uo pipefail

cd "$(dirname "$0")/.."
LOGDIR=build/test-logs
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.log  # a skipped step must not be summarised from an older run
JOBS=${JOBS:-2}

# Sanitizer settings, inherited by unit tests and by the servers e2e starts
# (slow unwinding on malloc: leak reports then show our frames, not only libjansson).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:fast_unwind_on_malloc=0:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# -rfE: list failures and errors at the end; no cache dir inside the tree.
export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} -rfE -p no:cacheprovider"

declare -a NAMES=() RESULTS=() TIMES=()
any_failed=0

# run_step NAME TIMEOUT_SECONDS CMD... : run, log, record PASS/FAIL.
run_step() {
    local name=$1 limit=$2
    shift 2
    local log="$LOGDIR/$name.log" start rc
    echo
    # The load average tells a later reader whether a slow step was slow
    # itself or ran on a busy machine.
    echo "=== [$name] $* (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    start=$(date +%s)
    if declare -F "$1" >/dev/null; then
        "$@" 2>&1 | tee "$log"
    else
        timeout --kill-after=30 "$limit" "$@" 2>&1 | tee "$log"
    fi
    rc=${PIPESTATUS[0]}
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "=== [$name] timed out after ${limit}s" | tee -a "$log"
    fi
    NAMES+=("$name")
    TIMES+=("$(( $(date +%s) - start ))s")
    if [ "$rc" -eq 0 ]; then
        RESULTS+=("PASS")
    else
        RESULTS+=("FAIL (rc $rc)")
        any_failed=1
    fi
    return "$rc"
}

# report_leftovers STEP: name any process an e2e step left running (tests
# must clean up what they start; this shows which did not).  Diagnostic
# only: it does not change the result.
report_leftovers() {
    local left
    left=$(ps -eo pid=,etimes=,args= | grep -E 'everynode|runc|docker-registry|en-shim' |
           grep -vE 'grep -E|scripts/test.sh' || true)
    if [ -n "$left" ]; then
        echo "=== [$1] processes still running after the step:"
        echo "$left"
    fi
}

skip_step() {
    NAMES+=("$1")
    RESULTS+=("SKIPPED ($2)")
    TIMES+=("-")
    any_failed=1
}

check_kubectl() {
    if [ ! -x /usr/bin/kubectl ]; then
        echo "ERROR: /usr/bin/kubectl not found."
        echo "kubectl is not a Debian package, so install-deps.sh cannot install it."
        echo "The e2e tests drive the real kubectl (v1.32, the gcloud dispatcher at"
        echo "/usr/bin/kubectl); install it there and run this script again."
        return 1
    fi
    echo "kubectl: $(/usr/bin/kubectl version --client 2>/dev/null | head -n 1)"
    local v found=""
    for v in 27 28 29 30 31 32 33; do
        [ -x "/usr/lib/google-cloud-sdk/bin/kubectl.1.$v" ] && found="$found 1.$v"
    done
    echo "versioned kubectl binaries:${found:- none (their tests will be skipped)}"
}

deps_ok=1
run_step deps 1200 scripts/install-deps.sh || deps_ok=0
run_step kubectl 60 check_kubectl || deps_ok=0

build_ok=0
if run_step build 1200 make -j"$JOBS"; then build_ok=1; fi
if [ $build_ok -eq 1 ]; then
    run_step unit 900 make unit
    if [ $deps_ok -eq 1 ]; then
        run_step e2e 1800 make e2e
        report_leftovers e2e
    else
        skip_step e2e "deps/kubectl missing"
    fi
else
    skip_step unit "build failed"
    skip_step e2e "build failed"
fi

if [ "${SKIP_SAN:-0}" = "1" ]; then
    echo "SKIP_SAN=1: sanitizer steps left out"
else
    san_ok=0
    if run_step san-build 1500 make SAN=1 -j"$JOBS"; then san_ok=1; fi
    if [ $san_ok -eq 1 ]; then
        run_step san-unit 1200 make SAN=1 unit
        if [ $deps_ok -eq 1 ]; then
            run_step san-e2e 2400 make SAN=1 e2e
            report_leftovers san-e2e
        else
            skip_step san-e2e "deps/kubectl missing"
        fi
    else
        skip_step san-unit "san-build failed"
        skip_step san-e2e "san-build failed"
    fi
fi

run_step cppcheck 900 make cppcheck

# ---- summary ----------------------------------------------------------------
total_pass=0 total_fail=0 total_skip=0

count() {  # count WORD LINE: the number before WORD in LINE, or 0
    local n
    n=$(grep -oE "[0-9]+ $1" <<<"$2" | head -n 1 | grep -oE '^[0-9]+')
    echo "${n:-0}"
}

# pytest's closing line, e.g. "2 failed, 118 passed, 3 skipped in 41.02s".
pytest_summary() {
    local line
    line=$(grep -E '[0-9]+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed)(, [0-9]+ [a-z]+)* in [0-9.]+s' "$1" | tail -n 1)
    [ -n "$line" ] || line=$(grep -E 'no tests ran' "$1" | tail -n 1)
    echo "${line:-no pytest summary found}"
    total_pass=$((total_pass + $(count passed "$line")))
    total_fail=$((total_fail + $(count failed "$line") + $(count 'errors?' "$line")))
    total_skip=$((total_skip + $(count skipped "$line")))
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)..." per binary;
# a binary that crashed before its summary counts as one failure.
cmocka_summary() {
    local p f bins finished crashed
    p=$(awk '/^\[  PASSED  \] [0-9]+ test/ {s += $4} END {print s + 0}' "$1")
    f=$(awk '/^\[  FAILED  \] [0-9]+ test/ {s += $4} END {print s + 0}' "$1")
    bins=$(grep -cE '^== ' "$1")
    finished=$(grep -cE '^\[==========\] [0-9]+ test\(s\) run\.' "$1")
    crashed=$(( bins > finished ? bins - finished : 0 ))
    echo "$bins test binaries: $p passed, $f failed, $crashed crashed or stopped early"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f + crashed))
}

echo
echo "=================================== summary ==================================="
for i in "${!NAMES[@]}"; do
    printf '%-10s %-28s %s\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${TIMES[$i]}"
done
echo
for step in unit san-unit; do
    [ -f "$LOGDIR/$step.log" ] && { printf '%-10s cmocka: ' "$step"; cmocka_summary "$LOGDIR/$step.log"; }
done
for step in e2e san-e2e; do
    [ -f "$LOGDIR/$step.log" ] && { printf '%-10s pytest: ' "$step"; pytest_summary "$LOGDIR/$step.log"; }
done
echo "logs: $LOGDIR/"
if [ $any_failed -ne 0 ]; then
    echo "RESULT: FAILED"
else
    echo "RESULT: OK"
fi
echo "total: $total_pass passed, $total_fail failed, $total_skip skipped"
exit $any_failed
