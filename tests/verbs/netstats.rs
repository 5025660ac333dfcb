//! `netstats` against small local HTTP endpoints standing in for workers'
//! Prometheus ports (the metrics ports of the layout). What they serve:
//! * `tests/fixtures/netstats/zeek-9.1.prom`: `/metrics` of a real Zeek 9.1
//!   (`zeek -i af_packet::lo local Telemetry::metrics_port=...`, after some
//!   traffic on lo), unchanged;
//! * `tests/fixtures/netstats/zeek-6.0.prom`: the Broker-era format Zeek's
//!   telemetry docs show (`endpoint=""` label, float value, timestamp),
//!   with a non-zero drop count;
//! * text that is not Zeek's; and one port nobody listens on.

use crate::common;

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use serde_json::Value;

/// Serves `body` to every request on `listener`; records request lines.
fn serve(listener: TcpListener, body: String, requests: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            answer(stream, &body, &requests);
        }
    });
}

fn answer(mut stream: TcpStream, body: &str, requests: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    requests
        .lock()
        .unwrap()
        .push(request_line.trim().to_string());
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A first metrics port P such that P+3 .. P+5 can be bound (the workers
/// after manager, logger and proxy) and P+6 is free and stays unbound.
fn listeners() -> (u16, [TcpListener; 3]) {
    for base in (20_000u16..60_000).step_by(97) {
        let bind = |p: u16| TcpListener::bind(("127.0.0.1", p)).ok();
        let (Some(a), Some(b), Some(c)) = (bind(base + 3), bind(base + 4), bind(base + 5)) else {
            continue;
        };
        if bind(base + 6).is_some() {
            return (base, [a, b, c]);
        }
    }
    panic!("no free run of ports");
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/netstats")
            .join(name),
    )
    .unwrap()
}

#[test]
fn netstats_reads_each_workers_endpoint_and_reports_the_unreachable() {
    let (base, [zeek9, zeek6, other]) = listeners();
    let requests = Arc::new(Mutex::new(Vec::new()));
    serve(zeek9, fixture("zeek-9.1.prom"), Arc::clone(&requests));
    serve(zeek6, fixture("zeek-6.0.prom"), Arc::clone(&requests));
    serve(other, "hello, not metrics\n".into(), Arc::clone(&requests));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cluster.toml");
    std::fs::write(
        &config,
        format!(
            "[cluster]\nmetrics_port = {base}\n[[interface]]\nname = \"eth1\"\n\
             capture = \"af_packet::eth1\"\nworkers = 4\n"
        ),
    )
    .unwrap();
    let run = |json: bool| {
        let mut cmd = Command::new(common::program());
        cmd.arg("--config").arg(&config).arg("netstats");
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "netstats must not fail on unreachable nodes: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };

    let table = run(false);
    eprintln!("{table}");
    let lines: Vec<Vec<&str>> = table
        .lines()
        .take(5)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines[0],
        ["NODE", "RECEIVED", "DROPPED", "DROPPED%", "LINK"]
    );
    assert_eq!(lines[1], ["worker-eth1-1", "840", "0", "0.00", "850"]);
    assert_eq!(lines[2], ["worker-eth1-2", "9832", "125", "1.26", "19664"]);
    assert_eq!(lines[3], ["worker-eth1-3", "-", "-", "-", "-"]);
    assert_eq!(lines[4], ["worker-eth1-4", "-", "-", "-", "-"]);
    assert!(
        table.contains(&format!(
            "worker-eth1-3: no zeek_net_received_packets_total/zeek_net_dropped_packets_total in its metrics (not a Zeek node?) (http://127.0.0.1:{}/metrics)",
            base + 5
        )),
        "{table}"
    );
    assert!(table.contains("worker-eth1-4: unreachable: "), "{table}");
    assert!(
        table.contains(&format!("(http://127.0.0.1:{}/metrics)", base + 6)),
        "{table}"
    );

    let json: Value = serde_json::from_str(&run(true)).unwrap();
    assert_eq!(json[0]["node"], "worker-eth1-1");
    assert_eq!(json[0]["received"], 840);
    assert_eq!(json[0]["dropped"], 0);
    assert_eq!(json[0]["link"], 850);
    assert_eq!(json[1]["dropped"], 125);
    assert_eq!(json[3]["received"], Value::Null);
    assert!(json[3]["error"]
        .as_str()
        .unwrap()
        .starts_with("unreachable: "));

    // Only workers are asked, each for /metrics.
    let requests = requests.lock().unwrap();
    assert_eq!(requests.len(), 6, "{requests:?}");
    assert!(
        requests.iter().all(|r| r == "GET /metrics HTTP/1.1"),
        "{requests:?}"
    );
}

#[test]
fn metrics_off_is_said_per_worker() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cluster.toml");
    std::fs::write(
        &config,
        "[cluster]\nmetrics_port = 0\n[[interface]]\nname = \"eth1\"\ncapture = \"af_packet::eth1\"\nworkers = 1\n",
    )
    .unwrap();
    let out = Command::new(common::program())
        .arg("--config")
        .arg(&config)
        .arg("netstats")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("worker-eth1-1: metrics are off (metrics_port = 0)\n"),
        "{text}"
    );
}
