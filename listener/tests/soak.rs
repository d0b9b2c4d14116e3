//! The hostile-peer soak: for a bounded time, a seeded random mix of the
//! peers of hostile.rs (tricklers, silent and resetting clients, uploads
//! that cannot be spilled, senders that cannot be answered or never read)
//! against the four ways the listener keeps serving: `-k` over TCP and over
//! a Unix stream socket, `-u -k` over UDP and over a Unix datagram socket.
//! Meanwhile a normal client of each must get its reply every second.
//! It reports the peers sent, the replies received, what each listener
//! served and its peak resident memory.
//!
//! SOAK_SECS sets how long (default 20), TEST_SEED the mix (default: from
//! the clock; printed, so that a failing mix can be run again). Everything
//! happens in a network namespace of its own, and in the test's own folder.

use std::io::{Read, Write};
use std::net::{Shutdown, UdpSocket};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use socket2::{SockAddr, Socket, Type};
use testkit::{Proc, bin, command, in_netns, run_with_input, temp_dir};

const TCP_PORT: u16 = 12345;
const UDP_PORT: u16 = 54321;
/// Hostile peers at work at once: fewer than the stream listeners' slots
/// (--max-clients 16), so that a normal client always finds one.
const IN_FLIGHT: usize = 12;
/// A new hostile peer at most this often.
const CADENCE: Duration = Duration::from_millis(25);
/// The most a listener may hold in memory, peers or not.
const RSS_LIMIT_KIB: u64 = 64 * 1024;

/// What a hostile peer does. The stream ones go to the TCP or the Unix
/// stream listener, the rest to the datagram listener they name.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Peer {
    /// A byte every half second, for as long as it is let.
    Trickle,
    /// Connects and says nothing.
    Silent,
    /// Sends a little, then resets (SO_LINGER 0).
    Reset,
    /// 1 MiB: past what is kept in memory (and the TCP listener has no
    /// folder to spill in).
    BigUpload,
    /// Sends, shuts down, never reads the reply.
    NeverReads,
    /// Connects and closes at once.
    ConnectClose,
    /// raw_sender: UDP from source port 0.
    RawPortZero,
    /// raw_sender: UDP from 10.9.9.9, which this namespace cannot reach.
    RawUnreachable,
    /// raw_sender: UDP from 127.255.255.255.
    RawBroadcast,
    /// A UDP socket that sends and closes before the reply.
    UdpGone,
    /// The largest UDP datagram over IPv4, 65,507 bytes.
    UdpLargest,
    /// A Unix datagram from a socket that never bound a path.
    UnixUnbound,
    /// Binds, sends, closes and unlinks before the reply.
    UnixGone,
    /// Binds, sends 15 datagrams, never reads, then leaves.
    UnixNeverReads,
    /// A 100,000-byte Unix datagram.
    UnixBig,
}

const STREAM_PEERS: [Peer; 6] = [
    Peer::Trickle,
    Peer::Silent,
    Peer::Reset,
    Peer::BigUpload,
    Peer::NeverReads,
    Peer::ConnectClose,
];

const DATAGRAM_PEERS: [Peer; 9] = [
    Peer::RawPortZero,
    Peer::RawUnreachable,
    Peer::RawBroadcast,
    Peer::UdpGone,
    Peer::UdpLargest,
    Peer::UnixUnbound,
    Peer::UnixGone,
    Peer::UnixNeverReads,
    Peer::UnixBig,
];

/// Where the four listeners are.
#[derive(Clone)]
struct Targets {
    folder: PathBuf,
    unix_stream: PathBuf,
    unix_datagram: PathBuf,
}

impl Targets {
    fn tcp(&self) -> SockAddr {
        SockAddr::from(std::net::SocketAddr::from(([127, 0, 0, 1], TCP_PORT)))
    }
}

/// A stream peer against `server`; every wait in it is bounded (5 s).
fn stream_peer(peer: Peer, server: &SockAddr) {
    let limit = Some(Duration::from_secs(5));
    let Ok(socket) = Socket::new(server.domain(), Type::STREAM, None) else {
        return;
    };
    // SO_SNDTIMEO bounds connect(2) too.
    let _ = socket.set_write_timeout(limit);
    let _ = socket.set_read_timeout(limit);
    if socket.connect(server).is_err() {
        return;
    }
    let mut stream = &socket;
    match peer {
        Peer::Trickle => {
            for _ in 0..10 {
                if stream.write_all(b".").is_err() {
                    break;
                }
                thread::sleep(Duration::from_millis(500));
            }
        }
        Peer::Silent => {
            let _ = stream.read(&mut [0u8; 64]);
        }
        Peer::Reset => {
            let _ = stream.write_all(&[b'r'; 100]);
            let _ = socket.set_linger(Some(Duration::ZERO));
        }
        Peer::BigUpload => {
            let _ = stream.write_all(&vec![b'u'; 1 << 20]);
            let _ = socket.shutdown(Shutdown::Write);
            let _ = stream.read_to_end(&mut Vec::new());
        }
        Peer::NeverReads => {
            let _ = stream.write_all(b"never reads\n");
            let _ = socket.shutdown(Shutdown::Write);
            thread::sleep(Duration::from_secs(1));
        }
        _ => {} // ConnectClose: dropping closes it
    }
}

/// A datagram peer; `n` makes its own socket path unique.
fn datagram_peer(peer: Peer, targets: &Targets, n: usize) {
    let udp_port = UDP_PORT.to_string();
    let raw = |source: &[&str]| {
        let _ = command("raw_sender")
            .args(["--udp", "--dport", &udp_port, "-m", "raw"])
            .args(source)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    };
    let own = targets.folder.join(format!("peer-{n}.sock"));
    let server = &targets.unix_datagram;
    match peer {
        Peer::RawPortZero => raw(&["--sport", "0"]),
        Peer::RawUnreachable => raw(&["--src", "10.9.9.9"]),
        Peer::RawBroadcast => raw(&["--src", "127.255.255.255"]),
        Peer::UdpGone | Peer::UdpLargest => {
            let size = if peer == Peer::UdpGone { 5 } else { 65_507 };
            if let Ok(socket) = UdpSocket::bind("127.0.0.1:0") {
                let _ = socket.send_to(&vec![b'g'; size], ("127.0.0.1", UDP_PORT));
            }
        }
        Peer::UnixUnbound => {
            if let Ok(socket) = UnixDatagram::unbound() {
                let _ = socket.set_write_timeout(Some(Duration::from_secs(5)));
                let _ = socket.send_to(b"unbound", server);
            }
        }
        Peer::UnixGone | Peer::UnixNeverReads | Peer::UnixBig => {
            if let Ok(socket) = UnixDatagram::bind(&own) {
                let _ = socket.set_write_timeout(Some(Duration::from_secs(5)));
                match peer {
                    Peer::UnixGone => {
                        let _ = socket.send_to(b"gone", server);
                    }
                    Peer::UnixBig => {
                        let _ = socket.send_to(&vec![b'b'; 100_000], server);
                    }
                    _ => {
                        for _ in 0..15 {
                            let _ = socket.send_to(b"never reads", server);
                        }
                        thread::sleep(Duration::from_secs(1));
                    }
                }
            }
            let _ = std::fs::remove_file(&own);
        }
        _ => unreachable!("{peer:?} is a stream peer"),
    }
}

/// The four normal clients, each of which must get `pong`; the failures.
fn normal_round(targets: &Targets) -> Vec<String> {
    let tcp_port = TCP_PORT.to_string();
    let udp_port = UDP_PORT.to_string();
    let unix_stream = targets.unix_stream.to_str().unwrap();
    let unix_datagram = targets.unix_datagram.to_str().unwrap();
    let clients: [(&str, Vec<&str>); 4] = [
        ("stream_client", vec!["127.0.0.1", &tcp_port]),
        ("stream_client", vec!["-U", unix_stream]),
        ("dgram_client", vec!["127.0.0.1", &udp_port]),
        ("dgram_client", vec!["-U", unix_datagram]),
    ];
    let mut failures = Vec::new();
    for (program, args) in clients {
        let (status, stdout, stderr) = run_with_input(
            command(program)
                .env("TMPDIR", &targets.folder)
                .args(["-w", "5", "-m", "normal"])
                .args(&args),
            b"",
        );
        if !status.success() || stdout != b"pong\n" {
            failures.push(format!("{program} {args:?}: {status}: {stderr}"));
        }
    }
    failures
}

/// A listener with stdout thrown away (a soak prints a lot), spill files in
/// `tmp`.
fn listener(tmp: &Path, args: &[&str]) -> Proc {
    Proc::spawn(
        Command::new("sh")
            .args(["-c", r#"exec "$0" "$@" >/dev/null"#])
            .arg(bin("listener"))
            .args(args)
            .env("TMPDIR", tmp),
    )
}

/// The peak resident memory of a process, in KiB (VmHWM), and whether it
/// is still running (not a zombie).
fn peak_rss_kib(pid: u32) -> (u64, bool) {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .unwrap_or_default()
            .to_string()
    };
    let peak = field("VmHWM:").parse().unwrap_or(0);
    (peak, !matches!(field("State:").as_str(), "" | "Z"))
}

fn seconds() -> u64 {
    std::env::var("SOAK_SECS")
        .ok()
        .and_then(|secs| secs.parse().ok())
        .unwrap_or(20)
}

/// The report's file, in the folder of the test process that started the
/// namespace (its parent): the namespace's own output is shown only when
/// it fails.
fn report_file(parent: u32) -> PathBuf {
    std::env::temp_dir()
        .join(format!("socket-course-soak_report-{parent}"))
        .join("report")
}

#[test]
fn hostile_peers_never_take_a_listener_down() {
    let report = temp_dir("soak_report");
    in_netns("hostile_peers_never_take_a_listener_down", soak);
    if let Ok(text) = std::fs::read_to_string(report.join("report")) {
        for line in text.lines() {
            testkit::say(line);
        }
    }
}

fn soak() {
    let scratch = temp_dir("soak");
    let targets = Targets {
        folder: scratch.to_path_buf(),
        unix_stream: scratch.join("stream.sock"),
        unix_datagram: scratch.join("datagram.sock"),
    };
    let stream_limits = ["--max-clients", "16", "-w", "2", "--deadline", "3"];
    let tcp_port = TCP_PORT.to_string();
    let udp_port = UDP_PORT.to_string();
    let unix_stream = targets.unix_stream.to_str().unwrap();
    let unix_datagram = targets.unix_datagram.to_str().unwrap();
    let reply = ["--reply", "pong"];
    let mut listeners = [
        (
            "tcp",
            // No folder to spill in: every big upload is cut, and said so.
            listener(
                &scratch.join("missing"),
                &[&["-k", "-p", &tcp_port][..], &stream_limits, &reply].concat(),
            ),
        ),
        (
            "udp",
            listener(
                &scratch,
                &[&["-u", "-k", "-p", &udp_port][..], &reply].concat(),
            ),
        ),
        (
            "unix",
            listener(
                &scratch,
                &[&["-k", "-U", unix_stream][..], &stream_limits, &reply].concat(),
            ),
        ),
        (
            "unix datagram",
            listener(
                &scratch,
                &[&["-u", "-k", "-U", unix_datagram][..], &reply].concat(),
            ),
        ),
    ];
    for (_, server) in &mut listeners {
        server.listening_address();
    }

    let secs = seconds();
    let mut mix = testkit::Random::new("soak");
    let seed = mix.seed();
    testkit::say(&format!("soak: {secs} s (SOAK_SECS)"));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let mut peers: Vec<JoinHandle<()>> = Vec::new();
    let mut hostile = 0;
    let mut launched: Vec<(Peer, usize)> = Vec::new();
    let mut rounds = 0;
    let mut failures = Vec::new();
    let started = Instant::now();
    let end = started + Duration::from_secs(secs);
    let mut next_round = started;
    while Instant::now() < end {
        if Instant::now() >= next_round {
            failures.extend(normal_round(&targets));
            rounds += 1;
            next_round += Duration::from_secs(1);
        }
        if in_flight.load(Ordering::SeqCst) < IN_FLIGHT {
            let stream = mix.below(2) == 0;
            let peer = match stream {
                true => STREAM_PEERS[mix.below(STREAM_PEERS.len())],
                false => DATAGRAM_PEERS[mix.below(DATAGRAM_PEERS.len())],
            };
            let server = match mix.below(2) {
                0 => targets.tcp(),
                _ => SockAddr::unix(&targets.unix_stream).unwrap(),
            };
            let n = hostile;
            hostile += 1;
            match launched.iter_mut().find(|(kind, _)| *kind == peer) {
                Some((_, count)) => *count += 1,
                None => launched.push((peer, 1)),
            }
            let in_flight = Arc::clone(&in_flight);
            let targets = targets.clone();
            in_flight.fetch_add(1, Ordering::SeqCst);
            peers.push(thread::spawn(move || {
                match stream {
                    true => stream_peer(peer, &server),
                    false => datagram_peer(peer, &targets, n),
                }
                in_flight.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        // Reap the peers that are done, so that a long soak holds no more
        // threads than are at work.
        let (done, running) = peers.into_iter().partition(|peer| peer.is_finished());
        peers = running;
        for peer in done {
            peer.join().unwrap();
        }
        thread::sleep(CADENCE);
    }
    for peer in peers {
        peer.join().unwrap(); // each peer's waits are bounded
    }
    // After the storm, one more round: still serving.
    failures.extend(normal_round(&targets));
    rounds += 1;

    let by_kind: Vec<String> = launched
        .iter()
        .map(|(kind, count)| format!("{kind:?} {count}"))
        .collect();
    let mut lines = vec![
        format!("soak: seed {seed}, {secs} s, {hostile} hostile peers"),
        format!("soak: peers by kind: {}", by_kind.join(", ")),
        format!(
            "soak: normal clients {} of {} got their reply",
            rounds * 4 - failures.len(),
            rounds * 4
        ),
    ];
    let mut trouble = Vec::new();
    for (name, server) in listeners {
        let (peak, running) = peak_rss_kib(server.id());
        let (status, _, log) = server.stop_with("INT");
        let served = log
            .lines()
            .find_map(|line| line.split("stopped by SIGINT (Ctrl-C): ").nth(1))
            .unwrap_or("no last line")
            .to_string();
        lines.push(format!("soak: {name}: {served}; peak RSS {peak} KiB"));
        if !running || !matches!(status.code(), Some(0 | 74)) {
            trouble.push(format!("{name} was down ({status}):\n{log}"));
        }
        if peak > RSS_LIMIT_KIB {
            trouble.push(format!("{name} peaked at {peak} KiB"));
        }
        if log.contains("panicked") {
            trouble.push(format!("{name} panicked:\n{log}"));
        }
    }
    for line in &lines {
        testkit::say(line);
    }
    let parent = std::os::unix::process::parent_id();
    let _ = std::fs::write(report_file(parent), lines.join("\n") + "\n");
    assert!(failures.is_empty(), "normal clients failed: {failures:#?}");
    assert!(trouble.is_empty(), "{trouble:#?}");
}
