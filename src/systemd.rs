//! Facts about systemd that both programs need: which systemd is running
//! (read by the generator at boot, from text the caller read). Asking the
//! running systemd about units is the verbs' business
//! (`ops/systemctl.rs`).

/// The version of the systemd whose memory map `maps` is (`/proc/1/maps`
/// of PID 1): the number in the `libsystemd-shared-<N>…so` or
/// `libsystemd-core-<N>…so` it has mapped (Debian `-252.so`, Fedora
/// `-256.7-1.fc41.so`). `None` when PID 1 maps neither (not systemd, or a
/// static build).
///
/// Generators get no version from systemd; the libraries PID 1 mapped at
/// its last exec are the running manager's, even after a package upgrade
/// that has not re-executed it yet.
pub fn version_from_maps(maps: &str) -> Option<u32> {
    maps.lines().find_map(|line| {
        let file = line.rsplit('/').next()?;
        let rest = file
            .strip_prefix("libsystemd-shared-")
            .or_else(|| file.strip_prefix("libsystemd-core-"))?;
        let digits = rest.split(|c: char| !c.is_ascii_digit()).next()?;
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_read_from_the_libraries_pid1_mapped() {
        let debian = "7f1e2c000000-7f1e2c0a1000 r--p 00000000 fe:01 1234  /usr/lib/systemd/libsystemd-shared-252.so\n";
        assert_eq!(version_from_maps(debian), Some(252));
        let fedora = "55d0 r-xp 0 fd:00 1 /usr/lib64/systemd/libsystemd-core-256.7-1.fc41.so\n";
        assert_eq!(version_from_maps(fedora), Some(256));
        let not_systemd = "55d0 r-xp 0 fd:00 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n";
        assert_eq!(version_from_maps(not_systemd), None);
        assert_eq!(
            version_from_maps("x /usr/lib/systemd/libsystemd-shared-.so"),
            None
        );
    }
}
