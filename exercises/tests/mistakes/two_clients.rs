//! The classic mistakes of the challenge two_clients, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "clients served one after another",
        find: "        thread::spawn(move || {
            if let Err(error) = converse(client) {
                say(&format!(\"client {peer}: {error}\"));
            }
        });",
        replace: "        if let Err(error) = converse(client) {
            say(&format!(\"client {peer}: {error}\"));
        }",
        expect: "while client A was still sending: serve each client on a thread of \
                 its own",
    },
    Mistake {
        name: "one client, then the end",
        find: "    loop {
        let (client, peer) = listener.accept()?;
        let peer = name(&peer);
        thread::spawn(move || {
            if let Err(error) = converse(client) {
                say(&format!(\"client {peer}: {error}\"));
            }
        });
    }",
        replace: "    let (client, _peer) = listener.accept()?;
    converse(client)",
        expect: "after its first client your listener stopped accepting: \
                 accept in a loop",
    },
    Mistake {
        name: "a thread for the first client, then the end",
        find: "        });
    }
}",
        replace: "        });
        return Ok(());
    }
}",
        expect: "after its first client your listener stopped accepting: \
                 accept in a loop",
    },
    Mistake {
        name: "each piece printed as it comes",
        find: "(&client).read_to_end(&mut message)?;",
        replace: "let mut piece = [0u8; 4096];
    loop {
        let len = (&client).read(&mut piece)?;
        if len == 0 {
            break;
        }
        io::stdout().write_all(&piece[..len])?;
    }",
        expect: "client A's bytes were printed in two parts with client B's between \
                 them: gather each client's bytes, then print them together",
    },
    Mistake {
        name: "the reply after one recv, before the FIN",
        find: "(&client).read_to_end(&mut message)?;",
        replace: "let mut piece = [0u8; 4096];
    let len = (&client).read(&mut piece)?;
    message.extend_from_slice(&piece[..len]);",
        expect: "before it had finished its message (before its FIN)",
    },
];
