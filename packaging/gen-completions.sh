#!/bin/sh
# Regenerates the shell completion scripts committed in packaging/completions/
# from the binary's own command definition. tests/cli_completions.rs fails when
# the committed files differ from what the binary prints, so run this after
# changing the command line (src/cli.rs):
#
#   packaging/gen-completions.sh            # builds with cargo, then writes
#   packaging/gen-completions.sh BINARY     # uses an already-built binary
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
    bin=$1
else
    cargo build --quiet --manifest-path "$root/Cargo.toml" --bin zeek-systemd-generator
    bin=$root/target/debug/zeek-systemd-generator
fi
out=$root/packaging/completions
mkdir -p "$out"
"$bin" completions bash > "$out/zeek-systemd-generator.bash"
"$bin" completions zsh > "$out/_zeek-systemd-generator"
"$bin" completions fish > "$out/zeek-systemd-generator.fish"
echo "wrote $out/zeek-systemd-generator.bash, _zeek-systemd-generator, zeek-systemd-generator.fish"
