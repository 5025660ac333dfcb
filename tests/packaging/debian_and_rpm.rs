//! The packaging stays consistent with the repository: every file the
//! Debian package ships exists, the RPM spec installs the same files, and
//! the maintainer scripts are valid shell.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every entry of `[package.metadata.deb] assets`.
fn all_deb_assets() -> Vec<toml::Value> {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml readable");
    let manifest: toml::Table = toml::from_str(&text).expect("Cargo.toml parses");
    manifest["package"]["metadata"]["deb"]["assets"]
        .as_array()
        .expect("[package.metadata.deb] assets is an array")
        .clone()
}

/// `(source, dest)` of every file asset in `[package.metadata.deb]`;
/// symlink assets have no source and are left out.
fn deb_assets() -> Vec<(String, String)> {
    all_deb_assets()
        .iter()
        .filter_map(|asset| match asset {
            toml::Value::Array(fields) => Some((
                fields[0].as_str().expect("source").to_string(),
                fields[1].as_str().expect("dest").to_string(),
            )),
            _ => None,
        })
        .collect()
}

/// `(dest, target)` of every symlink asset in `[package.metadata.deb]`.
fn deb_links() -> Vec<(String, String)> {
    all_deb_assets()
        .iter()
        .filter_map(|asset| {
            let table = asset.as_table()?;
            Some((
                table.get("dest")?.as_str()?.to_string(),
                table.get("link_name")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn every_deb_asset_exists_and_the_program_is_also_the_generator() {
    let assets = deb_assets();
    assert!(
        assets
            .iter()
            .any(|(source, dest)| source == "target/release/zeek-systemd"
                && dest == "usr/bin/zeek-systemd"),
        "{assets:?}"
    );
    // The generator is the same program, by a relative link that resolves
    // from its own directory to /usr/bin/zeek-systemd.
    let generator = "usr/lib/systemd/system-generators/zeek-systemd-generator";
    let links = deb_links();
    let (_, target) = links
        .iter()
        .find(|(dest, _)| dest == generator)
        .unwrap_or_else(|| panic!("no symlink asset for {generator}: {links:?}"));
    let resolved = Path::new("/")
        .join(generator)
        .parent()
        .expect("a dir")
        .join(target);
    let resolved: PathBuf = resolved.components().fold(PathBuf::new(), |mut acc, c| {
        match c {
            std::path::Component::ParentDir => {
                acc.pop();
            }
            other => acc.push(other),
        }
        acc
    });
    assert_eq!(resolved, Path::new("/usr/bin/zeek-systemd"));
    for (source, _) in &assets {
        // cargo-deb builds target/release itself.
        if source.starts_with("target/release/") {
            continue;
        }
        assert!(
            root().join(source).is_file(),
            "Cargo.toml [package.metadata.deb] ships {source}, which does not exist"
        );
    }
}

#[test]
fn the_rpm_spec_installs_every_file_the_deb_ships() {
    let spec = std::fs::read_to_string(root().join("packaging/rpm/zeek-systemd.spec"))
        .expect("spec readable");
    let install = spec
        .split("\n%install\n")
        .nth(1)
        .and_then(|rest| rest.split("\n%check").next())
        .expect("the spec has %install");
    // Whole words of the %install commands (backslash continuations are
    // just more words): a source must be an argument of its own, not part
    // of a destination path.
    let words: Vec<&str> = install.split_whitespace().collect();
    for (source, _) in deb_assets() {
        assert!(
            words.contains(&source.as_str()),
            "packaging/rpm/zeek-systemd.spec %install does not install {source}, which the .deb ships"
        );
    }
}

#[test]
fn sysusers_creates_the_default_user_and_group() {
    let text = std::fs::read_to_string(root().join("packaging/sysusers.d/zeek-systemd.conf"))
        .expect("sysusers file readable");
    let lines: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    // The config's default user and group are both "zeek".
    assert!(lines.iter().any(|f| f[..2] == ["g", "zeek"]), "{lines:?}");
    assert!(lines.iter().any(|f| f[..2] == ["u", "zeek"]), "{lines:?}");
}

#[test]
fn maintainer_scripts_are_valid_shell() {
    for name in ["postinst", "prerm", "postrm"] {
        let path = root().join("packaging/debian").join(name);
        assert!(Path::new(&path).is_file(), "{} is missing", path.display());
        let status = Command::new("sh")
            .arg("-n")
            .arg(&path)
            .status()
            .expect("sh runs");
        assert!(
            status.success(),
            "{} has a shell syntax error",
            path.display()
        );
    }
}

/// Both packages make the config dir the docs' first step writes into
/// (`import-zeekctl -o /etc/zeek/cluster.toml`), root's and 0755: the RPM
/// owns it, the .deb's postinst makes it (cargo-deb ships no empty dirs;
/// tests/real_systemd/deb.rs checks it on an installed package).
#[test]
fn both_packages_create_etc_zeek() {
    let spec = std::fs::read_to_string(root().join("packaging/rpm/zeek-systemd.spec")).unwrap();
    assert!(spec.contains("install -d -m 0755 %{buildroot}%{_sysconfdir}/zeek\n"));
    assert!(spec.contains("\n%dir %attr(0755,root,root) %{_sysconfdir}/zeek\n"));
    let postinst = std::fs::read_to_string(root().join("packaging/debian/postinst")).unwrap();
    assert!(
        postinst.contains("install -d -m 0755 -o root -g root /etc/zeek\n"),
        "{postinst}"
    );
}
