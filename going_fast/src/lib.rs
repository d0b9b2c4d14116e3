//! The appendix "Going fast": what the course's programs would do if speed
//! were the lesson. Each lesson crate makes the plain call the course
//! teaches (the RFC 1071 loop, a recv/send loop, one sendto(2) a packet);
//! each module here does the same work faster, and `bench/run` measures
//! both, against the same peers (nc, hping3, four checksum crates).
//!
//! - [`checksum`]: the one's complement sum of RFC 1071 § 2's techniques,
//!   eight bytes per addition, SIMD, AVX2 where the processor has it;
//! - [`bulk`]: bytes between a socket and a file without copying them
//!   through the program (sendfile(2), splice(2));
//! - [`flood`]: the same raw packet from every core, 32 per sendmmsg(2).
//!
//! The programs `fast_client`, `fast_listener` and `fast_flood` (src/bin)
//! put them to work; no lesson crate depends on this one.
#![deny(unsafe_code)] // but for one call in checksum.rs, which says why

pub mod bulk;
pub mod checksum;
pub mod flood;
