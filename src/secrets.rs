//! The cluster's secrets (issue 18): the ZeroMQ CURVE server and client
//! key pairs that encrypt and authenticate a multi-host cluster, and the
//! hash seed every node shares (`global_hash_seed`).
//!
//! One file, `/etc/zeek/cluster-secrets` (root only, 0600), made by
//! `zeek-systemd secrets create` and copied to every host. At every cluster
//! start zeek-setup.service (root) splits it into one Zeek script per kind
//! of node under [`crate::paths::SECRETS_DIR`] (0700, root): [`Part::Server`] for the manager
//! and loggers (who host the CURVE server sockets: the manager's XPUB/XSUB
//! proxy, the loggers' PULL sockets), [`Part::Client`] for proxies and
//! workers (no server secret). systemd hands each node its part with
//! `LoadCredential=` (readable only by the node, in `$CREDENTIALS_DIRECTORY`),
//! and the node loads it as its last script (`%d/`[`CREDENTIAL`]): the keys
//! never appear in a unit file, `systemctl show`, the environment or the
//! journal.

use std::fmt::Write as _;
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use crate::model::{Cluster, ConfigFormat, Encryption, Role};

/// The file name of the secrets beside the config (`/etc/zeek/cluster-secrets`).
pub const DEFAULT_FILE: &str = "cluster-secrets";

/// The credential's name: what a node finds in `$CREDENTIALS_DIRECTORY`.
pub const CREDENTIAL: &str = "zeek-cluster-secrets.zeek";

/// The command that makes the secrets, for messages.
pub const CREATE_COMMAND: &str = "zeek-systemd secrets create";

/// The cluster's secrets. Keys are Z85 (40 characters, ZeroMQ's encoding
/// of 32 bytes); the hash seed is 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secrets {
    pub server_public: String,
    pub server_secret: String,
    pub client_public: String,
    pub client_secret: String,
    pub hash_seed: String,
}

/// Which part of the secrets a node gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Manager and loggers: both key pairs and the seed.
    Server,
    /// Proxies and workers: the server's public key, the client key pair
    /// and the seed.
    Client,
}

impl Part {
    pub fn of(role: Role) -> Part {
        match role {
            Role::Manager | Role::Logger => Part::Server,
            Role::Proxy | Role::Worker => Part::Client,
        }
    }

    /// Its file name under [`crate::paths::SECRETS_DIR`].
    pub fn file_name(self) -> &'static str {
        match self {
            Part::Server => "server.zeek",
            Part::Client => "client.zeek",
        }
    }
}

/// The secrets file `cluster` uses: its `[cluster] secrets`, else
/// [`DEFAULT_FILE`] in `config_dir`; `None` when it uses none (one host, or
/// `encryption = false`).
pub fn path_for(cluster: &Cluster, config_dir: &Path) -> Option<PathBuf> {
    match &cluster.settings.encryption {
        Encryption::Off { .. } => None,
        Encryption::Curve { secrets } => Some(
            secrets
                .clone()
                .unwrap_or_else(|| config_dir.join(DEFAULT_FILE)),
        ),
    }
}

/// The problem with `cluster`'s secrets on this machine, for `check` and
/// the generator: the file it needs is missing or unreadable.
pub fn problem(cluster: &Cluster, config_dir: &Path) -> Option<String> {
    let path = path_for(cluster, config_dir)?;
    match read(&path) {
        Ok(_) => None,
        // The file is root's (0600): it is there, only not for us.
        Err(e) if crate::error::permission_denied(&e) => Some(format!(
            "a multi-host cluster is encrypted and needs its secrets: {e:#}: they are \
             readable by root only; run as root (e.g. with sudo)"
        )),
        Err(e) => Some(format!(
            "a multi-host cluster is encrypted and needs its secrets: {e:#}; create them once \
             with `{CREATE_COMMAND}{}` and copy the file to every host (or, for a lab, opt out \
             with {})",
            if path == Path::new(crate::paths::DEFAULT_CONFIG_DIR).join(DEFAULT_FILE) {
                String::new()
            } else {
                format!(" -o {}", path.display())
            },
            opt_out(cluster.settings.format)
        )),
    }
}

/// How a config of `format` turns encryption off, for messages.
pub fn opt_out(format: ConfigFormat) -> &'static str {
    match format {
        ConfigFormat::Toml => "`encryption = false` in [cluster]",
        ConfigFormat::ZeekConf => {
            "an empty file `cleartext` in the cluster/ dir, beside the host files"
        }
    }
}

impl Secrets {
    /// New random secrets from the operating system's generator.
    pub fn generate() -> anyhow::Result<Secrets> {
        let (server_public, server_secret) = keypair()?;
        let (client_public, client_secret) = keypair()?;
        let seed = random::<32>()?;
        Ok(Secrets {
            server_public,
            server_secret,
            client_public,
            client_secret,
            hash_seed: seed.iter().fold(String::new(), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            }),
        })
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        format!(
            "# The Zeek cluster's secrets, made by `{CREATE_COMMAND}`: the same file on every\n\
             # host (root only, mode 0600). See SECRETS in zeek-systemd(8).\n\
             curve_server_public = \"{}\"\n\
             curve_server_secret = \"{}\"\n\
             curve_client_public = \"{}\"\n\
             curve_client_secret = \"{}\"\n\
             hash_seed = \"{}\"\n",
            self.server_public,
            self.server_secret,
            self.client_public,
            self.client_secret,
            self.hash_seed
        )
    }

    /// Reads the file's text.
    pub fn parse(text: &str) -> anyhow::Result<Secrets> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            curve_server_public: String,
            curve_server_secret: String,
            curve_client_public: String,
            curve_client_secret: String,
            hash_seed: String,
        }
        let f: File = toml::from_str(text).context("not a secrets file")?;
        for (name, key) in [
            ("curve_server_public", &f.curve_server_public),
            ("curve_server_secret", &f.curve_server_secret),
            ("curve_client_public", &f.curve_client_public),
            ("curve_client_secret", &f.curve_client_secret),
        ] {
            if z85_decode(key).map(|k| k.len()) != Some(32) {
                bail!("{name}: not a Z85-encoded 32-byte key");
            }
        }
        if f.hash_seed.is_empty() || !f.hash_seed.chars().all(|c| c.is_ascii_alphanumeric()) {
            bail!("hash_seed: expected letters and digits");
        }
        Ok(Secrets {
            server_public: f.curve_server_public,
            server_secret: f.curve_server_secret,
            client_public: f.curve_client_public,
            client_secret: f.curve_client_secret,
            hash_seed: f.hash_seed,
        })
    }

    /// The Zeek script a node of `part` loads: redefs of the ZeroMQ
    /// backend's CURVE keys and of `global_hash_seed`. Loaded after the
    /// backend (the last script on the command line).
    pub fn zeek_script(&self, part: Part) -> String {
        let mut out = String::from(
            "# zeek-systemd: this node's part of the cluster secrets (a systemd credential).\n",
        );
        let mut redef = |name: &str, value: &str| {
            let _ = writeln!(out, "redef {name} = \"{value}\";");
        };
        redef("global_hash_seed", &self.hash_seed);
        out.push_str("@ifdef ( Cluster::Backend::ZeroMQ::curve_server_publickey )\n");
        let mut redef = |name: &str, value: &str| {
            let _ = writeln!(
                out,
                "redef Cluster::Backend::ZeroMQ::curve_{name} = \"{value}\";"
            );
        };
        redef("server_publickey", &self.server_public);
        if part == Part::Server {
            redef("server_secretkey", &self.server_secret);
        }
        redef("client_publickey", &self.client_public);
        redef("client_secretkey", &self.client_secret);
        out.push_str("@endif\n");
        out
    }
}

/// Reads and checks a secrets file.
pub fn read(path: &Path) -> anyhow::Result<Secrets> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Secrets::parse(&text).with_context(|| format!("{}", path.display()))
}

/// Writes `secrets` to `path`, mode 0600 (its directory made 0700 when
/// missing); refuses an existing file unless `force`.
pub fn write(secrets: &Secrets, path: &Path, force: bool) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    if path.exists() && !force {
        bail!(
            "{} exists; it holds the keys every host of the cluster uses (use --force to replace \
             them, then copy the new file to every host)",
            path.display()
        );
    }
    write_private(path, &secrets.to_text())
}

/// Writes each kind of node's part of `secrets` into `dir` (made 0700),
/// files 0600: what zeek-setup.service does at every start.
pub fn install_parts(secrets: &Secrets, dir: &Path) -> anyhow::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    for part in [Part::Server, Part::Client] {
        write_private(&dir.join(part.file_name()), &secrets.zeek_script(part))?;
    }
    Ok(())
}

/// Writes `text` to `path` through a 0600 temp file renamed into place.
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp-zeek-systemd");
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| anyhow::anyhow!("no random bytes: {e}"))?;
    Ok(bytes)
}

/// A Curve25519 key pair as ZeroMQ's `zmq_curve_keypair` makes it:
/// (public, secret), Z85.
fn keypair() -> anyhow::Result<(String, String)> {
    let secret = x25519_dalek::StaticSecret::from(random::<32>()?);
    let public = x25519_dalek::PublicKey::from(&secret);
    Ok((
        z85_encode(public.as_bytes()),
        z85_encode(&secret.to_bytes()),
    ))
}

const Z85: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Z85 (ZeroMQ RFC 32) of `data`, whose length is a multiple of 4.
pub fn z85_encode(data: &[u8]) -> String {
    assert!(data.len() % 4 == 0, "Z85 encodes 4-byte groups");
    let mut out = String::with_capacity(data.len() * 5 / 4);
    for chunk in data.chunks(4) {
        let mut value = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let mut group = [0u8; 5];
        for slot in group.iter_mut().rev() {
            *slot = Z85[(value % 85) as usize];
            value /= 85;
        }
        out.extend(group.iter().map(|&b| b as char));
    }
    out
}

/// The bytes of Z85 text; `None` if it is not Z85.
pub fn z85_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 5 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 4 / 5);
    for chunk in bytes.chunks(5) {
        let mut value: u64 = 0;
        for &c in chunk {
            let digit = Z85.iter().position(|&z| z == c)? as u64;
            value = value * 85 + digit;
        }
        out.extend_from_slice(&u32::try_from(value).ok()?.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z85_matches_the_rfc_example() {
        let data = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        assert_eq!(z85_encode(&data), "HelloWorld");
        assert_eq!(z85_decode("HelloWorld").unwrap(), data);
    }

    /// RFC 7748's test vector: Alice's public key from her secret.
    #[test]
    fn public_key_is_x25519_of_the_secret() {
        let secret: [u8; 32] = [
            0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2,
            0x66, 0x45, 0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5,
            0x1d, 0xb9, 0x2c, 0x2a,
        ];
        let public = x25519_dalek::PublicKey::from(&x25519_dalek::StaticSecret::from(secret));
        assert_eq!(
            public.as_bytes()[..4],
            [0x85, 0x20, 0xf0, 0x09],
            "RFC 7748 6.1"
        );
    }

    #[test]
    fn generated_secrets_round_trip_and_split_by_role() {
        let s = Secrets::generate().unwrap();
        assert_eq!(s.server_public.len(), 40);
        assert_eq!(Secrets::parse(&s.to_text()).unwrap(), s);
        let server = s.zeek_script(Part::Server);
        let client = s.zeek_script(Part::Client);
        assert!(server.contains(&s.server_secret));
        assert!(!client.contains(&s.server_secret));
        for script in [&server, &client] {
            assert!(script.contains(&s.client_secret));
            assert!(script.contains(&s.hash_seed));
        }
        assert_ne!(Secrets::generate().unwrap(), s);
    }

    #[test]
    fn files_are_private_and_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cluster-secrets");
        let s = Secrets::generate().unwrap();
        write(&s, &path, false).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert!(write(&Secrets::generate().unwrap(), &path, false).is_err());
        assert_eq!(read(&path).unwrap(), s);
        write(&Secrets::generate().unwrap(), &path, true).unwrap();
        assert_ne!(read(&path).unwrap(), s);
        let parts = dir.path().join("parts");
        install_parts(&s, &parts).unwrap();
        assert_eq!(mode(&parts), 0o700);
        assert_eq!(mode(&parts.join("client.zeek")), 0o600);
    }
}
