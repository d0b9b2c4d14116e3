//! The course book is Markdown in `src/`, built by mdBook
//! (`mdbook serve docs --open`). This crate holds no code: it exists for
//! its test, `tests/book.rs`, which runs every command the book prints and
//! compares what it prints with the book (`cargo test -p docs`).
#![forbid(unsafe_code)]
