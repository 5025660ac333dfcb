#!/usr/bin/env bash
# Short fuzz run for CI (issue 4, SPEC 4.3): every target for
# FUZZ_SECONDS (30) seconds over its committed corpus, with the limits
# that make unbounded memory and hangs findings. Any crash, timeout or
# OOM fails the script; the input is left in fuzz/artifacts/<target>/.
#
# Stable toolchain: libFuzzer's coverage works without a sanitizer
# (`--sanitizer none`); AddressSanitizer would need a nightly rustc.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-30}
targets=(config_toml config_zeekconf)

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi

# All targets in one release build.
cargo fuzz build --sanitizer none

failed=0
for target in "${targets[@]}"; do
    dict=dict/${target#config_}.dict
    # New inputs go to a scratch dir (libFuzzer writes to the first
    # corpus dir only), so CI never changes the committed corpus.
    scratch=$(mktemp -d)
    log=$(mktemp)
    echo "fuzz: $target for ${seconds}s"
    status=0
    cargo fuzz run --sanitizer none "$target" "$scratch" "corpus/$target" "seeds/$target" -- \
        -dict="$dict" -rss_limit_mb=512 -timeout=5 -max_total_time="$seconds" \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
        grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$log" || true
        echo "fuzz: $target ok"
    else
        # The panic message comes before the backtrace that fills the tail.
        grep -m 5 -A 1 'panicked at' "$log" || true
        tail -n 60 "$log"
        echo "fuzz: $target FAILED (exit $status); the input is in fuzz/artifacts/$target/" >&2
        failed=1
    fi
    rm -rf "$scratch" "$log"
done
exit "$failed"
