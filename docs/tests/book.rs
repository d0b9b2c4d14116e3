//! The course book (docs/) kept honest: every `console` block in it is run
//! and its printed output compared with the real one, and every include and
//! internal link must resolve.
//!
//! How a chapter's blocks are run:
//! - All `console` blocks under one heading form a session, run in a fresh
//!   network namespace (as root) from the repository's root folder.
//! - A block after `<!-- run: background -->` is a terminal left running (a
//!   server, tcpdump): it starts first, and the session waits until it says
//!   `listening on` or binds a socket. Its output is compared when it has
//!   exited by itself or, after the other blocks, been stopped with SIGINT
//!   (Ctrl-C).
//! - A block after `<!-- run: as an ordinary user -->` runs as `nobody`
//!   (`<!-- run: background, as an ordinary user -->` for both).
//! - Every other block runs its `$` commands one after the other.
//! - `sudo CMD` runs CMD (the test is root already). In expected output,
//!   `[..]` matches anything within a line, a line `...` any lines, and a
//!   line `^C` (the terminal's echo of Ctrl-C) an empty line or none.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

fn chapters() -> Vec<PathBuf> {
    let source = testkit::repository().join("docs/src");
    let summary = fs::read_to_string(source.join("SUMMARY.md")).unwrap();
    summary
        .lines()
        .filter_map(|line| line.split("](").nth(1))
        .map(|rest| source.join(rest.trim_end_matches(')')))
        .collect()
}

/// The chapters whose commands are run: all, or those BOOK_ONLY names
/// (`BOOK_ONLY=lab.md,raw-tcp.md cargo test -p docs`, while writing one).
fn chosen(chapter: &Path) -> bool {
    let name = chapter.file_name().unwrap().to_string_lossy().to_string();
    match std::env::var("BOOK_ONLY") {
        Ok(only) => only.split(',').any(|wanted| wanted == name),
        Err(_) => true,
    }
}

/// Who runs a command: root, or the unprivileged user `nobody`.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Root,
    Nobody,
}

#[derive(Debug)]
struct Block {
    background: bool,
    mode: Mode,
    /// Each command with the lines it should print.
    commands: Vec<(String, Vec<String>)>,
    line: usize,
}

#[derive(Debug)]
struct Session {
    place: String,
    blocks: Vec<Block>,
}

fn sessions(chapter: &Path) -> Vec<Session> {
    let text = fs::read_to_string(chapter).unwrap();
    let name = chapter.file_name().unwrap().to_string_lossy().to_string();
    let mut sessions: Vec<Session> = Vec::new();
    let mut heading = String::new();
    let (mut background, mut mode) = (false, Mode::Root);
    let mut lines = text.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_string();
        } else if let Some(directive) = line.trim().strip_prefix("<!-- run: ") {
            background = directive.contains("background");
            if directive.contains("as an ordinary user") {
                mode = Mode::Nobody;
            }
        } else if line.trim() == "```console" {
            let mut commands: Vec<(String, Vec<String>)> = Vec::new();
            for (_, line) in lines.by_ref() {
                if line.trim() == "```" {
                    break;
                }
                match (line.strip_prefix("$ "), commands.last_mut()) {
                    (Some(command), _) => {
                        commands.push((command.to_string(), Vec::new()))
                    }
                    (None, Some((_, expected))) => expected.push(line.to_string()),
                    (None, None) => {
                        panic!("{name}:{}: output before any command", number + 1)
                    }
                }
            }
            let block = Block {
                background,
                mode,
                commands,
                line: number + 1,
            };
            let place = format!("{name}, \"{heading}\"");
            match sessions.last_mut() {
                Some(session) if session.place == place => {
                    session.blocks.push(block)
                }
                _ => sessions.push(Session {
                    place,
                    blocks: vec![block],
                }),
            }
            (background, mode) = (false, Mode::Root);
        }
    }
    sessions
}

/// Does `actual` match `expected`, where `[..]` matches anything within a
/// line and a line `...` matches any number of lines?
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        // Where the reader pressed Ctrl-C, a terminal echoes ^C; the program
        // itself printed an empty line there, or nothing.
        Some((first, rest)) if first == "^C" => {
            matches(rest, actual)
                || actual.first().is_some_and(|line| line.trim().is_empty())
                    && matches(rest, &actual[1..])
        }
        Some((first, rest)) => match actual.split_first() {
            Some((line, more)) => line_matches(first, line) && matches(rest, more),
            None => false,
        },
    }
}

fn line_matches(expected: &str, actual: &str) -> bool {
    let (expected, actual) = (expected.trim_end(), actual.trim_end());

    let parts: Vec<&str> = expected.split("[..]").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !actual.starts_with(first) || !actual[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &actual[first.len()..actual.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// A fresh network namespace, held open by a sleeping process, that
/// commands enter with nsenter(1).
struct Namespace {
    holder: Child,
    /// For commands run as nobody: binaries it may run, gone with the session.
    binaries: std::sync::OnceLock<testkit::WorldReadable>,
}

impl Namespace {
    fn new() -> Namespace {
        let holder = Command::new("unshare")
            .args(["--net", "sleep", "600"])
            .spawn()
            .unwrap();
        // Wait until the holder has its own namespace.
        let mine = fs::read_link("/proc/self/ns/net").unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while fs::read_link(format!("/proc/{}/ns/net", holder.id())).ok()
            == Some(mine.clone())
            || fs::read_link(format!("/proc/{}/ns/net", holder.id())).is_err()
        {
            assert!(Instant::now() < deadline, "unshare did not start");
            thread::sleep(Duration::from_millis(5));
        }
        let namespace = Namespace {
            holder,
            binaries: std::sync::OnceLock::new(),
        };
        let status = namespace
            .command("ip link set lo up", Mode::Root)
            .status()
            .unwrap();
        assert!(status.success());
        namespace
    }

    /// `line` as bash runs it inside the namespace, stderr into stdout.
    fn command(&self, line: &str, mode: Mode) -> Command {
        let mut command = Command::new("nsenter");
        command.args(["-t", &self.holder.id().to_string(), "-n", "--"]);
        if mode == Mode::Nobody {
            command.args([
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
            ]);
        }
        // sudo runs a command with its own secure_path, /usr/sbin and /sbin
        // included, whatever the caller's PATH: so does this stand-in.
        let script = format!(
            "sudo() {{ PATH=\"$PATH:/usr/sbin:/sbin\" \"$@\"; }}\n{{ {line}\n}} 2>&1"
        );
        // nobody may not be allowed into the checkout (say, under /root); a
        // copy of target/debug everyone can read stands in for it.
        let folder = match mode {
            Mode::Root => testkit::repository(),
            Mode::Nobody => self
                .binaries
                .get_or_init(testkit::WorldReadable::new)
                .folder()
                .to_path_buf(),
        };
        command
            .args(["bash", "-c", &script])
            .current_dir(folder)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0);
        command
    }

    /// The sockets bound inside the namespace, as the kernel lists them.
    fn sockets(&self) -> usize {
        ["tcp", "udp", "tcp6", "udp6", "raw"]
            .iter()
            .map(|table| {
                let path = format!("/proc/{}/net/{table}", self.holder.id());
                fs::read_to_string(path).unwrap_or_default().lines().count()
            })
            .sum()
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

use std::os::unix::process::CommandExt;

/// A command whose output is collected as it runs.
struct Running {
    child: Child,
    output: Arc<Mutex<Vec<u8>>>,
    reader: Option<thread::JoinHandle<()>>,
}

impl Running {
    fn start(mut command: Command) -> Running {
        let mut child = command.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        let reader = thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(len) = stdout.read(&mut chunk) {
                if len == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..len]);
            }
        });
        Running {
            child,
            output,
            reader: Some(reader),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).to_string()
    }

    /// Waits up to `patience` for the command to end, then sends SIGINT
    /// (Ctrl-C) to it and everything it started; returns all it printed.
    fn finish(mut self, patience: Duration) -> String {
        let deadline = Instant::now() + patience;
        while self.child.try_wait().unwrap().is_none() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        if self.child.try_wait().unwrap().is_none() {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill")
                .args(["-INT", "--", &group])
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while self.child.try_wait().unwrap().is_none()
                && Instant::now() < deadline
            {
                thread::sleep(Duration::from_millis(20));
            }
            let _ = Command::new("kill")
                .args(["-KILL", "--", &group])
                .stderr(Stdio::null())
                .status();
            let _ = self.child.wait();
        }
        self.reader.take().unwrap().join().unwrap();
        self.text()
    }
}

fn compare(
    session: &Session,
    block: &Block,
    command: &str,
    expected: &[String],
    actual: &str,
) -> Option<String> {
    let actual_lines: Vec<&str> = actual.lines().collect();
    if matches(expected, &actual_lines) {
        return None;
    }
    Some(format!(
        "{} (block at line {}): `{command}` printed\n{actual}\nbut the book says\n{}\n",
        session.place,
        block.line,
        expected.join("\n")
    ))
}

/// Where a session's commands run.
trait Place {
    /// `line` as bash runs it there, stderr into stdout.
    fn command(&self, line: &str, mode: Mode) -> Command;
    /// The sockets bound there, as the kernel lists them.
    fn sockets(&self) -> usize;
}

impl Place for Namespace {
    fn command(&self, line: &str, mode: Mode) -> Command {
        Namespace::command(self, line, mode)
    }
    fn sockets(&self) -> usize {
        Namespace::sockets(self)
    }
}

/// A student's own sandbox (lab/sandbox), started afresh for a session:
/// every command, background or not, is a terminal of the student's that
/// joins it, and `sudo` there is the sandbox's own. Blocks marked for an
/// ordinary user run as the student outside it. Stopped when dropped.
struct Sandbox<'a> {
    student: &'a str,
    folder: &'a Path,
}

impl<'a> Sandbox<'a> {
    fn start(student: &'a str, folder: &'a Path) -> Sandbox<'a> {
        let sandbox = Sandbox { student, folder };
        let stopped = sandbox.shell("lab/sandbox --stop").status().unwrap();
        assert!(stopped.success());
        let started = sandbox.shell("lab/sandbox true").status().unwrap();
        assert!(started.success(), "{student}'s sandbox did not start");
        sandbox
    }

    fn shell(&self, script: &str) -> Command {
        let mut command =
            testkit::Students::command(self.student, self.folder, script);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0);
        command
    }

    /// The holder of the sandbox's namespaces: lab/sandbox records it.
    fn holder(&self) -> String {
        let uid = Command::new("id")
            .args(["-u", self.student])
            .output()
            .unwrap();
        let uid = String::from_utf8_lossy(&uid.stdout).trim().to_string();
        fs::read_to_string(format!("/tmp/socket-course-sandbox-{uid}/pid"))
            .unwrap_or_default()
            .trim()
            .to_string()
    }
}

impl Place for Sandbox<'_> {
    fn command(&self, line: &str, mode: Mode) -> Command {
        let script = format!("{{ {line}\n}} 2>&1");
        match mode {
            Mode::Root => self.shell(&format!(
                "exec lab/sandbox bash -c {}",
                shell_quoted(&script)
            )),
            Mode::Nobody => self.shell(&script),
        }
    }

    fn sockets(&self) -> usize {
        let holder = self.holder();
        ["tcp", "udp", "tcp6", "udp6", "raw"]
            .iter()
            .map(|table| {
                let path = format!("/proc/{holder}/net/{table}");
                fs::read_to_string(path).unwrap_or_default().lines().count()
            })
            .sum()
    }
}

impl Drop for Sandbox<'_> {
    fn drop(&mut self) {
        let _ = self.shell("lab/sandbox --stop").status();
    }
}

/// `text` in single quotes, for bash.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn run(session: &Session, place: &dyn Place) -> Vec<String> {
    let mut failures = Vec::new();
    let mut background = Vec::new();
    for block in session.blocks.iter().filter(|block| block.background) {
        let (command, _) = &block.commands[0];
        let before = place.sockets();
        let running = Running::start(place.command(command, block.mode));
        let deadline = Instant::now() + Duration::from_secs(10);
        while !running.text().contains("listening on") && place.sockets() == before {
            assert!(
                Instant::now() < deadline,
                "{}: `{command}` never got ready",
                session.place
            );
            thread::sleep(Duration::from_millis(20));
        }
        thread::sleep(Duration::from_millis(100));
        background.push((block, running));
    }
    for block in session.blocks.iter().filter(|block| !block.background) {
        for (command, expected) in &block.commands {
            let running = Running::start(place.command(command, block.mode));
            let actual = running.finish(Duration::from_secs(30));
            failures.extend(compare(session, block, command, expected, &actual));
        }
    }
    for (block, running) in background {
        let (command, expected) = &block.commands[0];
        let actual = running.finish(Duration::from_secs(3));
        failures.extend(compare(session, block, command, expected, &actual));
    }
    failures
}

#[test]
fn every_command_in_the_book_prints_what_the_book_says() {
    // The tools the book runs, and Scapy, which python3 must import.
    const TEST: &str = "every_command_in_the_book_prints_what_the_book_says";
    let tools = ["nc", "tcpdump", "python3", "strace", "nmap"];
    if !tools.into_iter().all(|tool| testkit::have_tool(TEST, tool))
        || !testkit::have_scapy(TEST)
    {
        return;
    }
    if !testkit::have_root("every_command_in_the_book_prints_what_the_book_says") {
        return;
    }
    // The binaries the book runs, where `cargo build` leaves them unless
    // told otherwise: ./target/debug (even when the tests themselves build
    // into another CARGO_TARGET_DIR).
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--quiet", "--workspace", "--bins", "--target-dir"])
        .arg(testkit::repository().join("target"))
        .current_dir(testkit::repository())
        .status();
    assert!(
        built.is_ok_and(|status| status.success()),
        "cargo build failed"
    );
    let mut failures = Vec::new();
    let mut count = 0;
    for chapter in chapters().into_iter().filter(|chapter| chosen(chapter)) {
        for session in sessions(&chapter) {
            count += session
                .blocks
                .iter()
                .map(|block| block.commands.len())
                .sum::<usize>();
            failures.extend(run(&session, &Namespace::new()));
        }
    }
    let everything = std::env::var("BOOK_ONLY").is_err();
    assert!(
        count >= 40 || !everything,
        "only {count} commands found in the book"
    );

    // The chapters that need privilege, again, as a student without sudo
    // runs them: in lab/sandbox, each block a terminal of its own that
    // joins the student's one sandbox, started afresh for each session.
    let have = |tool| {
        testkit::have_tool(
            "every_command_in_the_book_prints_what_the_book_says",
            tool,
        )
    };
    if !["runuser", "newuidmap", "nft", "iptables"]
        .into_iter()
        .all(have)
    {
        return;
    }
    let student = testkit::Students::new("b", 1);
    let course = testkit::WorldReadable::new();
    let mut in_sandbox = 0;
    for chapter in chapters().into_iter().filter(|chapter| chosen(chapter)) {
        let name = chapter.file_name().unwrap().to_string_lossy().to_string();
        if !SANDBOX_CHAPTERS.contains(&name.as_str()) {
            continue;
        }
        let text = fs::read_to_string(&chapter).unwrap();
        remove_tmp_files(&text); // root's, from the run above
        // A fresh sandbox for each section, as for each namespace above;
        // but the lab's sections build on each other, in one sandbox, as
        // they do on the one lab of the machine.
        let mut sandbox = None;
        for session in sessions(&chapter) {
            if name != "lab.md" || sandbox.is_none() {
                drop(sandbox.take());
                sandbox = Some(Sandbox::start(&student.0[0], course.folder()));
            }
            let sandbox = sandbox.as_ref().unwrap();
            in_sandbox += session
                .blocks
                .iter()
                .map(|b| b.commands.len())
                .sum::<usize>();
            failures.extend(
                run(&session, sandbox)
                    .into_iter()
                    .map(|failure| format!("in lab/sandbox: {failure}")),
            );
        }
        drop(sandbox);
        remove_tmp_files(&text);
    }
    assert!(
        in_sandbox >= 40 || !everything,
        "only {in_sandbox} commands run in the sandbox"
    );
    assert!(
        failures.is_empty(),
        "{} of {} commands differ:\n\n{}",
        failures.len(),
        count + in_sandbox,
        failures.join("\n")
    );
}

/// The chapters whose commands need privilege, which a student without
/// sudo runs in lab/sandbox.
const SANDBOX_CHAPTERS: [&str; 6] = [
    "raw-ipv4.md",
    "raw-tcp.md",
    "raw-ipv6.md",
    "raw-ipv6-further.md",
    "use-cases.md",
    "lab.md",
];

/// Removes the files `text`'s commands make in /tmp, so that one who runs
/// them next (root, then a student) starts as the book does.
fn remove_tmp_files(text: &str) {
    for word in text.split(|c: char| c.is_whitespace() || c == '`' || c == '\'') {
        if let Some(name) = word.strip_prefix("/tmp/")
            && !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || "._-".contains(c))
        {
            let _ = fs::remove_file(Path::new("/tmp").join(name));
        }
    }
}

#[test]
fn every_include_and_internal_link_resolves() {
    let chapters = chapters();
    assert!(chapters.len() >= 10, "{chapters:?}");
    for chapter in &chapters {
        let text = fs::read_to_string(chapter).unwrap_or_else(|_| {
            panic!("SUMMARY.md lists {} but it is missing", chapter.display())
        });
        let folder = chapter.parent().unwrap();
        for include in text.split("{{#include ").skip(1) {
            let target = include.split("}}").next().unwrap();
            let (path, anchor) = target.split_once(':').unwrap_or((target, ""));
            let source = fs::read_to_string(folder.join(path))
                .unwrap_or_else(|_| panic!("{}: no file {path}", chapter.display()));
            if !anchor.is_empty() && anchor.parse::<usize>().is_err() {
                assert!(
                    source.contains(&format!("ANCHOR: {anchor}"))
                        && source.contains(&format!("ANCHOR_END: {anchor}")),
                    "{}: {path} has no anchor {anchor}",
                    chapter.display()
                );
            }
        }
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap();
            if target.starts_with("http") || target.starts_with('#') {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let linked = folder.join(file);
            let linked_text = fs::read_to_string(&linked).unwrap_or_else(|_| {
                panic!("{}: broken link to {target}", chapter.display())
            });
            if !fragment.is_empty() {
                let ids: Vec<String> = linked_text
                    .lines()
                    .filter(|line| line.starts_with('#'))
                    .map(|line| {
                        testkit::heading_id(line.trim_start_matches('#').trim())
                    })
                    .collect();
                assert!(
                    ids.contains(&fragment.to_string()),
                    "{}: no heading #{fragment} in {file}",
                    chapter.display()
                );
            }
        }
    }
}

#[test]
fn the_matcher_matches_what_it_should_and_nothing_else() {
    let expected: Vec<String> =
        ["a [..] c", "...", "end"].map(String::from).to_vec();
    assert!(matches(&expected, &["a b c", "x", "y", "end"]));
    assert!(matches(&expected, &["a  c", "end"]));
    assert!(!matches(&expected, &["a b d", "end"]));
    assert!(!matches(&expected, &["a b c"]));
    assert!(!matches(&["x".to_string()], &["x", "y"]));
    let ctrl_c: Vec<String> = ["a", "^C", "b"].map(String::from).to_vec();
    assert!(matches(&ctrl_c, &["a", "", "b"]));
    assert!(matches(&ctrl_c, &["a", "b"]));
    assert!(!matches(&ctrl_c, &["a", "x", "b"]));
    assert!(line_matches("[..] IP 1 > 2", "12:00:00.123456 IP 1 > 2"));
    assert!(!line_matches("[..] IP 1 > 2", "12:00:00.123456 IP 1 > 3"));
}
