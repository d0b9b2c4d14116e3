//! The classic mistakes of the warm-up stream_client, each planted in a
//! copy of the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "no FIN: waiting for the reply's end without ending our side",
        find: "    socket.shutdown(Shutdown::Write)?;\n",
        replace: "    let _ = Shutdown::Write;\n",
        expect: "did you shutdown(Write) after sending?",
    },
    Mistake {
        name: "one recv, as if one send on the other side made one recv here",
        find: "        if len == 0 {\n            break;\n        }\n        \
               stdout.write_all(&buffer[..len])?;",
        replace: "        stdout.write_all(&buffer[..len])?;\n        break;",
        expect: "recv until it returns 0",
    },
];
