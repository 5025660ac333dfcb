//! Shell completions: the hidden `completions` subcommand prints a script
//! per shell, and the copies packages ship (packaging/completions/) are
//! exactly what the binary prints, so they cannot go stale.

use crate::common;

use std::path::Path;

use assert_cmd::Command;

/// The subcommands a person types; every script must offer them.
const SUBCOMMANDS: [&str; 7] = [
    "check",
    "layout",
    "render",
    "policy-script",
    "status",
    "netstats",
    "diag",
];

/// Each shell, a line only that shell's script format has, and the
/// committed file packages install.
const SHELLS: [(&str, &str, &str); 3] = [
    ("bash", "complete -F _zeek__systemd", "zeek-systemd.bash"),
    ("zsh", "#compdef zeek-systemd", "_zeek-systemd"),
    ("fish", "complete -c zeek-systemd", "zeek-systemd.fish"),
];

fn script(shell: &str) -> String {
    let output = Command::new(common::program())
        .args(["completions", shell])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "completions {shell} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 script")
}

#[test]
fn each_shell_gets_a_script_offering_every_subcommand_and_option() {
    for (shell, marker, _) in SHELLS {
        let text = script(shell);
        assert!(
            text.contains(marker),
            "{shell} script lacks {marker:?}:\n{text}"
        );
        for word in SUBCOMMANDS
            .iter()
            .chain(&["--config", "--host", "--deep", "--json", "--lines"])
        {
            // fish lists long options without their dashes (`-l config`).
            let word = if shell == "fish" {
                word.trim_start_matches("--")
            } else {
                word
            };
            assert!(
                text.contains(word),
                "{shell} script does not mention {word:?}"
            );
        }
    }
}

#[test]
fn committed_completion_files_match_the_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/completions");
    for (shell, _, file) in SHELLS {
        let path = dir.join(file);
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        assert!(
            committed == script(shell),
            "{} is stale: the command line changed; run packaging/gen-completions.sh and commit the result",
            path.display()
        );
    }
}

#[test]
fn unknown_shell_is_refused_and_completions_stay_out_of_help() {
    let refused = Command::new(common::program())
        .args(["completions", "tcsh"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("possible values: bash, zsh, fish"),
        "stderr:\n{stderr}"
    );
    let help = Command::new(common::program())
        .arg("--help")
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("policy-script"), "help:\n{help}");
    assert!(!help.contains("completions"), "help:\n{help}");
}
