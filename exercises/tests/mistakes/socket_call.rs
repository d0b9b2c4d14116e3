//! The classic mistakes of the warm-up socket_call, each planted in a copy
//! of the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[Mistake {
    name: "a stream socket where a datagram socket was asked for",
    find: "    Socket::new(Domain::IPV4, Type::DGRAM, None)",
    replace: "    Socket::new(Domain::IPV4, Type::STREAM, None)",
    expect: "expected \"socket(AF_INET, SOCK_DGRAM, 0): the kernel made AF_INET, \
             SOCK_DGRAM, protocol 17 (UDP)\"",
}];
