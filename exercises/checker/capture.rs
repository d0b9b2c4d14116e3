//! Every IPv4 or IPv6 packet that arrives on the namespace's loopback,
//! caught by a packet socket (packet(7)) on a thread of its own: your
//! program's packets and the kernel's answers alike, each once, header
//! first. Only inside the check's own namespace (namespace.rs).

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Socket, Type};

/// The EtherTypes of IPv4 and IPv6 (<linux/if_ether.h>).
const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86DD;

/// Packets caught so far, while the thread goes on catching.
pub struct Capture {
    packets: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Capture {
    /// IPv4 packets, from now on.
    pub fn ipv4() -> io::Result<Capture> {
        Capture::start(ETH_P_IP)
    }

    /// IPv6 packets, from now on.
    pub fn ipv6() -> io::Result<Capture> {
        Capture::start(ETH_P_IPV6)
    }

    fn start(ethertype: u16) -> io::Result<Capture> {
        // socket(AF_PACKET, SOCK_DGRAM, htons(ethertype)): each packet from
        // its IP header on, each once (only ETH_P_ALL sees them leave too).
        let protocol = Protocol::from(i32::from(ethertype.to_be()));
        let socket = Socket::new(Domain::PACKET, Type::DGRAM, Some(protocol))?;
        socket.set_read_timeout(Some(Duration::from_millis(50)))?;
        let packets = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (packets, stop) = (Arc::clone(&packets), Arc::clone(&stop));
            thread::spawn(move || {
                let mut buffer = vec![0u8; 65_536 + 40];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(len) = (&socket).read(&mut buffer) {
                        let mut packets =
                            packets.lock().unwrap_or_else(|e| e.into_inner());
                        packets.push(buffer[..len].to_vec());
                    }
                }
            })
        };
        Ok(Capture {
            packets,
            stop,
            thread: Some(thread),
        })
    }

    /// Every packet caught so far, in the order they came.
    pub fn packets(&self) -> Vec<Vec<u8>> {
        self.packets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits up to `limit` for a packet that `wanted` accepts; the first.
    pub fn wait_for(
        &self,
        limit: Duration,
        wanted: impl Fn(&[u8]) -> bool,
    ) -> Option<Vec<u8>> {
        let until = Instant::now() + limit;
        loop {
            if let Some(found) = self.packets().into_iter().find(|p| wanted(p)) {
                return Some(found);
            }
            if Instant::now() >= until {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
