//! The classic mistakes of the warm-up dgram_client, each planted in a copy
//! of the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "the whole buffer printed, NUL bytes after the reply",
        find: "    buffer.truncate(len);\n",
        replace: "    let _ = len;\n",
        expect: "print only as many bytes as recvfrom says came",
    },
    Mistake {
        name: "the datagram sent to the wrong port",
        find: "    socket.send_to(MESSAGE, server)?;",
        replace: "    socket.send_to(MESSAGE, SocketAddr::from(([127, 0, 0, 1], 54320)))?;",
        expect: "did the datagram go to 127.0.0.1:54321?",
    },
];
