#!/usr/bin/env bash
# Bounded fuzz run of every cargo-fuzz target in fuzz/ (see fuzz/README.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]     (default 60)
#
# Installs cargo-fuzz when it is missing, replays the saved reproducers in
# fuzz/regressions/<target>/, then fuzzes each target for the given time,
# starting from a temporary copy of fuzz/corpus/<target> (so the committed seeds
# never change). Prints, per target: seconds run, executions, corpus size, and
# what was found. Exits non-zero when any target crashed, leaked, ran out of
# memory or timed out, or when a reproducer still fails.
#
# Environment:
#   FUZZ_TARGETS            targets to run (default: all, "token_response config discovery unverified_jwt store_record agent_request registration")
#   FUZZ_DEBUG_ASSERTIONS   1 (default) builds with debug assertions and overflow checks
#   FUZZ_KEEP_CORPUS        a folder: the grown corpora are kept there (default: deleted)
#   CARGO_TARGET_DIR        default fuzz/target
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "usage: $0 [SECONDS_PER_TARGET]   (a positive whole number, default 60)" >&2
    exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz_dir="$root/fuzz"
targets="${FUZZ_TARGETS:-token_response config discovery unverified_jwt store_record agent_request registration}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$fuzz_dir/target}"
export CARGO_TERM_COLOR=never

# Longest input libFuzzer generates, per target: above the largest seed, well
# below the 1 MiB cap the HTTP layer puts on bodies (a larger input only makes
# each execution slower, not the parser different).
max_len() {
    case "$1" in
        discovery) echo 32768 ;;
        *) echo 16384 ;;
    esac
}

log() { printf '==> %s\n' "$*" >&2; }

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "error: a nightly toolchain is needed (rustup toolchain install nightly)" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    log "cargo-fuzz is missing: installing it from crates.io"
    cargo install cargo-fuzz --locked </dev/null
fi
log "$(cargo fuzz --version), $(cargo +nightly --version)"

build_flags=(--fuzz-dir "$fuzz_dir")
if [ "${FUZZ_DEBUG_ASSERTIONS:-1}" = 1 ]; then
    build_flags+=(--debug-assertions)
fi

cd "$root"
work="$(mktemp -d "${TMPDIR:-/tmp}/ooauthcc-fuzz.XXXXXX")"
cleanup() {
    if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
        mkdir -p "$FUZZ_KEEP_CORPUS"
        cp -r "$work"/corpus/. "$FUZZ_KEEP_CORPUS"/ 2>/dev/null || true
        log "grown corpora kept in $FUZZ_KEEP_CORPUS"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

for t in $targets; do
    log "building $t"
    cargo +nightly fuzz build "${build_flags[@]}" "$t" </dev/null
done

# libFuzzer's last "#N ..." status line and its final stats.
stat_of() { sed -n "s/^stat::$2: *\([0-9][0-9]*\).*/\1/p" "$1" | tail -n 1; }

failed=0
summary=()
for t in $targets; do
    # 1. Saved reproducers must no longer fail.
    regressions="$fuzz_dir/regressions/$t"
    reg_note="none saved"
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions" 2>/dev/null)" ]; then
        n=$(find "$regressions" -type f ! -name '*.md' | wc -l)
        if [ "$n" -gt 0 ]; then
            log "$t: replaying $n reproducer(s) from fuzz/regressions/$t"
            reg_log="$work/$t.regressions.log"
            # shellcheck disable=SC2046
            if cargo +nightly fuzz run "${build_flags[@]}" "$t" $(find "$regressions" -type f ! -name '*.md' | sort) \
                -- -rss_limit_mb=2048 -timeout=10 </dev/null >"$reg_log" 2>&1; then
                reg_note="$n replayed, all pass"
            else
                reg_note="$n replayed, FAILING (log: see above)"
                tail -n 60 "$reg_log" >&2
                failed=1
            fi
        fi
    fi

    # 2. A bounded run from a scratch copy of the seeds.
    corpus="$work/corpus/$t"
    artifacts="$work/artifacts/$t"
    mkdir -p "$corpus" "$artifacts"
    cp -r "$fuzz_dir/corpus/$t"/. "$corpus"/
    seeds=$(find "$corpus" -type f | wc -l)
    run_log="$work/$t.log"
    dict=()
    if [ -f "$fuzz_dir/dicts/$t.dict" ]; then
        dict=("-dict=$fuzz_dir/dicts/$t.dict")
    fi
    log "$t: fuzzing for ${seconds}s from $seeds seeds (max_len $(max_len "$t"))"
    start=$(date +%s)
    status=0
    cargo +nightly fuzz run "${build_flags[@]}" "$t" "$corpus" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len="$(max_len "$t")" \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
        </dev/null >"$run_log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))

    execs=$(stat_of "$run_log" number_of_executed_units)
    if [ -z "$execs" ]; then
        execs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$run_log" | tail -n 1)
    fi
    # libFuzzer's own time, without cargo's start-up (which may wait for a
    # build-directory lock held by another cargo).
    fuzzed=$(sed -n 's/^Done [0-9][0-9]* runs in \([0-9][0-9]*\) second.*/\1/p' "$run_log" | tail -n 1)
    rate=$(stat_of "$run_log" average_exec_per_sec)
    slowest=$(stat_of "$run_log" slowest_unit_time_sec)
    peak_rss=$(stat_of "$run_log" peak_rss_mb)
    corpus_now=$(find "$corpus" -type f | wc -l)
    cov=$(sed -n 's/^#[0-9][0-9]*[[:space:]][[:space:]]*DONE .*cov: \([0-9][0-9]*\).*/\1/p' "$run_log" | tail -n 1)

    found=()
    for a in "$artifacts"/*; do
        [ -e "$a" ] || continue
        kind="$(basename "$a")"
        kind="${kind%%-*}"
        mkdir -p "$fuzz_dir/artifacts/$t"
        cp "$a" "$fuzz_dir/artifacts/$t/"
        found+=("$kind: fuzz/artifacts/$t/$(basename "$a")")
    done
    if [ "$status" -ne 0 ] || [ "${#found[@]}" -gt 0 ]; then
        failed=1
        result="FAILED (exit $status)"
        echo "---- $t: libFuzzer output (last 80 lines) ----" >&2
        tail -n 80 "$run_log" >&2
        echo "----" >&2
    else
        result="no crash"
    fi
    mkdir -p "$fuzz_dir/artifacts/logs"
    cp "$run_log" "$fuzz_dir/artifacts/logs/$t.log"
    line="$t: fuzzed ${fuzzed:-?}s (${elapsed}s wall), ${execs:-?} executions (${rate:-?}/s), corpus $seeds -> $corpus_now inputs"
    line+=", coverage ${cov:-?} edges, slowest input ${slowest:-?}s, peak RSS ${peak_rss:-?} MB"
    line+=", reproducers: $reg_note, result: $result (log: fuzz/artifacts/logs/$t.log)"
    for f in "${found[@]}"; do
        line+=$'\n'"    $f"
    done
    summary+=("$line")
done

echo
echo "fuzz summary (${seconds}s per target):"
for s in "${summary[@]}"; do
    echo "  $s"
done
if [ "$failed" -ne 0 ]; then
    echo "FAILED: see the libFuzzer output above; reproduce with" >&2
    echo "  cargo +nightly fuzz run --fuzz-dir fuzz -a <target> fuzz/artifacts/<target>/<file>" >&2
    exit 1
fi
echo "all targets ran without a crash"
