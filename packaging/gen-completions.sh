#!/bin/sh
# Regenerates the shell completion scripts committed in packaging/completions/
# from the binary's own command definition (`zeek-systemd completions SHELL`;
# they complete the operator's command, zeek-systemd). tests/verbs/cli_completions.rs
# fails when the committed files differ from what the binary prints, so run
# this after changing the command line (src/cli.rs, the verbs' arguments):
#
#   packaging/gen-completions.sh            # builds with cargo, then writes
#   packaging/gen-completions.sh BINARY     # uses an already-built binary
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
    bin=$1
else
    cargo build --quiet --manifest-path "$root/Cargo.toml" --bin zeek-systemd
    bin=$root/target/debug/zeek-systemd
fi
out=$root/packaging/completions
mkdir -p "$out"
"$bin" completions bash > "$out/zeek-systemd.bash"
"$bin" completions zsh > "$out/_zeek-systemd"
"$bin" completions fish > "$out/zeek-systemd.fish"
echo "wrote $out/zeek-systemd.bash, _zeek-systemd, zeek-systemd.fish"
