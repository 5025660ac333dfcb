//! What a worker's capture source says about the NIC: which interface it
//! reads, and whether the NIC's receive queues bound the workers.

const FANOUT_MODE_ARG: &str = "AF_Packet::fanout_mode=";
const ENABLE_FANOUT_ARG: &str = "AF_Packet::enable_fanout=";

/// How a capture method hands the NIC's receive queues to workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueUse {
    /// Software spreads flows over any number of workers (AF_PACKET's
    /// default hash fanout, PF_RING's software clusters): more workers than
    /// queues is fine.
    Spread,
    /// A worker reads whole hardware queues (AF_PACKET's `FANOUT_QM`,
    /// AF_XDP, PF_RING ZC): workers beyond the queues get no packets.
    PerQueue,
    /// AF_PACKET's `FANOUT_CPU`: the worker is picked by the CPU that
    /// received the packet, so only as many workers get packets as CPUs
    /// service the NIC's interrupts (unless RPS spreads them).
    ByReceivingCpu,
    /// The method's own rings or no load balancing (libpcap, Myricom,
    /// netmap, plugins not known here): the queues are not judged.
    Unknown,
}

impl QueueUse {
    /// Whether `workers = "auto"` should take no more workers than the
    /// NIC has receive queues.
    pub fn bounded_by_queues(self) -> bool {
        matches!(self, QueueUse::PerQueue | QueueUse::ByReceivingCpu)
    }
}

/// A worker's capture, as far as the topology cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// The network interface (`eth1` of `af_packet::eth1`).
    pub device: String,
    pub queue_use: QueueUse,
    /// How a message names the method (`AF_PACKET with FANOUT_QM`).
    pub method: String,
}

impl Capture {
    /// The capture of a worker reading `source` (what `zeek -i` gets) with
    /// the command line `args` (where `AF_Packet::fanout_mode=` may be
    /// redefined; the last one wins). Redefinitions made in scripts are
    /// not seen: the default mode is assumed.
    pub fn of(source: &str, args: &[String]) -> Capture {
        let (method, rest) = source.split_once("::").unwrap_or(("pcap", source));
        let device = rest.trim_start_matches("zc:");
        let device = device
            .split_once('@')
            .map_or(device, |(d, _)| d)
            .to_string();
        let (queue_use, method) = match method {
            "af_packet" => af_packet(args),
            "af_xdp" => (QueueUse::PerQueue, "AF_XDP".to_string()),
            "pf_ring" if rest.starts_with("zc:") => (QueueUse::PerQueue, "PF_RING ZC".into()),
            "pf_ring" => (QueueUse::Spread, "PF_RING".into()),
            other => (QueueUse::Unknown, other.to_string()),
        };
        Capture {
            device,
            queue_use,
            method,
        }
    }
}

fn af_packet(args: &[String]) -> (QueueUse, String) {
    let last = |prefix: &str| {
        args.iter()
            .rev()
            .find_map(|a| a.strip_prefix(prefix))
            .map(|v| v.trim().trim_start_matches("AF_Packet::"))
    };
    if matches!(last(ENABLE_FANOUT_ARG), Some("F" | "false")) {
        return (QueueUse::Unknown, "AF_PACKET without fanout".into());
    }
    match last(FANOUT_MODE_ARG).unwrap_or("FANOUT_HASH") {
        "FANOUT_QM" => (QueueUse::PerQueue, "AF_PACKET with FANOUT_QM".into()),
        "FANOUT_CPU" => (QueueUse::ByReceivingCpu, "AF_PACKET with FANOUT_CPU".into()),
        mode => (QueueUse::Spread, format!("AF_PACKET with {mode}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(source: &str, args: &[&str]) -> (String, QueueUse) {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let capture = Capture::of(source, &args);
        (capture.device, capture.queue_use)
    }

    #[test]
    fn sources_name_their_device_and_queue_use() {
        let spread = ("eth1".to_string(), QueueUse::Spread);
        assert_eq!(of("af_packet::eth1", &[]), spread);
        assert_eq!(of("pf_ring::eth1", &[]), spread);
        assert_eq!(
            of(
                "af_packet::eth1",
                &["AF_Packet::fanout_mode=AF_Packet::FANOUT_QM"]
            ),
            ("eth1".into(), QueueUse::PerQueue)
        );
        assert_eq!(
            of("af_packet::eth1", &["AF_Packet::fanout_mode=FANOUT_CPU"]),
            ("eth1".into(), QueueUse::ByReceivingCpu)
        );
        assert_eq!(
            of("af_packet::eth1", &["AF_Packet::enable_fanout=F"]),
            ("eth1".into(), QueueUse::Unknown)
        );
        assert_eq!(
            of("pf_ring::zc:eth1@3", &[]),
            ("eth1".into(), QueueUse::PerQueue)
        );
        assert_eq!(of("eth0", &[]), ("eth0".into(), QueueUse::Unknown));
        assert_eq!(of("myricom::p1p1", &[]), ("p1p1".into(), QueueUse::Unknown));
    }
}
