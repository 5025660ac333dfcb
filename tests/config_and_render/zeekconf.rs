//! Zeek's `zeek.conf` format (SPEC 2.4). One multi-host directory
//! (`tests/fixtures/zeekconf/multi/basic/`) is a whole-tree snapshot of every
//! host: the generator's messages, everything it writes and `layout`.
//! Every other config is a case about some directives: single-host
//! configs in `tests/fixtures/zeekconf/configs/` (installed as
//! `<root>/etc/zeek/zeek.conf`) with `NAME.expect` beside them, and
//! `tests/fixtures/zeekconf/multi/ipv6/` with `multi-expect/ipv6.HOST.expect` (see
//! `common::scratch::check_expectations`). Bad configs are in
//! `tests/fixtures/bad/*.conf` (tests/config_and_render/bad_configs.rs).
//!
//! What these configs make systemd run, and their layouts, are compared
//! with Zeek's own generator and `zeek-cluster-layout-generator -C` by
//! tests/differential/; `layout_matches_zeek_baselines` checks
//! the facts of Zeek's layout baselines without Zeek's programs.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::scratch::{check_expectations, Root, INSTALLED_GENERATOR};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zeekconf")
}

/// A root whose `etc/zeek/zeek.conf` holds `text`.
fn single(text: &str) -> Root {
    Root::with_config("zeek.conf", text)
}

/// A root whose `etc/zeek/cluster/` holds `files`.
fn multi(files: &[(String, String)]) -> Root {
    let root = Root::new();
    for (name, text) in files {
        root.write_config(&format!("cluster/{name}"), text);
    }
    root
}

/// Text with the scratch root cut out.
fn clean(root: &Root, text: &[u8]) -> String {
    root.strip(&String::from_utf8_lossy(text))
}

/// Generates (as systemd would) and lays out, asserting success; returns
/// the snapshot text: warnings, the unit tree, the layout.
fn generate_and_layout(root: &Root, generator_args: &[&str], layout_args: &[&str]) -> String {
    let warnings = root.generate(generator_args);
    let (layout, _) = root.run_ok(layout_args);
    format!(
        "## generator messages\n{}\n## units\n{}## layout\n{}",
        if warnings.is_empty() {
            "(none)\n"
        } else {
            &warnings
        },
        root.tree_text(),
        layout
    )
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../fixtures/zeekconf/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

/// The single-host configs (`*.conf` in `tests/fixtures/zeekconf/configs/`), sorted.
fn single_host_configs() -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = fs::read_dir(data_dir().join("configs"))
        .expect("configs dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    names.sort();
    names
}

/// Reads the expectation file of a case.
fn expectation(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every single-host config, found as `/etc/zeek/zeek.conf` (no
/// `--config`), generates what its `.expect` file says.
#[test]
fn single_host_cases_have_their_directives() {
    let configs = single_host_configs();
    assert!(
        configs.len() >= 10,
        "expected at least 10 configs, found {}",
        configs.len()
    );
    let mut failures = Vec::new();
    for config in configs {
        let expect = expectation(&config.with_extension("expect"));
        let root = single(&fs::read_to_string(&config).expect("read config"));
        let warnings = root.generate(&[]);
        for failure in check_expectations(&root, &expect, &warnings, &[]) {
            failures.push(format!("{}: {failure}", config.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// (file name, text) pairs of a multi-host directory.
type Files = Vec<(String, String)>;

fn multi_files(name: &str) -> Files {
    let mut files: Vec<(String, String)> = fs::read_dir(data_dir().join("multi").join(name))
        .expect("multi dir")
        .map(|e| {
            let path = e.expect("entry").path();
            (
                path.file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                fs::read_to_string(&path).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The layout a host prints, without its header line (the only line that
/// names the host's own file).
fn layout_body(out: &str) -> String {
    let layout = out.split("## layout\n").nth(1).expect("layout part");
    layout.lines().skip(1).collect::<Vec<_>>().join("\n")
}

/// Every host of the snapshotted multi-host directory: `--config <dir>
/// --host H`. The layout must be the same on every host.
#[test]
fn golden_multi_host_directory() {
    let files = multi_files("basic");
    let mut layouts = Vec::new();
    for host in ["c-mgr", "wkr-1", "wkr-2"] {
        let root = multi(&files);
        let cluster = root.config_dir().join("cluster").display().to_string();
        let out = generate_and_layout(
            &root,
            &["--config", &cluster, "--host", host],
            &["layout", "--config", &cluster, "--host", host],
        );
        snapshot(&format!("multi-basic-{host}"), &out);
        layouts.push(layout_body(&out));
    }
    assert!(
        layouts.windows(2).all(|w| w[0] == w[1]),
        "basic: hosts disagree on the layout"
    );
}

/// Every host of the IPv6 multi-host directory generates what
/// `multi-expect/ipv6.HOST.expect` says, and all print the same layout.
#[test]
fn multi_host_ipv6_case_has_its_directives() {
    let files = multi_files("ipv6");
    let mut failures = Vec::new();
    let mut layouts = Vec::new();
    for host in ["mgr", "sensor-a"] {
        let expect = expectation(&data_dir().join(format!("multi-expect/ipv6.{host}.expect")));
        let root = multi(&files);
        let cluster = root.config_dir().join("cluster").display().to_string();
        let args = ["--config", cluster.as_str(), "--host", host];
        let warnings = root.generate(&args);
        for failure in check_expectations(&root, &expect, &warnings, &args) {
            failures.push(format!("ipv6 --host {host}: {failure}"));
        }
        let (layout, _) = root.run_ok(&["layout", "--config", &cluster, "--host", host]);
        layouts.push(layout.lines().skip(1).collect::<Vec<_>>().join("\n"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(layouts[0], layouts[1], "ipv6: hosts disagree on the layout");
}

/// The facts of Zeek's layout baselines, checked line by line.
#[test]
fn layout_matches_zeek_baselines() {
    let layout = |text: &str| {
        let root = single(text);
        let out = root.run(&["layout"]);
        assert!(out.status.success(), "{}", clean(&root, &out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    // Zeek's "-L 0 -P 2 -W 2" baseline.
    let text = layout("manager = 1\nloggers = 0\nproxies = 2\ninterface = eth0\nworkers = 2\n");
    let nodes: Vec<&str> = text.lines().filter(|l| l.starts_with("    [")).collect();
    assert_eq!(
        nodes,
        [
            r#"    ["manager"] = [$node_type=Cluster::MANAGER, $ip=127.0.0.1, $p=27760/tcp, $metrics_port=9991/tcp],"#,
            r#"    ["proxy-1"] = [$node_type=Cluster::PROXY, $ip=127.0.0.1, $p=27761/tcp, $manager="manager", $metrics_port=9992/tcp],"#,
            r#"    ["proxy-2"] = [$node_type=Cluster::PROXY, $ip=127.0.0.1, $p=27762/tcp, $manager="manager", $metrics_port=9993/tcp],"#,
            r#"    ["worker-1"] = [$node_type=Cluster::WORKER, $ip=127.0.0.1, $manager="manager", $metrics_port=9994/tcp],"#,
            r#"    ["worker-2"] = [$node_type=Cluster::WORKER, $ip=127.0.0.1, $manager="manager", $metrics_port=9995/tcp],"#,
        ]
    );
    assert!(text.contains("};\n\nredef Cluster::manager_is_logger = T;\n\n@load"));
    // No manager on this host: ports from the proxies, no
    // manager_is_logger line, and (as `zeek-cluster-layout-generator -C`
    // has it) the manager still named on every node.
    let text = layout("manager = 0\nloggers = 0\nproxies = 2\ninterface = eth0\nworkers = 2\n");
    assert_eq!(text.matches("$manager=\"manager\"").count(), 4);
    assert!(!text.contains("manager_is_logger"));
    assert!(text.contains(r#"["proxy-1"] = [$node_type=Cluster::PROXY, $ip=127.0.0.1, $p=27760/tcp, $manager="manager", $metrics_port=9991/tcp]"#));
    assert!(text.contains("};\n\n\n@load"));
    // "-x host-01": every node but the manager prefixed.
    let text = layout("manager = 1\nloggers = 1\nproxies = 1\ncluster_node_prefix = host-01\ninterface = eth0\nworkers = 1\n");
    for name in [
        "\"manager\"",
        "\"host-01-logger-1\"",
        "\"host-01-proxy-1\"",
        "\"host-01-worker-1\"",
    ] {
        assert!(
            text.contains(&format!("    [{name}]")),
            "{name} missing:\n{text}"
        );
    }
    assert!(text.contains("redef Cluster::manager_is_logger = F;"));
    // Metrics off: every node says 0/tcp.
    let text = layout(
        "manager = 1\nloggers = 1\nproxies = 1\nmetrics_port = 0\ninterface = eth0\nworkers = 2\n",
    );
    assert_eq!(text.matches("$metrics_port=0/tcp").count(), 5);
}

/// The same host's nodes and processes from a `--config <host>.zeek.conf`
/// file as from the directory: Zeek treats such a file as the host's file.
#[test]
fn host_file_means_its_directory() {
    let root = multi(&multi_files("basic"));
    let dir = root.config_dir().join("cluster");
    let by_dir = root.run(&[
        "layout",
        "--config",
        &dir.display().to_string(),
        "--host",
        "wkr-1",
    ]);
    let file = dir.join("wkr-1.zeek.conf").display().to_string();
    let by_file = root.run(&["layout", "--config", &file]);
    assert!(by_dir.status.success() && by_file.status.success());
    let body = |o: &Output| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&by_dir), body(&by_file));
    let check = root.run(&["check", "--config", &file]);
    let table = String::from_utf8_lossy(&check.stdout);
    assert!(table.contains("wkr-1-worker-eth1-1"), "{table}");
    assert!(!table.contains("c-mgr-logger-1"), "{table}");
}

/// cluster.toml, then cluster/<hostname>.zeek.conf, then zeek.conf (the
/// zeek.conf forms in the order Zeek's generator looks for them).
#[test]
fn lookup_order() {
    // The short, lower-cased hostname, as the generator reads it.
    let full = nix::unistd::gethostname().expect("hostname");
    let full = full.to_string_lossy();
    let hostname = full.split('.').next().unwrap_or(&full).to_ascii_lowercase();
    let root = Root::new();
    let node_names = |root: &Root| {
        let out = root.run(&["check"]);
        assert!(out.status.success(), "{}", clean(root, &out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let cluster = root.config_dir().join("cluster");
    fs::create_dir_all(&cluster).expect("cluster dir");
    fs::write(
        cluster.join(format!("{hostname}.zeek.conf")),
        "manager = 1\ninterface = eth9\nworkers = 1\n",
    )
    .expect("write");
    assert!(node_names(&root).contains(&format!("{hostname}-worker-1")));
    fs::write(
        root.config_dir().join("zeek.conf"),
        "interface = eth0\nworkers = 2\n",
    )
    .expect("write");
    // This host's file of a multi-host directory wins over zeek.conf, as
    // in Zeek's generator.
    let table = node_names(&root);
    assert!(table.contains(&format!("{hostname}-worker-1")), "{table}");
    fs::remove_file(cluster.join(format!("{hostname}.zeek.conf"))).expect("remove");
    let table = node_names(&root);
    assert!(
        table.contains("worker-2") && !table.contains(&hostname),
        "{table}"
    );
    fs::write(
        root.config_dir().join("cluster.toml"),
        "[[interface]]\nname = \"tomleth\"\ncapture = \"eth0\"\nworkers = 1\n",
    )
    .expect("write");
    assert!(node_names(&root).contains("worker-tomleth-1"));
}

/// Errors that involve several host files name the file that has them.
#[test]
fn multi_host_errors() {
    let base = multi_files("basic");
    let with = |name: &str, text: &str| {
        let mut files: Vec<(String, String)> =
            base.iter().filter(|(n, _)| n != name).cloned().collect();
        files.push((name.to_string(), text.to_string()));
        files
    };
    let cases: Vec<(Files, &str, String)> = vec![
        // A worker host that gives an interface but no workers.
        (
            with(
                "wkr-2.zeek.conf",
                "loggers = 0\nproxies = 0\ninterface = eth1\n",
            ),
            "wkr-2.zeek.conf:3: interface: ",
            "found interface but no workers option".into(),
        ),
        // A second manager, given explicitly: located at its line.
        (
            with(
                "wkr-2.zeek.conf",
                "loggers = 0\nproxies = 0\nmanager = 1\ninterface = eth1\nworkers = 1\n",
            ),
            "wkr-2.zeek.conf:3: manager: ",
            "too many manager nodes".into(),
        ),
        // An error in another host's file stops this host too.
        (
            with(
                "wkr-2.zeek.conf",
                "manager = 0\nloggers = 0\nproxies = 0\nworkers = 2x\n",
            ),
            "wkr-2.zeek.conf:4: workers: ",
            "invalid workers value".into(),
        ),
    ];
    for (files, location, words) in cases {
        let root = multi(&files);
        let dir = root.config_dir().join("cluster").display().to_string();
        let out_dir = root.out_dir().display().to_string();
        let out = root.run(&["--config", &dir, "--host", "wkr-1", &out_dir]);
        let stderr = clean(&root, &out.stderr);
        assert_eq!(out.status.code(), Some(1), "accepted: {stderr}");
        assert!(
            stderr.contains(location) && stderr.contains(&words),
            "expected {location:?} and {words:?} in:\n{stderr}"
        );
        assert_eq!(fs::read_dir(&out_dir).expect("out dir").count(), 0);
    }

    // Same node names on two hosts.
    let files = with(
        "wkr-2.zeek.conf",
        "[zeek]\nmanager = 0\nloggers = 0\nproxies = 0\ncluster_node_prefix = wkr-1\n\
         [interface eth1]\ninterface = eth1\nworkers = 1\n",
    );
    let root = multi(&files);
    let dir = root.config_dir().join("cluster").display().to_string();
    let out = root.run(&["check", "--config", &dir, "--host", "c-mgr"]);
    let stderr = clean(&root, &out.stderr);
    assert_eq!(out.status.code(), Some(1), "accepted: {stderr}");
    assert!(
        stderr.contains("wkr-2.zeek.conf: cluster_node_prefix: node name 'wkr-1-worker-eth1-1' is also a node of host wkr-1"),
        "{stderr}"
    );

    // A host the directory has no file for.
    let root = multi(&base);
    let dir = root.config_dir().join("cluster").display().to_string();
    let out = root.run(&["check", "--config", &dir, "--host", "wkr-9"]);
    let stderr = clean(&root, &out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("no wkr-9.zeek.conf for this host"),
        "{stderr}"
    );
    assert!(stderr.contains("c-mgr, wkr-1, wkr-2"), "{stderr}");
}

/// Deprecated and ignored things are warnings that name file, line and
/// key, and do not stop the generator.
#[test]
fn warnings_are_located() {
    let text = "[zeek]\nloggers = 1\n[interface eth0]\ninterface = eth0\nworkers = 1\n\
                workers_numa_policy = local\n[zeeek]\nx = 1\n";
    let root = single(text);
    let out_dir = root.out_dir().display().to_string();
    let out = root.run(&[&out_dir]);
    let stderr = clean(&root, &out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "/etc/zeek/zeek.conf:6: [interface eth0] workers_numa_policy: Remove in v9.1"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "/etc/zeek/zeek.conf:7: [zeeek]: unknown section ignored (did you mean [zeek]?)"
        ),
        "{stderr}"
    );
    let unit = fs::read_to_string(
        root.out_dir()
            .join("zeek@worker-eth0-1.service.d/50-zeek-systemd-generator.conf"),
    )
    .expect("drop-in");
    assert!(unit.contains("NUMAPolicy=local"), "{unit}");
}

/// SPEC 4.3 for this reader: mutated configs (bytes dropped, duplicated,
/// swapped for syntax characters) give a located error or a cluster that
/// plans, renders and lays out; never a panic.
#[test]
fn mutated_configs_never_panic() {
    use zeek_systemd::config::{zeekconf, ReadOptions};
    let alphabet: &[u8] = b"[]=#\n \t${}-:,0123456789abcxyz_\\\"'/%";
    let mut seeds: Vec<String> = single_host_configs()
        .iter()
        .map(|p| fs::read_to_string(p).expect("read"))
        .collect();
    seeds.sort();
    // A fixed linear congruential generator: the same cases every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % bound.max(1)
    };
    let path = Path::new("/etc/zeek/zeek.conf");
    let (mut valid, mut invalid) = (0, 0);
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone().into_bytes();
        for _ in 0..1 + next(4) {
            let at = next(bytes.len());
            match next(3) {
                0 if !bytes.is_empty() => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, alphabet[next(alphabet.len())]),
                _ => {
                    let end = (at + next(40)).min(bytes.len());
                    let chunk = bytes[at..end].to_vec();
                    bytes.splice(at..at, chunk);
                }
            }
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        match zeekconf::read(path, &text, &ReadOptions::default()) {
            Ok(cluster) => {
                valid += 1;
                let plan = zeek_systemd::generator::plan::plan(
                    &cluster,
                    Path::new("/run/systemd/generator"),
                    Path::new(INSTALLED_GENERATOR),
                );
                assert!(!zeek_systemd::generator::render::render(&plan).is_empty());
                assert!(zeek_systemd::layout::render_layout(&cluster).contains("Cluster::nodes"));
            }
            Err(error) => {
                invalid += 1;
                assert_eq!(error.file, path, "{text:?}");
                assert!(error.line.is_some(), "no line for {text:?}: {error}");
            }
        }
    }
    assert!(
        valid > 100 && invalid > 100,
        "valid {valid}, invalid {invalid}"
    );
}

/// Issue 18 for a zeek.conf `cluster/` dir: without the secrets no host
/// runs and `check` names both ways out (the secrets command and the
/// `cleartext` file); with the `cleartext` file the units carry no
/// credential and `check` warns that the traffic is cleartext. Zeek's own
/// generator reads only `<host>.zeek.conf`, so the file leaves the dir one
/// it takes.
#[test]
fn multi_host_dir_is_encrypted_unless_it_holds_the_cleartext_file() {
    let files = multi_files("basic");
    let root = multi(&files);
    fs::remove_file(root.config_dir().join("cluster-secrets")).expect("remove secrets");
    let cluster = root.config_dir().join("cluster").display().to_string();
    let check = root.run(&["--config", &cluster, "--host", "wkr-1", "check"]);
    let stderr = clean(&root, &check.stderr);
    assert!(!check.status.success(), "check passed without secrets");
    assert!(
        stderr.contains("zeek-systemd secrets create")
            && stderr.contains("`cleartext` in the cluster/ dir"),
        "check does not name the ways out: {stderr}"
    );

    root.write_config("cluster/cleartext", "");
    let (units, _) = root.run_ok(&["--config", &cluster, "--host", "wkr-1", "render"]);
    assert!(units.contains("zeek@wkr-1-worker"), "{units}");
    assert!(!units.contains("LoadCredential="), "{units}");
    let check = root.run(&["--config", &cluster, "--host", "wkr-1", "check"]);
    let stderr = clean(&root, &check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert!(
        stderr.contains("neither encrypted nor authenticated")
            && stderr.contains("`cleartext` in the cluster/ dir"),
        "check does not warn about cleartext: {stderr}"
    );
}
