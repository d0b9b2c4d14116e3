//! The appendix's checksum against the crates students would otherwise
//! reach for, and beside them the lesson's loop (RFC 1071 § 4.1), at a
//! bare IPv4 header (20 B), an Ethernet-sized packet (1500 B), a large
//! segment (64 KiB) and a large buffer (16 MiB), in GB/s.
//!
//!     cargo bench -p going_fast --bench checksum
//!
//! Every contender computes the same value (checked below before timing),
//! except smoltcp above ~128 KiB, where its 32-bit sum overflows.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group,
    criterion_main,
};

type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// Times one contender, after checking it computes our value.
fn contender<F: Fn(&[u8]) -> u16>(
    group: &mut Group,
    data: &[u8],
    name: &str,
    checksum: F,
) {
    let wrong_above_128k = name.starts_with("smoltcp") && data.len() > 128 << 10;
    if !wrong_above_128k {
        assert_eq!(
            checksum(data),
            checksum::checksum(data),
            "{name}, {} bytes",
            data.len()
        );
    }
    group.bench_with_input(BenchmarkId::from_parameter(name), data, |b, data| {
        b.iter(|| checksum(black_box(data)))
    });
}

fn bench(c: &mut Criterion) {
    let sizes = [
        ("20 B", 20),
        ("1500 B", 1500),
        ("64 KiB", 64 << 10),
        ("16 MiB", 16 << 20),
    ];
    for (label, size) in sizes {
        let data: Vec<u8> =
            (0..size).map(|i: usize| (i * 131 + i / 7) as u8).collect();
        let group = &mut c.benchmark_group(label);
        group.throughput(Throughput::BytesDecimal(size as u64));
        contender(group, &data, "going_fast", going_fast::checksum::checksum);
        contender(group, &data, "lesson", checksum::checksum);
        contender(group, &data, "internet-checksum 0.2", |data| {
            u16::from_be_bytes(internet_checksum::checksum(data))
        });
        contender(group, &data, "etherparse 0.21", |data| {
            // etherparse keeps its sum in the machine's byte order.
            let sum = etherparse::checksum::Sum16BitWords::new().add_slice(data);
            sum.ones_complement().to_be()
        });
        contender(group, &data, "ip4sum 0.1", ip4sum::checksum);
        contender(group, &data, "smoltcp 0.14", |data| {
            !smoltcp::wire::checksum::data(data)
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
