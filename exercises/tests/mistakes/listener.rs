//! The classic mistakes of the warm-up listener, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "one recv, as if the client's one send made one recv here",
        find: "        if len == 0 {\n            break;\n        }\n        \
               stdout.write_all(&buffer[..len])?;",
        replace: "        stdout.write_all(&buffer[..len])?;\n        break;",
        expect: "recv until it returns 0",
    },
    Mistake {
        name: "another port than the course's",
        find: "([127, 0, 0, 1], 12345)",
        replace: "([127, 0, 0, 1], 12346)",
        expect: "never listened on 127.0.0.1:12345",
    },
];
