//! lab/sandbox as a class without sudo would use it: students who are
//! ordinary users (made for the test, with subordinate ids as Debian gives
//! them, and removed after), each with a sandbox of their own that every
//! terminal of theirs joins; the book's two-terminal capture; a `kill $!`
//! that reaches what it names; the whole lab built inside a sandbox; eight
//! students at once, each attacker reaching only its own student's target;
//! and after `lab/sandbox --stop`, nothing of theirs still running.
//!
//! Root is needed only to make the users. Everything the students send
//! stays inside their sandboxes' namespaces.

use std::path::Path;
use std::process::{Command, Output};
use std::thread;
use std::time::{Duration, Instant};

use testkit::{Proc, Students, WorldReadable, find_tool, have_root, have_tool};

/// The tools a sandbox and its lab need, on any PATH.
const TOOLS: [&str; 10] = [
    "runuser",
    "unshare",
    "nsenter",
    "flock",
    "setsid",
    "newuidmap",
    "ip",
    "nft",
    "iptables",
    "tcpdump",
];

/// `script` as `student` would type it, in the course's folder.
fn as_student(student: &str, folder: &Path, script: &str) -> Command {
    Students::command(student, folder, script)
}

/// Runs `script` as `student`, bounded; returns what it did.
fn run(student: &str, folder: &Path, script: &str) -> Output {
    let mut command = as_student(student, folder, script);
    let (status, stdout, stderr) = testkit::run_with_input(&mut command, b"");
    Output {
        status,
        stdout,
        stderr: stderr.into_bytes(),
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The processes `student` still runs (zombies, already ended, aside).
fn running(student: &str) -> Vec<String> {
    let output = Command::new("ps")
        .args(["-u", student, "-o", "stat=,args="])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.trim_start().starts_with('Z'))
        .map(str::to_string)
        .collect()
}

fn ready(test: &str) -> bool {
    have_root(test) && TOOLS.iter().all(|tool| have_tool(test, tool))
}

#[test]
fn every_terminal_of_a_student_joins_one_sandbox_and_stop_ends_it_all() {
    let test = "every_terminal_of_a_student_joins_one_sandbox_and_stop_ends_it_all";
    if !ready(test) {
        return;
    }
    let students = Students::new("t", 1);
    let student = &students.0[0];
    let course = WorldReadable::new();
    let folder = course.folder();

    let help = run(student, folder, "lab/sandbox --help");
    assert!(help.status.success(), "{}", text(&help));
    assert!(
        text(&help).contains("joins the same sandbox"),
        "{}",
        text(&help)
    );
    assert_eq!(
        run(student, folder, "lab/sandbox --bogus").status.code(),
        Some(2)
    );

    // Terminal 1: tcpdump, as the book prints it; terminal 2: raw_sender.
    let mut capture = Proc::spawn(&mut as_student(
        student,
        folder,
        "exec lab/sandbox sudo tcpdump -i lo -nn -l -c 1 'ip[9]=0x10'",
    ));
    capture.wait_for_stderr("listening on lo");
    let sent = run(
        student,
        folder,
        "lab/sandbox sudo ./target/debug/raw_sender -m two",
    );
    assert!(sent.status.success(), "{}", text(&sent));
    let (status, stdout, stderr) = capture.finish();
    assert!(status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&stdout);
    assert!(
        stdout.contains("127.0.0.1 > 127.0.0.1:  ip-proto-16 3"),
        "{stdout}{stderr}"
    );

    // `sudo CMD &`, then `kill $!`, ends CMD itself.
    let started = Instant::now();
    let killed = run(
        student,
        folder,
        "lab/sandbox bash -c 'sudo tcpdump -i lo -nn >/dev/null 2>&1 & sleep 1; \
         kill $!; wait $!; echo ended'",
    );
    assert!(text(&killed).contains("ended"), "{}", text(&killed));
    assert!(started.elapsed() < Duration::from_secs(10));

    // Something left running in it, then --stop: nothing of theirs runs.
    let mut left = Proc::spawn(&mut as_student(
        student,
        folder,
        "exec lab/sandbox ./target/debug/listener -k --reply x",
    ));
    left.wait_for_stderr("listening on");
    let stopped = run(student, folder, "lab/sandbox --stop");
    assert!(text(&stopped).contains("stopped"), "{}", text(&stopped));
    let (_, _, _) = left.finish();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !running(student).is_empty() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(running(student), Vec::<String>::new());
    let again = run(student, folder, "lab/sandbox --stop");
    assert!(
        text(&again).contains("no sandbox of yours is running"),
        "{}",
        text(&again)
    );
}

#[test]
fn a_class_of_eight_each_with_a_lab_whose_attacker_reaches_only_its_target() {
    let test =
        "a_class_of_eight_each_with_a_lab_whose_attacker_reaches_only_its_target";
    if !ready(test) {
        return;
    }
    let students = Students::new("c", 8);
    let course = WorldReadable::new();
    let folder = course.folder().to_path_buf();
    let root_namespaces = namespaces();
    let class: Vec<_> = students
        .0
        .iter()
        .cloned()
        .map(|student| {
            let folder = folder.clone();
            thread::spawn(move || one_student(&student, &folder))
        })
        .collect();
    for student in class {
        student.join().unwrap();
    }
    for student in &students.0 {
        assert_eq!(
            running(student),
            Vec::<String>::new(),
            "{student} still runs"
        );
    }
    assert_eq!(
        namespaces(),
        root_namespaces,
        "the machine's own namespaces"
    );
}

/// One student's lab: up, a datagram across the router and its reply,
/// status, and the sandbox stopped.
fn one_student(student: &str, folder: &Path) {
    let up = run(student, folder, "lab/sandbox sudo lab/lab up");
    assert!(up.status.success(), "{student}: {}", text(&up));
    let mut target = Proc::spawn(&mut as_student(
        student,
        folder,
        &format!(
            "exec lab/sandbox sudo lab/lab run target ./target/debug/listener -u -k \
             -s 198.51.100.10 --reply ack-{student}"
        ),
    ));
    target.wait_for_stderr("listening on");
    let sent = run(
        student,
        folder,
        &format!(
            "lab/sandbox sudo lab/lab run attacker ./target/debug/dgram_client \
             198.51.100.10 -m from-{student}"
        ),
    );
    assert!(sent.status.success(), "{student}: {}", text(&sent));
    assert_eq!(
        String::from_utf8_lossy(&sent.stdout),
        format!("ack-{student}\n")
    );
    let status = run(student, folder, "lab/sandbox sudo lab/lab status");
    assert!(status.status.success(), "{student}: {}", text(&status));
    assert!(
        text(&status).contains("secret_dropped"),
        "{}",
        text(&status)
    );
    target.wait_for_stderr("datagram of");
    let stopped = run(student, folder, "lab/sandbox --stop");
    assert!(stopped.status.success(), "{}", text(&stopped));
    let (heard, _) = target.kill();
    // Its own student's datagram, and no other's.
    assert_eq!(String::from_utf8_lossy(&heard), format!("from-{student}\n"));
}

/// The network namespaces of the machine itself (`ip netns list`).
fn namespaces() -> String {
    let ip = find_tool("ip").unwrap();
    let output = Command::new(ip).args(["netns", "list"]).output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}
