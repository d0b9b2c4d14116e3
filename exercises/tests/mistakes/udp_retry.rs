//! The classic mistakes of the challenge udp_retry, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "no retry at all",
        find: "for _ in 0..TRIES {",
        replace: "for _ in 0..1 {",
        expect: "no retry: you sent one datagram",
    },
    Mistake {
        name: "a fixed wait, never doubled",
        find: "Err(error) if silence(&error) => wait *= 2,",
        replace: "Err(error) if silence(&error) => {}",
        expect: "double the wait after each silence",
    },
    Mistake {
        name: "the stray datagram taken as the reply",
        find: "socket.connect(server)?;
    // The most one datagram can hold: a longer one would be cut short.
    let mut buffer = vec![0u8; 65535];
    let mut wait = FIRST_WAIT;
    for _ in 0..TRIES {
        // send(2): to the connected address.
        socket.send(MESSAGE)?;",
        replace: "let mut buffer = vec![0u8; 65535];
    let mut wait = FIRST_WAIT;
    for _ in 0..TRIES {
        socket.send_to(MESSAGE, server)?;",
        expect: "you printed the stray datagram",
    },
    Mistake {
        name: "the whole buffer printed",
        find: "buffer.truncate(len);",
        replace: "let _ = len;",
        expect: "then 65499 more that were only the buffer's",
    },
    Mistake {
        name: "never giving up",
        find: "for _ in 0..TRIES {",
        replace: "loop {",
        expect: "you never gave up",
    },
];
