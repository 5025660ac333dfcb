//! The calling convention and the boot-time rules (SPEC 4.0, 4.1), run on
//! the binary as systemd and people run it.

use crate::common;

use std::path::Path;

use assert_cmd::Command;

const CONFIG: &str = r#"
[[interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 2
"#;

/// A config dir with `cluster.toml` and an empty output dir.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new(config: Option<&str>) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("etc")).unwrap();
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        if let Some(text) = config {
            std::fs::write(dir.path().join("etc/cluster.toml"), text).unwrap();
        }
        Setup { dir }
    }

    fn out(&self) -> std::path::PathBuf {
        self.dir.path().join("out")
    }

    fn generator(&self) -> Command {
        let mut cmd = Command::new(common::program());
        cmd.env("ZEEK_SYSTEMD_CONFIG_DIR", self.dir.path().join("etc"))
            .env("SYSTEMD_PROC_CMDLINE", "quiet splash")
            .env("ZEEK_SYSTEMD_LOG", "stderr")
            .env_remove("SYSTEMD_IN_INITRD")
            .env_remove("SYSTEMD_SCOPE");
        cmd
    }

    fn written(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.out())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

fn assert_empty(dir: &Path) {
    assert_eq!(
        std::fs::read_dir(dir).unwrap().count(),
        0,
        "{} is not empty",
        dir.display()
    );
}

#[test]
fn one_output_dir_generates() {
    let s = Setup::new(Some(CONFIG));
    s.generator().arg(s.out()).assert().success();
    let written = s.written();
    for name in [
        "zeek.target",
        "zeek@.service",
        "zeek-setup.service",
        "zeek-archiver.service",
        "zeek@worker-eth1-2.service.d",
    ] {
        assert!(
            written.contains(&name.to_string()),
            "{name} missing from {written:?}"
        );
    }
}

#[test]
fn three_output_dirs_write_only_into_the_normal_one() {
    let s = Setup::new(Some(CONFIG));
    let early = s.dir.path().join("early");
    let late = s.dir.path().join("late");
    std::fs::create_dir_all(&early).unwrap();
    std::fs::create_dir_all(&late).unwrap();
    s.generator()
        .arg(s.out())
        .arg(&early)
        .arg(&late)
        .assert()
        .success();
    assert!(!s.written().is_empty());
    assert_empty(&early);
    assert_empty(&late);
}

#[test]
fn two_or_four_output_dirs_are_a_usage_error() {
    let s = Setup::new(Some(CONFIG));
    for count in [2, 4] {
        let dirs: Vec<_> = (0..count).map(|_| s.out()).collect();
        s.generator()
            .args(&dirs)
            .assert()
            .failure()
            .stderr(predicates::str::contains(
                "expected 1 or 3 output directories",
            ));
    }
    assert_empty(&s.out());
}

#[test]
fn no_config_writes_nothing_and_succeeds() {
    let s = Setup::new(None);
    s.generator().arg(s.out()).assert().success().stderr("");
    assert_empty(&s.out());
}

#[test]
fn no_config_is_an_error_for_check() {
    let s = Setup::new(None);
    s.generator()
        .arg("check")
        .assert()
        .failure()
        .stderr(predicates::str::contains("no cluster config found"));
}

#[test]
fn nothing_in_the_initrd_or_for_a_user_manager() {
    let s = Setup::new(Some(CONFIG));
    s.generator()
        .env("SYSTEMD_IN_INITRD", "1")
        .arg(s.out())
        .assert()
        .success();
    assert_empty(&s.out());
    s.generator()
        .env("SYSTEMD_SCOPE", "user")
        .arg(s.out())
        .assert()
        .success();
    assert_empty(&s.out());
}

#[test]
fn kernel_command_line_can_turn_the_cluster_off() {
    let s = Setup::new(Some(CONFIG));
    for off in [
        "zeek.cluster=0",
        "quiet zeek.cluster=off",
        "zeek.cluster=1 zeek.cluster=no",
    ] {
        s.generator()
            .env("SYSTEMD_PROC_CMDLINE", off)
            .arg(s.out())
            .assert()
            .success()
            .stderr(predicates::str::contains(
                "zeek.cluster=0 on the kernel command line",
            ));
        assert_empty(&s.out());
    }
    // The last word wins, as for systemd's own switches.
    s.generator()
        .env("SYSTEMD_PROC_CMDLINE", "zeek.cluster=0 zeek.cluster=1")
        .arg(s.out())
        .assert()
        .success();
    assert!(!s.written().is_empty());
}

#[test]
fn an_invalid_config_under_systemd_leaves_a_target_that_says_why() {
    let s = Setup::new(Some(
        "[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 0\n",
    ));
    s.generator()
        .env("SYSTEMD_SCOPE", "system")
        .arg(s.out())
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "cluster.toml:4: [[interface]] workers:",
        ));
    assert_eq!(s.written(), ["zeek.target"]);
    let target = std::fs::read_to_string(s.out().join("zeek.target")).unwrap();
    assert!(
        target.contains("Description=Zeek cluster: INVALID CONFIG: "),
        "{target}"
    );
    assert!(
        target.contains("cluster.toml:4: [[interface]] workers: must be between 1 and"),
        "{target}"
    );
    assert!(target.contains("AssertPathExists="), "{target}");
}

#[test]
fn an_invalid_config_run_by_a_person_writes_nothing() {
    let s = Setup::new(Some("[zeek]\nnope = 1\n"));
    s.generator()
        .arg(s.out())
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "cluster.toml:2: [zeek] nope: unknown key",
        ));
    assert_empty(&s.out());
}

#[test]
fn subcommands_after_global_options() {
    let s = Setup::new(Some(CONFIG));
    let config = s.dir.path().join("etc/cluster.toml");
    s.generator()
        .arg("--config")
        .arg(&config)
        .arg("check")
        .assert()
        .success()
        .stdout(predicates::str::contains("worker-eth1-2"));
    s.generator()
        .arg("render")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "# /run/systemd/generator/zeek@worker-eth1-1.service.d/50-zeek-systemd-generator.conf",
        ));
}

#[test]
fn layout_is_written_atomically_to_a_file() {
    let s = Setup::new(Some(CONFIG));
    let file = s.dir.path().join("cluster-layout.zeek");
    s.generator()
        .arg("layout")
        .arg("-o")
        .arg(&file)
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("redef Cluster::nodes += {"), "{text}");
    assert!(text.contains(r#"["worker-eth1-2"] = [$node_type=Cluster::WORKER, $ip=127.0.0.1, $manager="manager", $metrics_port=9995/tcp],"#), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn version_and_help() {
    let s = Setup::new(None);
    s.generator()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicates::str::contains(env!("CARGO_PKG_VERSION")));
    s.generator()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicates::str::contains("check"));
}

/// The node template as the generator writes it when systemd `version`
/// (read from a fake `/proc/1/maps`) runs it, for a config `restart_sec`
/// (`None`: not set).
fn template_under_systemd(version: &str, restart_sec: Option<u32>) -> String {
    let setting = restart_sec.map_or(String::new(), |s| format!("restart_sec = {s}\n"));
    let s = Setup::new(Some(&format!("[zeek]\n{setting}{CONFIG}")));
    let maps =
        format!("7f00-7f01 r-xp 0 fe:01 1 /usr/lib/systemd/libsystemd-shared-{version}.so\n");
    let machine = common::machine_root(&[("proc/1/maps", &maps)]);
    s.generator()
        .env("SYSTEMD_SCOPE", "system")
        .env(common::ROOT_ENV, machine.path())
        .arg(s.out())
        .assert()
        .success();
    std::fs::read_to_string(s.out().join("zeek@.service")).unwrap()
}

#[test]
fn restart_back_off_only_where_the_running_systemd_has_it() {
    let new = template_under_systemd("255", Some(1));
    assert!(new.contains("\nRestartSteps=5\n"), "{new}");
    assert!(new.contains("\nRestartMaxDelaySec=60\n"), "{new}");
    assert!(new.contains("\nRestartSec=1\n"), "{new}");

    // systemd 252 would log "Unknown key name" for them.
    let old = template_under_systemd("252", Some(1));
    assert!(!old.contains("\nRestartSteps="), "{old}");
    assert!(!old.contains("\nRestartMaxDelaySec="), "{old}");
    assert!(old.contains("No restart back-off: systemd 252"), "{old}");

    // A restart delay of two minutes is longer than the back-off's cap.
    let slow = template_under_systemd("256", Some(120));
    assert!(!slow.contains("\nRestartSteps="), "{slow}");
}

/// No `restart_sec` (issue 20): a sub-second first restart, backing off
/// over ten failed starts where systemd can; without back-off the delay
/// measured to keep a crash loop cheap.
#[test]
fn restart_delay_is_chosen_for_the_running_systemd_when_unset() {
    let new = template_under_systemd("255", None);
    assert!(new.contains("\nRestartSec=100ms\n"), "{new}");
    assert!(new.contains("\nRestartSteps=10\n"), "{new}");
    assert!(new.contains("\nRestartMaxDelaySec=60\n"), "{new}");

    // systemd counts back-off restarts since the last start by hand: the
    // crash hook starts the count over after a healthy run.
    let hook = |t: &str| {
        t.lines()
            .find(|l| l.starts_with("ExecStopPost=+"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        hook(&new).contains("-ge 600 ]; then systemctl reset-failed"),
        "{new}"
    );

    let old = template_under_systemd("252", None);
    assert!(!hook(&old).contains("reset-failed"), "{old}");
    assert!(old.contains("\nRestartSec=500ms\n"), "{old}");
    assert!(!old.contains("\nRestartSteps="), "{old}");
    assert!(
        old.contains("restart_sec is not set: without back-off"),
        "{old}"
    );
}

#[test]
fn a_person_running_the_generator_gets_no_back_off_guess() {
    let s = Setup::new(Some(CONFIG));
    s.generator().arg(s.out()).assert().success();
    let template = std::fs::read_to_string(s.out().join("zeek@.service")).unwrap();
    assert!(!template.contains("\nRestartSteps="), "{template}");
    assert!(!template.contains("restart back-off"), "{template}");
}

/// Issue 26: a word that is not a verb is a usage error naming the verb
/// meant, never output directories the generator writes into.
#[test]
fn a_word_that_is_not_a_verb_is_a_usage_error_with_the_closest_verb() {
    let s = Setup::new(Some(CONFIG));
    s.generator()
        .current_dir(s.dir.path())
        .arg("stauts")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `status`?"));
}

#[test]
fn zeekctl_verbs_name_what_replaces_them_and_write_nothing() {
    let s = Setup::new(Some(CONFIG));
    // A directory of the verb's name must not become an output dir.
    std::fs::create_dir(s.dir.path().join("start")).unwrap();
    for (word, instead) in [
        ("start", "`systemctl start zeek.target`"),
        ("stop", "`systemctl stop zeek.target`"),
        ("nodes", "`zeek-systemd check`"),
        ("install", "`zeek-systemd deploy`"),
        ("cron", "nothing to do"),
        ("capstats", "`zeek-systemd netstats`"),
    ] {
        s.generator()
            .current_dir(s.dir.path())
            .arg(word)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "`{word}` is a ZeekControl command"
            )))
            .stderr(predicates::str::contains(instead));
    }
    assert_empty(&s.dir.path().join("start"));
}

#[test]
fn no_arguments_prints_the_verbs_and_is_a_usage_error() {
    let s = Setup::new(Some(CONFIG));
    let out = s.generator().assert().code(2).get_output().clone();
    let help = String::from_utf8_lossy(&out.stderr);
    assert!(help.contains("Usage: zeek-systemd <VERB>"), "{help}");
    assert!(help.contains("\nVerbs:\n  check "), "{help}");
    assert!(!help.contains("[DIR]"), "{help}");
}

/// systemd runs the generator by its installed name: then (and with
/// absolute directories) the arguments are output directories.
#[test]
fn under_the_generator_name_relative_dirs_are_output_dirs() {
    let s = Setup::new(Some(CONFIG));
    let link = s.dir.path().join("zeek-systemd-generator");
    std::os::unix::fs::symlink(common::program(), &link).unwrap();
    let mut cmd = Command::new(&link);
    cmd.env("ZEEK_SYSTEMD_CONFIG_DIR", s.dir.path().join("etc"))
        .env("SYSTEMD_PROC_CMDLINE", "quiet splash")
        .env_remove("SYSTEMD_IN_INITRD")
        .env_remove("SYSTEMD_SCOPE")
        .current_dir(s.dir.path())
        .arg("out")
        .assert()
        .success();
    assert!(s.written().contains(&"zeek.target".to_string()));
    // The same relative dir given to `zeek-systemd` is a mistyped verb.
    std::fs::remove_dir_all(s.out()).unwrap();
    std::fs::create_dir(s.out()).unwrap();
    s.generator()
        .current_dir(s.dir.path())
        .arg("out")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`out` is not a verb"));
    assert_empty(&s.out());
}

fn help_of(words: &[&str]) -> String {
    let out = Command::new(common::program())
        .args(words)
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success(), "{words:?} --help failed");
    String::from_utf8(out.stdout).unwrap()
}

/// `--config` and `--host` show where they mean something only.
#[test]
fn config_and_host_are_options_of_the_verbs_they_mean_something_to() {
    for verb in ["check", "render", "layout", "status", "diag", "netstats"] {
        let help = help_of(&[verb]);
        assert!(help.contains("--config <PATH>"), "{verb}: {help}");
        assert!(help.contains("--host <NAME>"), "{verb}: {help}");
    }
    let deploy = help_of(&["deploy"]);
    assert!(deploy.contains("--config <PATH>"), "{deploy}");
    assert!(!deploy.contains("--host"), "{deploy}");
    for words in [
        &["secrets", "create"][..],
        &["import-zeekctl"],
        &["policy-script"],
        &[],
    ] {
        let help = help_of(words);
        assert!(!help.contains("--config"), "{words:?}: {help}");
        assert!(!help.contains("--host"), "{words:?}: {help}");
    }
    Command::new(common::program())
        .args(["--config", "/etc/zeek/cluster.toml", "secrets", "create"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("mean nothing to this verb"));
}

const TWO_HOSTS: &str = r#"
[cluster]
encryption = false

[hosts.mgr]
address = "10.0.0.1"
manager = true
proxies = 1

[hosts.sensor1]
address = "10.0.0.2"
[[hosts.sensor1.interface]]
name = "eth1"
capture = "af_packet::eth1"
workers = 2
"#;

/// `--host` is shortened and lower-cased as the machine's hostname is, and
/// one that names no host is an error, not zero nodes.
#[test]
fn host_is_read_as_a_hostname_and_must_name_a_host() {
    let s = Setup::new(Some(TWO_HOSTS));
    s.generator()
        .args(["check", "--host", "SENSOR1.example.org"])
        .assert()
        .success()
        .stdout(predicates::str::contains("sensor1-worker-eth1-2"));
    s.generator()
        .args(["check", "--host", "sensor2"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--host sensor2: "))
        .stderr(predicates::str::contains("(its hosts: mgr, sensor1)"));
}
