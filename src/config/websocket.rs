//! The manager's WebSocket listener (`print`, `peers`): the rules both
//! formats share. Each reader finds the value (`[cluster] websocket` in
//! cluster.toml, `websocket` in zeek.conf's `[zeek]`) and places the
//! messages at its key; what is valid, what is warned about and when
//! there is no listener at all is decided here once.

use std::net::SocketAddr;

use super::defaults;
use super::spec::HostSpec;

/// What the key says, before it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting<'a> {
    /// `true` or `false`.
    Switch(bool),
    /// An `ADDRESS:PORT`, as written.
    Address(&'a str),
}

/// The listener `setting` asks for (`None`: off), or the message for a
/// value that is not one (the fix included, its example in `quote`s: the
/// format's string quotes).
pub fn listener(setting: Setting<'_>, quote: &str) -> Result<Option<SocketAddr>, String> {
    let text = match setting {
        Setting::Switch(false) => return Ok(None),
        Setting::Switch(true) => return Ok(Some(defaults::WEBSOCKET)),
        Setting::Address(text) => text,
    };
    let address = text.parse::<SocketAddr>().map_err(|_| {
        format!(
            "'{text}' is not ADDRESS:PORT; write e.g. {quote}127.0.0.1:27759{quote} (IPv6: \
             {quote}[::1]:27759{quote}), or false to switch the listener off"
        )
    })?;
    if address.port() == 0 {
        return Err("port 0 is not a port; use e.g. 27759".to_string());
    }
    Ok(Some(address))
}

/// The warning a listener others can reach gets: the API has no
/// authentication, so anyone who reaches it may run any event.
pub fn exposure_warning(address: SocketAddr) -> Option<String> {
    (!address.ip().is_loopback()).then(|| {
        format!(
            "the WebSocket API on {address} has no authentication: whoever reaches it can run \
             any event on every node; keep it on 127.0.0.1 (or [::1]) unless a firewall or \
             ip_allow keeps everyone else out"
        )
    })
}

/// No WebSocket listener when the manager is the logger (no loggers)
/// under the ZeroMQ backend: the API's own backend in the manager then
/// binds the manager's log port a second time at the first client, fails
/// ("Failed to bind pull socket ... Address already in use"), and the
/// manager's logging breaks (Zeek 9.1, tests/real_zeek/single_host.rs).
/// `Some(message)`: the listener is dropped, said as a warning so that
/// `check` shows why `print` and `peers` cannot work; `add_logger` is how
/// the format adds one (`[logger] count = 1`).
pub fn without_logger(
    websocket: Option<SocketAddr>,
    hosts: &[HostSpec],
    backend: &[String],
    add_logger: &str,
) -> Option<String> {
    let zeromq = backend.iter().any(|a| a == defaults::ZEROMQ_BACKEND);
    let loggers: u32 = hosts.iter().map(|h| h.loggers).sum();
    (websocket.is_some() && zeromq && loggers == 0).then(|| {
        format!(
            "no WebSocket API (zeek-systemd print, peers): the cluster has no logger, so the \
             manager logs, and with the ZeroMQ backend the API's session would bind the \
             manager's log port again and break its logging; add a logger ({add_logger}) to \
             have the API, or set websocket = false to silence this"
        )
    })
}
