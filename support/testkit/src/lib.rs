//! Helpers for the course's integration tests, kept in one place: where the
//! built binaries are, whether a peer tool or root is available (SKIP or, with
//! `CI=true`, fail), fresh network namespaces, and child processes that are
//! always killed and waited for.
//!
//! This crate is test plumbing, not course material.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long any single wait in a test may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The repository's top folder (this crate is `support/testkit` in it).
pub fn repository() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .nth(2)
        .expect("support/testkit")
        .to_path_buf()
}

/// The course's four binaries, built together the first time a test asks
/// for any of them.
const COURSE: [&str; 4] =
    ["stream_client", "dgram_client", "listener", "raw_sender"];

/// The path of a workspace binary, e.g. `bin("listener")`, built first.
///
/// `cargo test -p stream_client` builds only stream_client, yet its tests
/// talk to the listener; so the cargo that runs the tests (`$CARGO`) builds
/// the binary into the same target folder, once per test process. When it
/// is up to date, that takes a fraction of a second.
pub fn bin(name: &str) -> PathBuf {
    use std::sync::Mutex;
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/<test>-<hash> -> target/<profile>/<name>
    let profile = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !built.iter().any(|done| done == name) {
        let names: Vec<&str> = match COURSE.contains(&name) {
            true => COURSE.to_vec(),
            false => vec![name],
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "--workspace"]);
        for name in &names {
            build.args(["--bin", name]);
        }
        if profile.file_name().is_some_and(|dir| dir == "release") {
            build.arg("--release");
        }
        let status = build.current_dir(repository()).status();
        assert!(
            status.as_ref().is_ok_and(ExitStatus::success),
            "cargo build --bin {name} failed: {status:?}"
        );
        built.extend(names.iter().map(|name| name.to_string()));
    }
    let path = profile.join(name);
    assert!(path.exists(), "{} was not built", path.display());
    path
}

/// A `Command` for a workspace binary.
pub fn command(name: &str) -> Command {
    Command::new(bin(name))
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// Prints a visible SKIP line (past the test harness's capture), or fails
/// the test when `CI=true`, where nothing may be skipped.
fn skip(test: &str, why: &str) {
    assert!(
        !in_ci(),
        "{test}: {why}, and CI=true does not allow skipping"
    );
    say(&format!("SKIP {test}: {why}"));
}

/// Prints a line the test harness does not capture (its capture covers the
/// print macros, not a direct write): for SKIP lines and measurements.
pub fn say(line: &str) {
    let mut stderr = std::io::stderr();
    let _ = writeln!(stderr, "{line}");
}

/// Where `tool` is: on PATH, or else in /usr/sbin or /sbin, where Debian
/// keeps nft, iptables and sysctl and where an ordinary user's PATH (which
/// `sudo -E env "PATH=$PATH"` keeps) does not look.
pub fn find_tool(tool: &str) -> Option<String> {
    let output = Command::new("sh")
        .args([
            "-c",
            &format!("PATH=\"$PATH:/usr/sbin:/sbin\" command -v {tool}"),
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (output.status.success() && !path.is_empty()).then_some(path)
}

/// True when `tool` is installed (`find_tool`); otherwise prints SKIP
/// (fails under CI).
pub fn have_tool(test: &str, tool: &str) -> bool {
    let found = find_tool(tool).is_some();
    if !found {
        skip(test, &format!("`{tool}` is not installed"));
    }
    found
}

/// The id mdBook gives a heading: lower case, spaces to dashes, only
/// letters, digits, dashes and underscores kept.
pub fn heading_id(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => {
                Some(c.to_ascii_lowercase())
            }
            _ => None,
        })
        .collect()
}

/// The Scapy the book was run with (from PyPI), as .ci/run installs it.
pub const SCAPY: &str = "2.8.0";

/// True when python3 imports Scapy; otherwise prints SKIP (fails under CI).
/// Another version than SCAPY is used, with a line saying so.
pub fn have_scapy(test: &str) -> bool {
    if !have_tool(test, "python3") {
        return false;
    }
    let output = Command::new("python3")
        .args(["-c", "import scapy; print(scapy.VERSION)"])
        .output();
    match output {
        Ok(output) if output.status.success() => {
            let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
            if version != SCAPY {
                say(&format!(
                    "{test}: Scapy {version}, where the book has {SCAPY}: its output may differ"
                ));
            }
            true
        }
        _ => {
            let install = format!("python3 -m pip install scapy=={SCAPY}");
            skip(test, &format!("python3 cannot import scapy ({install})"));
            false
        }
    }
}

/// True when running as root; otherwise prints SKIP (fails under CI).
pub fn have_root(test: &str) -> bool {
    let root = is_root();
    if !root {
        skip(
            test,
            "needs root (network namespaces, raw sockets, tcpdump)",
        );
    }
    root
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

const NETNS_MARK: &str = "TESTKIT_IN_NETNS";

/// Runs `body` as root in a fresh network namespace whose only interface is
/// a loopback that is up, so that the test sees no other traffic and can
/// bind any port. The test binary re-runs itself, filtered to `test`, under
/// `unshare --net`. Without root: SKIP (fails under CI).
///
/// `test` must be the test function's name, e.g. `in_netns("my_test", || ..)`.
pub fn in_netns(test: &str, body: impl FnOnce()) {
    if std::env::var(NETNS_MARK).as_deref() == Ok(test) {
        run(Command::new("ip").args(["link", "set", "lo", "up"]));
        body();
        return;
    }
    if !have_root(test) {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let output = Command::new("unshare")
        .arg("--net")
        .arg(&exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(NETNS_MARK, test)
        .output()
        .expect("unshare runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{test} in a namespace failed:\n{log}"
    );
    assert!(
        log.contains("1 passed"),
        "{test} did not run in the namespace:\n{log}"
    );
}

/// Runs a command to completion, asserting that it succeeds.
pub fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the command starts");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `command` made to run as the unprivileged user `nobody` (via setpriv),
/// with no capabilities: how a student without sudo runs it. It runs a copy
/// of the binary in a folder everyone can read (nobody may not be allowed
/// into the checkout, say under /root); the copy goes when this is dropped.
pub struct AsNobody {
    command: Command,
    _binaries: WorldReadable,
}

impl std::ops::Deref for AsNobody {
    type Target = Command;
    fn deref(&self) -> &Command {
        &self.command
    }
}

impl std::ops::DerefMut for AsNobody {
    fn deref_mut(&mut self) -> &mut Command {
        &mut self.command
    }
}

pub fn as_nobody(command: &Command) -> AsNobody {
    let program = PathBuf::from(command.get_program());
    let name = program.file_name().unwrap().to_str().unwrap();
    let binaries = WorldReadable::new();
    let copy = binaries.folder().join("target/debug").join(name);
    if !copy.exists() {
        std::fs::copy(&program, copy).unwrap(); // not one of the course's four
    }
    let mut nobody = Command::new("setpriv");
    nobody
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(binaries.folder().join("target/debug").join(name))
        .args(command.get_args())
        .current_dir(binaries.folder());
    AsNobody {
        command: nobody,
        _binaries: binaries,
    }
}

/// A fresh folder any user can read, holding copies of the workspace's
/// binaries under `target/debug/` (so `./target/debug/listener` works from
/// it), of `lab/` and of `docs/python/`: what a student runs, from a folder
/// a student may enter. Removed, copies and all, when dropped.
pub struct WorldReadable {
    top: PathBuf,
}

impl WorldReadable {
    #[allow(clippy::new_without_default)]
    pub fn new() -> WorldReadable {
        use std::os::unix::fs::PermissionsExt;
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let top = std::env::temp_dir().join(format!(
            "socket-course-bin-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let binaries = top.join("target/debug");
        std::fs::create_dir_all(&binaries).unwrap();
        for name in COURSE {
            std::fs::copy(bin(name), binaries.join(name)).unwrap();
        }
        for folder in ["lab", "docs/python"] {
            let (from, to) = (repository().join(folder), top.join(folder));
            std::fs::create_dir_all(&to).unwrap();
            for file in std::fs::read_dir(from).unwrap().flatten() {
                let copy = to.join(file.file_name());
                std::fs::copy(file.path(), &copy).unwrap();
                std::fs::set_permissions(
                    &copy,
                    std::fs::Permissions::from_mode(0o755),
                )
                .unwrap();
            }
        }
        for dir in ["", "target", "target/debug", "lab", "docs", "docs/python"] {
            std::fs::set_permissions(
                top.join(dir),
                std::fs::Permissions::from_mode(0o755),
            )
            .unwrap();
        }
        WorldReadable { top }
    }

    /// The folder to run from: it holds `target/debug/`, `lab/` and
    /// `docs/python/`.
    pub fn folder(&self) -> &std::path::Path {
        &self.top
    }
}

/// Students made for a test: ordinary users named `scN-TAG`, each with a
/// block of 65536 subordinate user and group ids of its own, as Debian's
/// useradd gives them (what `lab/sandbox` needs). Removed, with everything
/// they still run, when dropped. Needs root.
pub struct Students(pub Vec<String>);

impl Students {
    pub fn new(tag: &str, count: usize) -> Students {
        let tool =
            |name: &str| find_tool(name).unwrap_or_else(|| panic!("no {name}"));
        let names: Vec<String> =
            (0..count).map(|n| format!("sc{n}-{tag}")).collect();
        let students = Students(names.clone());
        for (n, name) in names.iter().enumerate() {
            let _ = Command::new(tool("userdel")).arg(name).output();
            let made = Command::new(tool("useradd"))
                .args(["-M", "-s", "/bin/bash", name])
                .output()
                .unwrap();
            assert!(made.status.success(), "useradd {name}: {made:?}");
            // A block far from the ones useradd hands out: none overlap.
            let tag_block = u64::from(tag.as_bytes()[0]) << 24;
            let first = 3_000_000_000 + tag_block + (n as u64) * 65_536;
            let range = format!("{first}-{}", first + 65_535);
            let given = Command::new(tool("usermod"))
                .args(["--add-subuids", &range, "--add-subgids", &range, name])
                .output()
                .unwrap();
            assert!(given.status.success(), "usermod {name}: {given:?}");
        }
        students
    }

    /// `script` run by bash as `student`, in `folder`, with an ordinary
    /// user's PATH.
    pub fn command(
        student: &str,
        folder: &std::path::Path,
        script: &str,
    ) -> Command {
        let mut command = Command::new(find_tool("runuser").expect("runuser"));
        command
            .args(["-u", student, "--", "bash", "-c", script])
            .current_dir(folder)
            .env("PATH", "/usr/local/bin:/usr/bin:/bin");
        command
    }
}

impl Drop for Students {
    fn drop(&mut self) {
        for name in &self.0 {
            let uid = Command::new("id").args(["-u", name]).output();
            let _ = Command::new("pkill").args(["-KILL", "-u", name]).output();
            thread::sleep(Duration::from_millis(50));
            if let Some(userdel) = find_tool("userdel") {
                let _ = Command::new(userdel).arg(name).output();
            }
            // The record of their sandbox, in /tmp.
            if let Ok(uid) = uid {
                let uid = String::from_utf8_lossy(&uid.stdout).trim().to_string();
                if !uid.is_empty() {
                    let state = format!("/tmp/socket-course-sandbox-{uid}");
                    let _ = std::fs::remove_dir_all(state);
                }
            }
        }
    }
}

impl Drop for WorldReadable {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

/// A running child process whose stderr lines and stdout bytes are collected
/// in the background. Dropping it kills and reaps the child.
pub struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr_seen: Vec<String>,
    stdout: Option<JoinHandle<Vec<u8>>>,
}

impl Proc {
    /// Spawns `command` with piped stdin, stdout and stderr.
    pub fn spawn(command: &mut Command) -> Proc {
        // Its own process group, so that killing it also kills whatever it
        // started (a shell pipeline's nc, say).
        let mut child = command
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {command:?}: {err}"));
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stdout = thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout.read_to_end(&mut bytes);
            bytes
        });
        Proc {
            child,
            stdin,
            lines,
            stderr_seen: Vec::new(),
            stdout: Some(stdout),
        }
    }

    /// Writes `bytes` to the child's stdin and closes it. A child that
    /// stops reading early (it failed, or needed no more) is not an error.
    pub fn feed(&mut self, bytes: &[u8]) {
        let mut stdin = self.stdin.take().expect("stdin is still open");
        if let Err(error) = stdin.write_all(bytes) {
            assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
        }
    }

    /// Closes the child's stdin without writing.
    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Waits for the next stderr line that contains `text` and returns it.
    pub fn wait_for_stderr(&mut self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr_seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no stderr line with {text:?}; saw:\n{}",
                    self.stderr_seen.join("\n")
                ),
            }
        }
    }

    /// For a listener: waits for `listening on ADDR (...)` and returns ADDR.
    pub fn listening_address(&mut self) -> String {
        let line = match self
            .stderr_seen
            .iter()
            .find(|l| l.contains("listening on "))
        {
            Some(line) => line.clone(),
            None => self.wait_for_stderr("listening on "),
        };
        let rest = line.split("listening on ").nth(1).unwrap();
        rest.split(' ').next().unwrap().to_string()
    }

    /// For a listener: the port from `listening on ADDR (...)`.
    pub fn listening_port(&mut self) -> u16 {
        let address = self.listening_address();
        address.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Waits (bounded) for the child to exit; returns its status, stdout, and
    /// every stderr line it printed.
    pub fn finish(mut self) -> (ExitStatus, Vec<u8>, String) {
        self.stdin.take();
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                self.kill_group();
                panic!("{:?} did not exit in time", self.child.id());
            }
            thread::sleep(Duration::from_millis(5));
        };
        let stdout = self.stdout.take().unwrap().join().unwrap();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(1)) {
            self.stderr_seen.push(line);
        }
        (status, stdout, self.stderr_seen.join("\n"))
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (e.g. "TERM", "INT") to the child, then waits for it
    /// as [`Proc::finish`] does.
    pub fn stop_with(self, signal: &str) -> (ExitStatus, Vec<u8>, String) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.finish()
    }

    /// Kills the child (for servers that run until told to stop) and
    /// returns what it printed.
    pub fn kill(mut self) -> (Vec<u8>, String) {
        self.kill_group();
        let (_, stdout, stderr) = self.finish();
        (stdout, stderr)
    }
}

impl Proc {
    fn kill_group(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill_group();
        let _ = self.child.wait();
    }
}

/// Runs `command` to completion, bounded by [`PATIENCE`], with `stdin` as its
/// standard input; returns its status, stdout and stderr.
pub fn run_with_input(
    command: &mut Command,
    stdin: &[u8],
) -> (ExitStatus, Vec<u8>, String) {
    let mut proc = Proc::spawn(command);
    proc.feed(stdin);
    proc.finish()
}

/// A fresh, empty temporary directory for sockets and files of one test,
/// removed with everything in it when dropped.
pub struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_dir(test: &str) -> TempDir {
    let dir = std::env::temp_dir()
        .join(format!("socket-course-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// A TCP or UDP port on 127.0.0.1 that nothing is bound to right now.
pub fn free_port(udp: bool) -> u16 {
    let port = if udp {
        std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
    } else {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
    };
    port.unwrap().port()
}

/// Waits until some socket listens on TCP `port` (or is bound to UDP `port`),
/// as the kernel's tables in /proc/net say; touching the port itself would
/// use up a one-shot server such as `nc -l`.
pub fn wait_until_bound(port: u16, udp: bool) {
    let (files, state) = match udp {
        true => (["/proc/net/udp", "/proc/net/udp6"], "07"),
        false => (["/proc/net/tcp", "/proc/net/tcp6"], "0A"),
    };
    let wanted = format!(":{port:04X}");
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        let bound = files.iter().any(|file| {
            std::fs::read_to_string(file)
                .unwrap_or_default()
                .lines()
                .any(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    fields.len() > 3
                        && fields[1].ends_with(&wanted)
                        && fields[3] == state
                })
        });
        if bound {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
    panic!("nothing bound port {port} in time");
}

/// Pseudo-random test cases that can be drawn again: xorshift64*, from a
/// seed that is printed when drawing starts. `TEST_SEED=N` in the
/// environment replays seed N; without it, each run draws new cases.
pub struct Random {
    seed: u64,
    state: u64,
}

impl Random {
    /// A generator for `test`, whose seed is printed (past the test
    /// harness's capture) with the way to replay it.
    pub fn new(test: &str) -> Random {
        let seed = std::env::var("TEST_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or_else(|| {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                now.as_nanos() as u64
            });
        say(&format!(
            "{test}: seed {seed} (TEST_SEED={seed} replays it)"
        ));
        Random::from_seed(seed)
    }

    /// The generator for one seed, printing nothing.
    pub fn from_seed(seed: u64) -> Random {
        let state = seed | 1; // xorshift needs a bit set
        Random { seed, state }
    }

    /// The seed it started from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn u64(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.u64() >> 33) as usize % n
    }

    pub fn byte(&mut self) -> u8 {
        (self.u64() >> 56) as u8
    }

    pub fn u16(&mut self) -> u16 {
        (self.u64() >> 48) as u16
    }

    pub fn bool(&mut self) -> bool {
        self.u64() >> 63 == 1
    }

    /// Exactly `len` random bytes.
    pub fn fill(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.byte()).collect()
    }

    /// From 0 to `max` random bytes.
    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        self.fill(len)
    }
}
