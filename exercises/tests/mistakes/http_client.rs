//! The classic mistakes of the challenge http_client, each planted in a copy of
//! the solution: the check must fail, naming it.

use super::Mistake;

pub const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "one recv for the body",
        find: "while body.len() < length {",
        replace: "if body.len() < length {",
        expect: "the reply came in pieces; read until Content-Length bytes of body \
                 have come",
    },
    Mistake {
        name: "recv until end-of-file",
        find: "while body.len() < length {",
        replace: "loop {",
        expect: "the server keeps the connection open (HTTP/1.1): stop after \
                 Content-Length bytes",
    },
    Mistake {
        name: "Content-Length matched case-sensitively",
        find: "name.eq_ignore_ascii_case(\"content-length\")",
        replace: "*name == \"Content-Length\"",
        expect: "header names are case-insensitive (RFC 9110 § 5.1)",
    },
    Mistake {
        name: "the head printed with the body",
        find: "received.split_off(head_end + 4)",
        replace: "received.clone()",
        expect: "you printed the status line and the header fields with the body",
    },
    Mistake {
        name: "the body taken from the blank line's start",
        find: "received.split_off(head_end + 4)",
        replace: "received.split_off(head_end)",
        expect: "the body begins after all four bytes",
    },
    Mistake {
        name: "a request without its blank line",
        find: "Host: {}:{}\\r\\n\\r\\n",
        replace: "Host: {}:{}\\r\\n",
        expect: "the server waits for the blank line that ends the headers: \
                 \\r\\n\\r\\n",
    },
    Mistake {
        name: "the body made a String",
        find: "body.truncate(length);",
        replace: "body.truncate(length);
    let body = String::from_utf8_lossy(&body).into_owned();
    let body = body.into_bytes();",
        expect: "the body went through a String",
    },
    Mistake {
        name: "the body printed whatever the status",
        find: "if status_line.split(' ').nth(1) != Some(\"200\") {",
        replace: "if status_line.is_empty() {",
        expect: "a status other than 200 is an error",
    },
];
