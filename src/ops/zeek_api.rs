//! A client of Zeek's WebSocket API (Zeek 8.0+, `Cluster::listen_websocket`
//! on the manager): the JSON v1 protocol at `/v1/messages/json`. The first
//! message is the list of topic prefixes the client subscribes to, the
//! server acknowledges it, then both sides exchange `data-message`s whose
//! data is an event in Broker's JSON encoding: a vector of the format
//! version (1), the message type (1: event) and a vector of the event's
//! name and its arguments.
//!
//! Only strings travel here: the control framework's requests and
//! responses (`Control::id_value_request(id)`, `id_value_response(id,
//! val)`) have string arguments only.

use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// An open session with the manager's WebSocket API.
pub struct ZeekApi {
    socket: WebSocket<TcpStream>,
    address: SocketAddr,
}

/// One event the server sent, with its topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub topic: String,
    pub name: String,
    /// The arguments that are strings, in order (others as JSON text).
    pub args: Vec<String>,
}

impl ZeekApi {
    /// Connects to `address` and subscribes to `topics` (prefixes), all
    /// within `timeout`.
    pub fn connect(
        address: SocketAddr,
        topics: &[&str],
        timeout: Duration,
    ) -> anyhow::Result<ZeekApi> {
        let unreachable = |e: &dyn std::fmt::Display| {
            anyhow::anyhow!(
                "cannot reach Zeek's WebSocket API on {address}: {e} (is the manager running, \
                 and is this its host? see websocket in zeek-cluster.toml(5) or, for a zeek.conf, \
                 zeek-systemd-generator(8))"
            )
        };
        let stream = TcpStream::connect_timeout(&address, timeout).map_err(|e| unreachable(&e))?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        let url = format!("ws://{address}/v1/messages/json");
        let (socket, _) = tungstenite::client(url.as_str(), stream).map_err(|e| unreachable(&e))?;
        let mut api = ZeekApi { socket, address };
        api.send(&json!(topics))?;
        api.await_ack(Instant::now() + timeout)?;
        Ok(api)
    }

    fn await_ack(&mut self, deadline: Instant) -> anyhow::Result<()> {
        let Some(message) = self.next_message(deadline)? else {
            anyhow::bail!(
                "Zeek's WebSocket API on {} did not acknowledge",
                self.address
            );
        };
        match message.get("type").and_then(Value::as_str) {
            Some("ack") => Ok(()),
            _ => anyhow::bail!(
                "Zeek's WebSocket API on {} refused the subscriptions: {message}",
                self.address
            ),
        }
    }

    /// Publishes the event `name(args...)` (string arguments) to `topic`.
    pub fn publish(&mut self, topic: &str, name: &str, args: &[&str]) -> anyhow::Result<()> {
        self.send(&encode_event(topic, name, args))
    }

    fn send(&mut self, value: &Value) -> anyhow::Result<()> {
        self.socket
            .send(Message::text(value.to_string()))
            .map_err(|e| anyhow::anyhow!("cannot send to {}: {e}", self.address))
    }

    /// The next event, or `None` once `deadline` has passed. Messages
    /// that are not events (errors the server reports) are skipped.
    pub fn next_event(&mut self, deadline: Instant) -> anyhow::Result<Option<Event>> {
        while let Some(message) = self.next_message(deadline)? {
            if let Some(event) = decode_event(&message) {
                return Ok(Some(event));
            }
        }
        Ok(None)
    }

    /// The next JSON text message, or `None` once `deadline` has passed.
    fn next_message(&mut self, deadline: Instant) -> anyhow::Result<Option<Value>> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.socket.get_mut().set_read_timeout(Some(left))?;
            match self.socket.read() {
                Ok(Message::Text(text)) => {
                    if let Ok(value) = serde_json::from_str(text.as_str()) {
                        return Ok(Some(value));
                    }
                }
                Ok(Message::Close(_)) => {
                    anyhow::bail!(
                        "Zeek's WebSocket API on {} closed the session",
                        self.address
                    )
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => anyhow::bail!("reading from {} failed: {e}", self.address),
            }
        }
    }
}

impl Drop for ZeekApi {
    /// Says goodbye, so that the manager's cluster.log has a normal end of
    /// the session, not an abnormal closure.
    fn drop(&mut self) {
        let _ = self.socket.close(None);
        let _ = self.socket.flush();
    }
}

/// A `data-message` carrying the event `name(args...)`.
pub fn encode_event(topic: &str, name: &str, args: &[&str]) -> Value {
    let args: Vec<Value> = args
        .iter()
        .map(|a| json!({"@data-type": "string", "data": a}))
        .collect();
    json!({
        "type": "data-message",
        "topic": topic,
        "@data-type": "vector",
        "data": [
            {"@data-type": "count", "data": 1},
            {"@data-type": "count", "data": 1},
            {"@data-type": "vector", "data": [
                {"@data-type": "string", "data": name},
                {"@data-type": "vector", "data": args},
            ]},
        ],
    })
}

/// The event in a `data-message`, if it is one.
pub fn decode_event(message: &Value) -> Option<Event> {
    if message.get("type")?.as_str()? != "data-message" {
        return None;
    }
    let topic = message.get("topic")?.as_str()?.to_string();
    let body = message
        .get("data")?
        .as_array()?
        .get(2)?
        .get("data")?
        .as_array()?;
    let name = body.first()?.get("data")?.as_str()?.to_string();
    let args = body
        .get(1)?
        .get("data")?
        .as_array()?
        .iter()
        .map(|a| match a.get("data") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => a.to_string(),
        })
        .collect();
    Some(Event { topic, name, args })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_round_trips() {
        let message = encode_event(
            "zeek/cluster/node/worker-1/",
            "Control::id_value_request",
            &["Site::local_nets"],
        );
        let event = decode_event(&message).expect("an event");
        assert_eq!(event.topic, "zeek/cluster/node/worker-1/");
        assert_eq!(event.name, "Control::id_value_request");
        assert_eq!(event.args, ["Site::local_nets"]);
    }

    #[test]
    fn a_response_as_zeek_sends_it_decodes() {
        let text = r#"{"type":"data-message","topic":"zeek/control/id_value_response/worker-1","@data-type":"vector","data":[{"@data-type":"count","data":1},{"@data-type":"count","data":1},{"@data-type":"vector","data":[{"@data-type":"string","data":"Control::id_value_response"},{"@data-type":"vector","data":[{"@data-type":"string","data":"Site::local_nets"},{"@data-type":"string","data":"{\n\t10.0.0.0/8\n}"}]},{"@data-type":"vector","data":[]}]}]}"#;
        let event = decode_event(&serde_json::from_str(text).expect("json")).expect("an event");
        assert_eq!(event.name, "Control::id_value_response");
        assert_eq!(event.args, ["Site::local_nets", "{\n\t10.0.0.0/8\n}"]);
    }

    #[test]
    fn an_error_is_no_event() {
        let error = json!({"type": "error", "code": "deserialization_failed", "context": "x"});
        assert_eq!(decode_event(&error), None);
    }
}
