//! Running a child process with a time limit, the one way the verbs do it
//! (an alert channel, `systemctl -H` over SSH, `zeek -a` of `check
//! --deep`, gdb on a core). Its stdout and stderr are read while it runs:
//! a child that writes more than a pipe holds (64 KiB) would otherwise
//! block on the full pipe and be killed at the limit although it had
//! finished its work.

use std::io::{self, Read, Write as _};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often the child is asked whether it has exited.
const POLL: Duration = Duration::from_millis(10);

/// How long the output is waited for once the child has ended: a process
/// it left behind may hold its pipes open, and is not waited for.
const GRACE: Duration = Duration::from_millis(500);

/// What a child did.
#[derive(Debug)]
pub struct Output {
    /// How it exited; `None`: it was killed at the time limit.
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Output {
    /// Whether it exited with status 0 within the limit.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
}

/// Runs `command` with `input` on its stdin (`None`: /dev/null) and kills
/// it after `timeout`; its stdout and stderr are collected as it writes
/// them. `Err` only when it cannot be started.
pub fn run(command: &mut Command, input: Option<&[u8]>, timeout: Duration) -> io::Result<Output> {
    let start = Instant::now();
    let stdin = match input {
        Some(_) => Stdio::piped(),
        None => Stdio::null(),
    };
    let mut child = command
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let (Some(mut pipe), Some(input)) = (child.stdin.take(), input) {
        // From a thread: a child that does not read its stdin must not
        // hold us past the limit.
        let input = input.to_vec();
        std::thread::spawn(move || pipe.write_all(&input));
    }
    let stdout = Drain::start(child.stdout.take());
    let stderr = Drain::start(child.stderr.take());
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(POLL);
    };
    let until = Instant::now() + GRACE;
    Ok(Output {
        status,
        stdout: stdout.collect(until),
        stderr: stderr.collect(until),
    })
}

/// One pipe read to its end by a thread of its own.
struct Drain {
    text: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

impl Drain {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Drain {
        let text = Arc::new(Mutex::new(Vec::new()));
        let (finished, done) = mpsc::channel();
        let shared = Arc::clone(&text);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 16 * 1024];
            if let Some(mut pipe) = pipe {
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) => break,
                        Ok(n) => shared
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .extend_from_slice(&chunk[..n]),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
            }
            let _ = finished.send(());
        });
        Drain { text, done }
    }

    /// What was read: all of it, or what had come by `until` when the
    /// pipe is still open then.
    fn collect(self, until: Instant) -> Vec<u8> {
        let _ = self
            .done
            .recv_timeout(until.saturating_duration_since(Instant::now()));
        std::mem::take(&mut *self.text.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn a_chatty_child_finishes_long_before_the_limit() {
        // 2 MiB to stderr (and some to stdout), then exit 3: with the
        // pipes read only after the exit, the child blocks on the full
        // pipe until it is killed at the limit.
        let start = Instant::now();
        let script = "head -c 2097152 /dev/zero >&2; echo done; exit 3";
        let output = run(&mut sh(script), None, Duration::from_secs(20)).unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(output.status.and_then(|s| s.code()), Some(3));
        assert_eq!(output.stderr.len(), 2_097_152);
        assert_eq!(output.stdout, b"done\n");
    }

    #[test]
    fn a_hanging_child_is_killed_at_the_limit_with_what_it_wrote() {
        let start = Instant::now();
        let output = run(
            &mut sh("echo started; exec sleep 30"),
            None,
            Duration::from_millis(300),
        )
        .unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(output.status.is_none() && !output.success());
        assert_eq!(output.stdout, b"started\n");
    }

    #[test]
    fn input_reaches_the_child_and_a_left_behind_process_is_not_waited_for() {
        let input = vec![b'x'; 1 << 20];
        let output = run(&mut sh("wc -c"), Some(&input), Duration::from_secs(5)).unwrap();
        assert!(output.success());
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "1048576");
        // The background sleep keeps stdout and stderr open for 30 s.
        let start = Instant::now();
        let output = run(&mut sh("sleep 30 & echo hi"), None, Duration::from_secs(20)).unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(output.success());
        assert_eq!(output.stdout, b"hi\n");
        assert!(run(
            &mut Command::new("/nonexistent"),
            None,
            Duration::from_secs(1)
        )
        .is_err());
    }
}
