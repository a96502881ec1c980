//! The builder's plans on a Ballista cluster: a scheduler and two executors, each its own
//! `vitrin-server` process on loopback, build the same catalog and profiles as the plans
//! in process, and both executors take part. Every process the test starts is killed
//! when the test ends, pass or fail, and every wait is bounded: a job that fails on the
//! cluster is an error, never a hang.
#![cfg(feature = "plans")]

mod common;

use common::{assert_same_catalog, read_json, read_lines, shop, temp};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use vitrin_server::db::Db;
use vitrin_server::eventlog;

const BIN: &str = env!("CARGO_BIN_EXE_vitrin-server");

/// A child process stopped (and reaped) when the test ends, pass or fail.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str], log: &Path) -> Proc {
    let out = std::fs::File::create(log).unwrap();
    Proc(
        Command::new(BIN)
            .args(args)
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap(),
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16, procs: &mut [&mut Proc]) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        for p in procs.iter_mut() {
            assert!(
                p.0.try_wait().unwrap().is_none(),
                "a cluster process exited early"
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "nothing listens on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `vitrin-server build args` (each plan bounded by `--job-timeout`), killed if the
/// whole build outlasts `BUILD_LIMIT`: whether it succeeded, and what it printed.
fn build(args: &[&str], log: &Path) -> (bool, String) {
    const BUILD_LIMIT: Duration = Duration::from_secs(900);
    let out = std::fs::File::create(log).unwrap();
    let mut p = Proc(
        Command::new(BIN)
            .arg("build")
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    let status = loop {
        if let Some(status) = p.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < BUILD_LIMIT,
            "the build ran over {BUILD_LIMIT:?}:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    (
        status.success(),
        std::fs::read_to_string(log).unwrap_or_default(),
    )
}

fn built(args: &[String], log: &Path) {
    let (ok, text) = build(&args.iter().map(String::as_str).collect::<Vec<_>>(), log);
    assert!(ok, "{text}");
}

fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files_under(&p) } else { 1 })
        .sum()
}

#[test]
fn a_scheduler_and_two_executors_build_what_the_process_builds() {
    let dir = temp("cluster");
    let db = shop(&dir);
    let log = dir.join("log");
    eventlog::export(
        &Db::open(&db).unwrap(),
        eventlog::Location::parse(log.to_str().unwrap()).unwrap(),
    )
    .unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_string();

    let port = free_port();
    let scheduler_at = format!("127.0.0.1:{port}");
    let mut scheduler = spawn(
        &["scheduler", "--port", &port.to_string()],
        &dir.join("scheduler.log"),
    );
    wait_for(port, &mut [&mut scheduler]);
    let mut executors = Vec::new();
    for n in 0..2 {
        let (flight, grpc) = (free_port(), free_port());
        let work = dir.join(format!("work{n}"));
        std::fs::create_dir_all(&work).unwrap();
        let mut e = spawn(
            &[
                "executor",
                "--scheduler",
                &scheduler_at,
                "--port",
                &flight.to_string(),
                "--grpc-port",
                &grpc.to_string(),
                "--slots",
                "1",
                "--work-dir",
                &s(&work),
            ],
            &dir.join(format!("executor{n}.log")),
        );
        wait_for(flight, &mut [&mut scheduler, &mut e]);
        executors.push((e, work));
    }
    // Executors register with their first heartbeat after binding.
    std::thread::sleep(Duration::from_secs(2));

    let common = ["--log", &s(&log), "--embedding-dim", "8", "--list-len", "5"].map(String::from);
    let with = |extra: &[String]| -> Vec<String> { common.iter().chain(extra).cloned().collect() };
    let cluster = format!("df://{scheduler_at}");
    let on_cluster = |job_timeout: &str| {
        with(&[
            "--cluster".into(),
            cluster.clone(),
            "--job-timeout".into(),
            job_timeout.into(),
            "--out".into(),
            s(&dir.join("cluster.json")),
            "--profiles-out".into(),
            s(&dir.join("cluster.jsonl")),
        ])
    };
    let in_process = with(&[
        "--out".into(),
        s(&dir.join("local.json")),
        "--profiles-out".into(),
        s(&dir.join("local.jsonl")),
    ]);
    // A plan of this size on two executors takes seconds (a debug build on a busy machine:
    // a minute).
    built(&on_cluster("600"), &dir.join("build-cluster.log"));
    built(&in_process, &dir.join("build-local.log"));

    assert_same_catalog(
        &read_json(&dir.join("cluster.json")),
        &read_json(&dir.join("local.json")),
    );
    let profiles = read_lines(&dir.join("cluster.jsonl"));
    assert!(profiles.len() >= 60);
    assert_eq!(profiles, read_lines(&dir.join("local.jsonl")));
    // Both executors ran stages: each wrote shuffle files under its work directory.
    for (e, work) in executors.iter_mut() {
        assert!(e.0.try_wait().unwrap().is_none(), "an executor died");
        assert!(files_under(work) > 0, "{} ran no task", work.display());
    }

    // With its executors gone the scheduler holds the job forever: the build gives up at
    // its deadline with an error that says where to look.
    executors.clear();
    let start = Instant::now();
    let stranded = on_cluster("3");
    let (ok, text) = build(
        &stranded.iter().map(String::as_str).collect::<Vec<_>>(),
        &dir.join("build-stranded.log"),
    );
    assert!(!ok && text.contains("--job-timeout"), "{text}");
    assert!(start.elapsed() < Duration::from_secs(60), "{text}");
    drop(scheduler);
    std::fs::remove_dir_all(&dir).unwrap();
}
