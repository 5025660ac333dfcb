//! Zeek's `zeek.conf` format (SPEC 2.4): golden snapshots of everything
//! the generator writes and of `layout` for configs in both styles and for
//! multi-host directories, and one test per error class.
//!
//! The configs live in `tests/zeekconf/configs/` (single host, installed
//! as `<root>/etc/zeek/zeek.conf`) and `tests/zeekconf/multi/<name>/`
//! (installed as `<root>/etc/zeek/cluster/`). The generator runs as systemd
//! runs it, into `<root>/run/systemd/generator`, and `<root>` is cut from
//! the text so the snapshots show the paths of a real installation.
//!
//! What these configs make systemd run, and their layouts, are compared
//! with Zeek's own generator and `zeek-cluster-layout-generator -C` by
//! tests/zeekconf_differential.rs; `layout_matches_zeek_baselines` checks
//! the facts of Zeek's layout baselines without Zeek's programs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

const INSTALLED_GENERATOR: &str = "/usr/lib/systemd/system-generators/zeek-systemd-generator";

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/zeekconf")
}

/// A scratch root with `etc/zeek` and an empty output dir.
struct Root {
    dir: TempDir,
}

impl Root {
    fn new() -> Root {
        let dir = tempfile::Builder::new()
            .prefix("zeekconf")
            .tempdir()
            .expect("temp dir");
        let root = Root { dir };
        fs::create_dir_all(root.config_dir()).expect("config dir");
        fs::create_dir_all(root.out_dir()).expect("output dir");
        root
    }

    /// A root whose `etc/zeek/zeek.conf` holds `text`.
    fn single(text: &str) -> Root {
        let root = Root::new();
        fs::write(root.config_dir().join("zeek.conf"), text).expect("write config");
        root
    }

    /// A root whose `etc/zeek/cluster/` holds `files`.
    fn multi(files: &[(String, String)]) -> Root {
        let root = Root::new();
        let dir = root.config_dir().join("cluster");
        fs::create_dir_all(&dir).expect("cluster dir");
        for (name, text) in files {
            fs::write(dir.join(name), text).expect("write config");
        }
        root
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config_dir(&self) -> PathBuf {
        self.path().join("etc/zeek")
    }

    fn out_dir(&self) -> PathBuf {
        self.path().join("run/systemd/generator")
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_zeek-systemd-generator"));
        cmd.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("ZEEK_SYSTEMD_CONFIG_DIR", self.config_dir())
            .env("ZEEK_SYSTEMD_GENERATOR_PATH", INSTALLED_GENERATOR)
            .env("ZEEK_SYSTEMD_LOG", "stderr")
            .env("SYSTEMD_PROC_CMDLINE", "")
            .current_dir(self.path());
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .output()
            .expect("run the generator")
    }

    /// Text with the scratch root cut out.
    fn clean(&self, text: &[u8]) -> String {
        String::from_utf8_lossy(text).replace(&self.path().display().to_string(), "")
    }

    /// Every file and link under the output dir, sorted, as one text.
    fn tree(&self) -> String {
        let mut entries = Vec::new();
        collect(&self.out_dir(), &mut entries);
        entries.sort();
        let mut out = String::new();
        for path in entries {
            let shown = path.strip_prefix(self.path()).expect("under root");
            let meta = fs::symlink_metadata(&path).expect("stat");
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("readlink");
                out.push_str(&format!(
                    "# /{} -> {}\n\n",
                    shown.display(),
                    target.display()
                ));
            } else {
                let text = fs::read_to_string(&path).expect("read output");
                out.push_str(&format!(
                    "# /{}\n{}\n",
                    shown.display(),
                    self.clean(text.as_bytes())
                ));
            }
        }
        out
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let meta = fs::symlink_metadata(&path).expect("stat");
        if meta.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Generates (as systemd would) and lays out, asserting success; returns
/// the snapshot text: warnings, the unit tree, the layout.
fn generate_and_layout(root: &Root, generator_args: &[&str], layout_args: &[&str]) -> String {
    let out_dir = root.out_dir().display().to_string();
    let mut args: Vec<&str> = generator_args.to_vec();
    args.push(&out_dir);
    let generated = root.run(&args);
    assert!(
        generated.status.success(),
        "generator {args:?} failed: {}",
        root.clean(&generated.stderr)
    );
    let layout = root.run(layout_args);
    assert!(
        layout.status.success(),
        "layout {layout_args:?} failed: {}",
        root.clean(&layout.stderr)
    );
    let warnings = root.clean(&generated.stderr);
    format!(
        "## generator messages\n{}\n## units\n{}## layout\n{}",
        if warnings.is_empty() {
            "(none)\n"
        } else {
            &warnings
        },
        root.tree(),
        root.clean(&layout.stdout)
    )
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "zeekconf/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

/// Every single-host config: found as `/etc/zeek/zeek.conf` (no
/// `--config`), generated and laid out.
#[test]
fn golden_single_host_configs() {
    let mut names: Vec<PathBuf> = fs::read_dir(data_dir().join("configs"))
        .expect("configs dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 10,
        "expected at least 10 configs, found {}",
        names.len()
    );
    for config in names {
        let text = fs::read_to_string(&config).expect("read config");
        let root = Root::single(&text);
        let out = generate_and_layout(&root, &[], &["layout"]);
        let stem = config
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        snapshot(&format!("single-{stem}"), &out);
    }
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

/// Every host of every multi-host directory: `--config <dir> --host H`.
/// The layout must be the same on every host.
#[test]
fn golden_multi_host_directories() {
    for (dir, hosts) in [
        ("basic", &["c-mgr", "wkr-1", "wkr-2"][..]),
        ("ipv6", &["mgr", "sensor-a"][..]),
    ] {
        let files = multi_files(dir);
        let mut layouts = Vec::new();
        for host in hosts {
            let root = Root::multi(&files);
            let cluster = root.config_dir().join("cluster").display().to_string();
            let out = generate_and_layout(
                &root,
                &["--config", &cluster, "--host", host],
                &["layout", "--config", &cluster, "--host", host],
            );
            snapshot(&format!("multi-{dir}-{host}"), &out);
            let layout = out.split("## layout\n").nth(1).expect("layout part");
            // Only the header line names the host's own file.
            layouts.push(layout.lines().skip(1).collect::<Vec<_>>().join("\n"));
        }
        assert!(
            layouts.windows(2).all(|w| w[0] == w[1]),
            "{dir}: hosts disagree on the layout"
        );
    }
}

/// The facts of Zeek's layout baselines, checked line by line.
#[test]
fn layout_matches_zeek_baselines() {
    let layout = |text: &str| {
        let root = Root::single(text);
        let out = root.run(&["layout"]);
        assert!(out.status.success(), "{}", root.clean(&out.stderr));
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
    let root = Root::multi(&multi_files("basic"));
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

/// SPEC 2.1: cluster.toml, then zeek.conf, then cluster/<hostname>.zeek.conf.
#[test]
fn lookup_order() {
    let hostname = zeek_systemd::config::this_hostname().expect("hostname");
    let root = Root::new();
    let node_names = |root: &Root| {
        let out = root.run(&["check"]);
        assert!(out.status.success(), "{}", root.clean(&out.stderr));
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

/// One config per error class: exit 1, a message naming file, line and
/// key, and nothing written by a generator run.
#[test]
fn errors_name_file_line_and_key() {
    // (config, line, key, words of the message)
    let cases: &[(&str, usize, &str, &str)] = &[
        (
            "interface = eth0\nWorkers = 3\n",
            2,
            "",
            "invalid line 'Workers = 3'",
        ),
        (
            "[zeek]\nloggers = 1\n[zeek]\n",
            3,
            "[zeek]",
            "duplicate section 'zeek'",
        ),
        (
            "[zeek]\nloggers = 1\nloggers = 2\n",
            3,
            "[zeek] loggers",
            "duplicate option 'loggers'",
        ),
        (
            "workers = 2\n[zeek]\nloggers = 1\n",
            1,
            "workers",
            "options in unnamed section mixed",
        ),
        (
            "[interface Eth0]\ninterface = eth0\nworkers = 1\n",
            1,
            "[interface Eth0]",
            "invalid interface name",
        ),
        (
            "[interfacefoo eth0]\ninterface = eth0\nworkers = 1\n",
            1,
            "[interfacefoo eth0]",
            "invalid interface name",
        ),
        ("[interface eth0]\n", 1, "[interface eth0]", "empty section"),
        (
            "[zeek]\n  loggers = 2\n",
            2,
            "[zeek]",
            "unexpected continuation line",
        ),
        (
            "# x\nmanager = 2\n",
            2,
            "manager",
            "invalid manager value: '2'",
        ),
        (
            "loggers = -1\n",
            1,
            "loggers",
            "invalid loggers value: '-1'",
        ),
        (
            "[zeek]\nproxies = 2x\n",
            2,
            "[zeek] proxies",
            "invalid proxies value: '2x'",
        ),
        (
            "interface = eth0\nworkers = 16x\n",
            2,
            "workers",
            "invalid workers value: '16x'",
        ),
        (
            "[interface eth0]\ninterface = eth0\nworkers = 1\nworker_nice = -21\n",
            4,
            "[interface eth0] worker_nice",
            "invalid worker_nice value '-21'",
        ),
        (
            "manager_nice = 20\n",
            1,
            "manager_nice",
            "invalid manager_nice value '20'",
        ),
        (
            "logger_memory_max = 1.5G\n",
            1,
            "logger_memory_max",
            "invalid logger_memory_max '1.5G'",
        ),
        (
            "interface = eth0\nworker_memory_max = 8g\n",
            2,
            "worker_memory_max",
            "invalid worker_memory_max '8g'",
        ),
        (
            "proxy_cpu_set = 1-2:0\n",
            1,
            "proxy_cpu_set",
            "invalid proxy_cpu_set value '1-2:0'",
        ),
        (
            "interface = eth0\nworkers_cpu_list = 3-2\n",
            2,
            "workers_cpu_list",
            "invalid workers_cpu_list value '3-2'",
        ),
        (
            "interface = eth0\nworkers_cpu_list = 1:1\n",
            2,
            "workers_cpu_list",
            "invalid workers_cpu_list value '1:1'",
        ),
        (
            "address = [1.2.3.4]\n",
            1,
            "address",
            "invalid address '[1.2.3.4]'",
        ),
        (
            "address = 1.2.3.4]\n",
            1,
            "address",
            "invalid address '1.2.3.4]'",
        ),
        (
            "cluster_address = 10.0.0.256\n",
            1,
            "cluster_address",
            "invalid address '10.0.0.256'",
        ),
        (
            "[zeek]\naddress = [a::yy]\n",
            2,
            "[zeek] address",
            "invalid address '[a::yy]'",
        ),
        (
            "address = fd00::1\n",
            1,
            "address",
            "in brackets: [fd00::1]",
        ),
        (
            "cluster_node_prefix = 1-Host\n",
            1,
            "cluster_node_prefix",
            "invalid cluster_node_prefix '1-Host'",
        ),
        (
            "env = A=1\n  NOEQUALS\n",
            2,
            "env",
            "error in env: invalid env value 'NOEQUALS'",
        ),
        (
            "archiver_env = NOEQUALS\n",
            1,
            "archiver_env",
            "error in archiver_env: invalid env value",
        ),
        (
            "interface = eth0\nworker_env = 9X=1\n",
            2,
            "worker_env",
            "error in worker_env: invalid env value '9X=1'",
        ),
        (
            "interface = eth${worker_nr}\nworkers = 1\n",
            1,
            "interface",
            "unknown template variable ${worker_nr}",
        ),
        (
            "interface = eth0\nworker_env = A=${interface_section_name}\nworkers = 1\n",
            2,
            "worker_env",
            "only in [interface NAME] sections",
        ),
        (
            "interface = eth${worker_cpu}\nworkers = 1\n",
            1,
            "interface",
            "needs a CPU list",
        ),
        (
            "manager = 1\nenv = A=${worker_index}\ninterface = eth0\nworkers = 1\n",
            2,
            "env",
            "only available in worker values",
        ),
        (
            "interface = eth${worker_index\nworkers = 1\n",
            1,
            "interface",
            "unclosed",
        ),
        (
            "[zeek]\nworkers = 2\n",
            2,
            "[zeek] workers",
            "invalid key 'workers' in section 'zeek'",
        ),
        (
            "[zeek]\nlogers = 2\n",
            2,
            "[zeek] logers",
            "did you mean 'loggers'",
        ),
        (
            "[interface eth0]\ninterface = eth0\nworkers = 1\nmanager = 1\n",
            4,
            "[interface eth0] manager",
            "invalid option 'manager' in section 'interface eth0'",
        ),
        (
            "workers = 3\n",
            1,
            "workers",
            "found workers but no interface option",
        ),
        (
            "[interface eth0]\ninterface = eth0\n",
            2,
            "[interface eth0] interface",
            "found interface but no workers option",
        ),
        (
            "[interface eth0]\ninterface =\nworkers = 2\n",
            2,
            "[interface eth0] interface",
            "empty interface option not allowed",
        ),
        (
            "loggers = 1\n  2\n",
            2,
            "loggers",
            "multiple values for 'loggers'",
        ),
        (
            "[interface eth0]\ninterface = eth0\nworkers = 1\nworker_numa_policy = interleave\n",
            4,
            "[interface eth0] worker_numa_policy",
            "invalid 'worker_numa_policy' value",
        ),
        ("port = abc\n", 1, "port", "invalid port value: 'abc'"),
        (
            "port = 27760\ncluster_port = 27761\n",
            2,
            "cluster_port",
            "repeats the setting given at line 1",
        ),
        (
            "metrics_port = 70000\n",
            1,
            "metrics_port",
            "invalid metrics_port value: '70000'",
        ),
        (
            "manager = 1\nloggers = 1\nport = 65535\n",
            3,
            "port",
            "run past port 65535",
        ),
        (
            "port = 10000\nmetrics_port = 9999\ninterface = eth0\nworkers = 1\nmanager = 1\nloggers = 1\nproxies = 1\n",
            2,
            "metrics_port",
            "metrics ports 9999..10002 overlap the cluster listener ports 10000..10002",
        ),
        (
            "restart_interval_sec = 1s\n",
            1,
            "restart_interval_sec",
            "invalid restart_interval_sec value: '1s'",
        ),
        (
            "args = local \"Site::x=a b\n",
            1,
            "args",
            "unclosed \" quote",
        ),
        ("user =\n", 1, "user", "invalid user ''"),
        (
            "archiver = yes\n",
            1,
            "archiver",
            "invalid archiver value 'yes'",
        ),
        (
            "base_dir = opt/zeek\n",
            1,
            "base_dir",
            "is not an absolute path",
        ),
        (
            "interface = eth0\nenv = A=x\u{1b}y\n",
            2,
            "",
            "control character",
        ),
    ];
    for (text, line, key, words) in cases {
        let root = Root::new();
        let config = root.path().join("zeek.conf");
        fs::write(&config, text).expect("write config");
        let config = config.display().to_string();
        let out_dir = root.out_dir().display().to_string();
        let out = root.run(&["--config", &config, &out_dir]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{text:?} was accepted: {stderr}"
        );
        let location = if key.is_empty() {
            format!("{config}:{line}: ")
        } else {
            format!("{config}:{line}: {key}: ")
        };
        assert!(
            stderr.contains(&location) && stderr.contains(words),
            "{text:?}: expected {location:?} and {words:?} in:\n{stderr}"
        );
        assert_eq!(
            fs::read_dir(&out_dir).expect("out dir").count(),
            0,
            "{text:?}: the generator wrote something"
        );
        let check = root.run(&["check", "--config", &config]);
        assert_eq!(check.status.code(), Some(1), "{text:?}: check accepted it");
    }
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
        let root = Root::multi(&files);
        let dir = root.config_dir().join("cluster").display().to_string();
        let out_dir = root.out_dir().display().to_string();
        let out = root.run(&["--config", &dir, "--host", "wkr-1", &out_dir]);
        let stderr = root.clean(&out.stderr);
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
    let root = Root::multi(&files);
    let dir = root.config_dir().join("cluster").display().to_string();
    let out = root.run(&["check", "--config", &dir, "--host", "c-mgr"]);
    let stderr = root.clean(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "accepted: {stderr}");
    assert!(
        stderr.contains("wkr-2.zeek.conf: cluster_node_prefix: node name 'wkr-1-worker-eth1-1' is also a node of host wkr-1"),
        "{stderr}"
    );

    // A host the directory has no file for.
    let root = Root::multi(&base);
    let dir = root.config_dir().join("cluster").display().to_string();
    let out = root.run(&["check", "--config", &dir, "--host", "wkr-9"]);
    let stderr = root.clean(&out.stderr);
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
    let root = Root::single(text);
    let out_dir = root.out_dir().display().to_string();
    let out = root.run(&[&out_dir]);
    let stderr = root.clean(&out.stderr);
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
    let mut seeds: Vec<String> = fs::read_dir(data_dir().join("configs"))
        .expect("configs dir")
        .map(|e| fs::read_to_string(e.expect("entry").path()).expect("read"))
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
                let plan = zeek_systemd::plan::plan(
                    &cluster,
                    Path::new("/run/systemd/generator"),
                    Path::new(INSTALLED_GENERATOR),
                );
                assert!(!zeek_systemd::render::render(&plan).is_empty());
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
