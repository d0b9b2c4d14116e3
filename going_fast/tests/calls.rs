//! The lessons make the plain calls, the appendix the fast ones, and
//! strace(1) shows which: the same bulk copy through stream_client and the
//! listener, then through fast_client and fast_listener, and the same
//! flood from raw_sender and fast_flood, each traced for the calls that
//! exist only to be fast.

use std::path::Path;
use std::process::Command;

use testkit::{bin, have_tool, in_netns, temp_dir};

/// The calls that exist only to be fast (copy_file_range too: std's
/// io::copy between two files or pipes picks it by itself).
const FAST_CALLS: &str = "splice,sendfile,sendmmsg,copy_file_range,vmsplice,tee";

/// `script` run by bash under strace -f, tracing FAST_CALLS; the names of
/// the calls it made, one per call.
fn fast_calls_of(script: &str, dir: &Path) -> Vec<String> {
    let trace = dir.join("trace");
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e", "signal=none", "-e"])
        .arg(format!("trace={FAST_CALLS}"))
        .arg("-o")
        .arg(&trace)
        .args(["bash", "-c", script])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "{script}");
    let traced = std::fs::read_to_string(&trace).unwrap();
    traced
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .filter_map(|call| call.split('(').next())
        .map(str::to_string)
        .collect()
}

/// A bulk copy both ways: a 4 MiB file up from the client's stdin, a 2 MiB
/// reply down from the server's, each into a file.
fn copy_both_ways(client: &str, server: &str, dir: &Path) -> Vec<String> {
    std::fs::write(dir.join("up"), vec![b'u'; 4 << 20]).unwrap();
    std::fs::write(dir.join("down"), vec![b'd'; 2 << 20]).unwrap();
    let script = format!(
        "{server} -p 7003 < down > got-up 2> server.log & sleep 0.5\n\
         {client} 127.0.0.1 7003 < up > got-down 2> client.log\n\
         wait"
    );
    let calls = fast_calls_of(&script, dir);
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    assert!(read("got-up") == read("up"), "the upload arrived changed");
    assert!(
        read("got-down") == read("down"),
        "the reply arrived changed"
    );
    calls
}

#[test]
fn the_lessons_copy_with_recv_and_send_and_the_appendix_without() {
    let test = "the_lessons_copy_with_recv_and_send_and_the_appendix_without";
    if !have_tool(test, "strace") {
        return;
    }
    in_netns(test, || {
        let dir = temp_dir("calls_bulk");
        let client = format!("{} -m -", bin("stream_client").display());
        let server = bin("listener").display().to_string();
        let lesson = copy_both_ways(&client, &server, &dir);
        assert!(lesson.is_empty(), "the lessons called {lesson:?}");
        let client = bin("fast_client").display().to_string();
        let server = bin("fast_listener").display().to_string();
        let fast = copy_both_ways(&client, &server, &dir);
        for call in ["sendfile", "splice"] {
            assert!(fast.iter().any(|made| made == call), "no {call}: {fast:?}");
        }
    });
}

#[test]
fn the_lessons_flood_is_one_sendto_a_packet_and_the_appendixs_batches() {
    let test = "the_lessons_flood_is_one_sendto_a_packet_and_the_appendixs_batches";
    if !have_tool(test, "strace") {
        return;
    }
    in_netns(test, || {
        let dir = temp_dir("calls_flood");
        let raw_sender = bin("raw_sender").display().to_string();
        let lesson = fast_calls_of(&format!("{raw_sender} --flood -c 200"), &dir);
        assert!(lesson.is_empty(), "raw_sender --flood called {lesson:?}");
        let fast_flood = bin("fast_flood").display().to_string();
        let fast = fast_calls_of(&format!("{fast_flood} -c 200"), &dir);
        assert!(fast.iter().any(|call| call == "sendmmsg"), "{fast:?}");
    });
}
