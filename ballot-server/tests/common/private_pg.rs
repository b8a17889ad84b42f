//! A private PostgreSQL cluster for tests that crash or restart the
//! database: `initdb` into a temporary directory, one loopback port of its
//! own, torn down on drop. The shared server at 127.0.0.1:5432 — which
//! every other test binary, and other work trees on the machine, use
//! concurrently — is never stopped, so no lock or ordering between test
//! binaries is needed (nextest-safe too).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A running (or stopped) private cluster.
pub struct PrivatePg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn bin_dir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if p.join("initdb").exists() {
            return p;
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL binaries under /usr/lib/postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found
        .pop()
        .expect("an initdb under /usr/lib/postgresql/*/bin")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl PrivatePg {
    /// `initdb` a fresh cluster (trust authentication, user `postgres`).
    pub fn init() -> PrivatePg {
        let dir = tempfile::tempdir().unwrap();
        // initdb refuses to run as root: run the cluster as `postgres`.
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if as_postgres {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path()));
        }
        let pg = PrivatePg {
            bin: bin_dir(),
            port: free_port(),
            dir,
            as_postgres,
        };
        pg.tool("initdb")
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(pg.data())
            .status_ok();
        pg
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn tool(&self, name: &str) -> Cmd {
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(self.bin.join(name));
            c
        } else {
            Command::new(self.bin.join(name))
        };
        c.stdout(Stdio::null()).stderr(Stdio::inherit());
        Cmd(c)
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts it and waits until it accepts connections. A start right
    /// after `kill -9` of the postmaster waits for its orphaned backends
    /// to exit (their shared memory blocks a new postmaster).
    pub fn start(&self) {
        let log = self.dir.path().join("log");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        for attempt in 0..30 {
            let ok = self
                .tool("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-o", &opts, "start"])
                .status();
            if ok && self.ready() {
                return;
            }
            assert!(attempt < 29, "private PostgreSQL did not start");
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// `pg_isready` on its port.
    pub fn ready(&self) -> bool {
        for _ in 0..100 {
            let ok = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// `pg_ctl stop -m immediate`: every process quits without a
    /// checkpoint, as in a crash; the next start runs recovery. (The same
    /// mode as `pg_ctlcluster … main stop -m immediate`.)
    pub fn stop_immediate(&self) {
        self.tool("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .status_ok();
    }

    /// `kill -9` of the postmaster.
    pub fn kill_9(&self) {
        let pid = std::fs::read_to_string(self.data().join("postmaster.pid")).unwrap();
        let pid = pid.lines().next().unwrap().trim().to_string();
        run(Command::new("kill").args(["-9", &pid]));
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .0
            .status();
    }
}

/// A command that must succeed.
struct Cmd(Command);

impl Cmd {
    fn arg(&mut self, a: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        self.0.arg(a);
        self
    }
    fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(&mut self, a: I) -> &mut Self {
        self.0.args(a);
        self
    }
    fn status(&mut self) -> bool {
        self.0.status().is_ok_and(|s| s.success())
    }
    fn status_ok(&mut self) {
        assert!(self.status(), "{:?} failed", self.0);
    }
}

fn run(c: &mut Command) {
    assert!(c.status().is_ok_and(|s| s.success()), "{c:?} failed");
}
