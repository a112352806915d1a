//! Live sources against a real AWS-protocol server on loopback: moto (`moto[server]` from PyPI).
//!
//! The test installs moto into a virtual environment under cargo's target directory on first
//! use (`python3 -m venv`, `pip install`), starts it on 127.0.0.1 at a free port (port 0: the
//! server prints the one it got), seeds it through the AWS API with boto3 from sample-data's
//! CloudWatch export, and compares `faascope report cloudwatch://...` with `faascope report` on the
//! same events as a file; a small proxy in front of it injects throttling errors, 500s and delays
//! (the SDK's retries must still give the complete result), and killing the emulator must give
//! a clear error saying what was not fetched. Nothing here touches real AWS: the endpoint is
//! loopback and the credentials are fake.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{faascope, root};
use predicates::prelude::*;

const MOTO: &str = "moto[server]==5.2.5";

static INSTALL: Mutex<()> = Mutex::new(());

/// The venv's python, installing moto on first use.
fn moto_python() -> PathBuf {
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let venv = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("moto-5.2.5-venv");
    let python = venv.join("bin/python");
    let marker = venv.join(".installed");
    if !marker.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 is needed to run the AWS emulator tests")
            .success();
        assert!(ok, "python3 -m venv {} failed", venv.display());
        let ok = Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                MOTO,
            ])
            .status()
            .expect("pip")
            .success();
        assert!(
            ok,
            "pip install {MOTO} failed (PyPI must be reachable to install the emulator)"
        );
        std::fs::write(&marker, MOTO).unwrap();
    }
    python
}

/// A running moto server, stopped on drop.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto(python: &Path) -> Moto {
    let mut child = Command::new(python)
        .arg(root().join("tests/aws/moto_server.py"))
        .args(["-H", "127.0.0.1", "-p", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start moto");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(i) = line.find("http://127.0.0.1:") {
                let url = line[i..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let _ = tx.send(url);
            }
        }
    });
    let endpoint = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("moto did not report its port within 60 s");
    // Ready when it answers.
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = endpoint.trim_start_matches("http://").to_string();
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto at {endpoint} never answered"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Moto { child, endpoint }
}

/// Runs a seeding script of tests/aws against the emulator; returns the summary it prints.
fn seed(
    python: &Path,
    script: &str,
    moto: &Moto,
    out: &Path,
    inputs: &[impl AsRef<std::ffi::OsStr>],
) -> serde_json::Value {
    let seeded = Command::new(python)
        .arg(root().join("tests/aws").join(script))
        .arg(&moto.endpoint)
        .arg(out)
        .args(inputs)
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    serde_json::from_slice(&seeded.stdout).unwrap()
}

/// The cache of pulled events of this test process (never the user's).
fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("faascope-cache-{}", std::process::id()))
}

fn live(cmd: &mut assert_cmd::Command, endpoint: &str) {
    cmd.args(["--endpoint-url", endpoint, "--aws-region", "us-east-1"])
        .env("FAASCOPE_CACHE_DIR", cache_dir())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE");
}

fn report_json(args: &[&str], endpoint: Option<&str>) -> serde_json::Value {
    let mut cmd = faascope();
    cmd.args(["report", "-q", "--format", "json"]).args(args);
    if let Some(e) = endpoint {
        live(&mut cmd, e);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn cloudwatch_source_equals_the_same_events_from_a_file() {
    let python = moto_python();
    let moto = start_moto(&python);
    let dir = tempfile::tempdir().unwrap();
    let shifted = dir.path().join("shifted.ndjson");
    let exports: Vec<PathBuf> = std::fs::read_dir(root().join("sample-data/ndjson"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let summary = seed(
        &python,
        "seed_cloudwatch_logs.py",
        &moto,
        &shifted,
        &exports,
    );
    assert!(summary["events"].as_u64().unwrap() > 90_000, "{summary}");

    let from_file = report_json(&[shifted.to_str().unwrap()], None);
    let live_all = report_json(
        &["cloudwatch:///aws/lambda/*", "--since", "20d"],
        Some(&moto.endpoint),
    );
    assert!(from_file["functions"].as_array().unwrap().len() >= 2);
    assert_eq!(live_all["functions"], from_file["functions"]);
    assert_eq!(live_all["totals"], from_file["totals"]);

    // One group by name, and the window: --until before every event gives nothing.
    let one = report_json(
        &["cloudwatch:///aws/lambda/geo-lookup", "--since", "20d"],
        Some(&moto.endpoint),
    );
    assert_eq!(one["functions"].as_array().unwrap().len(), 1);
    assert_eq!(one["functions"][0]["function"], "geo-lookup");
    let geo_file = from_file["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["function"] == "geo-lookup")
        .unwrap();
    assert_eq!(&one["functions"][0], geo_file);
    let none = report_json(
        &[
            "cloudwatch:///aws/lambda/*",
            "--since",
            "20d",
            "--until",
            "19d",
        ],
        Some(&moto.endpoint),
    );
    assert_eq!(none["functions"].as_array().unwrap().len(), 0);

    // Every command takes the same sources: cost over the live group equals cost over the file.
    let cost = |src: &str, endpoint: Option<&str>| {
        let mut cmd = faascope();
        cmd.args(["cost", "-q", "--format", "json", "--compare", "lambda", src]);
        if let Some(e) = endpoint {
            cmd.args(["--since", "20d"]);
            live(&mut cmd, e);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        v["account"].clone()
    };
    assert_eq!(
        cost("cloudwatch:///aws/lambda/*", Some(&moto.endpoint)),
        cost(shifted.to_str().unwrap(), None)
    );

    // `ci` projects take live log sources too, read through their [aws] table.
    let baseline = |logs: &str, aws: &str, name: &str| -> serde_json::Value {
        // Same file name in both: definition places are part of the baseline.
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        let toml = sub.join("faascope.toml");
        std::fs::write(
            &toml,
            format!("logs = [{logs:?}]\n\n[defaults]\nregion = \"us-east-1\"\n{aws}"),
        )
        .unwrap();
        let out = sub.join("baseline.json");
        faascope()
            .args(["ci", "baseline", "--config"])
            .arg(&toml)
            .arg("--out")
            .arg(&out)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("FAASCOPE_CACHE_DIR", cache_dir())
            .env_remove("AWS_PROFILE")
            .assert()
            .success();
        let mut v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
        // Where the functions were defined (the two project files) is all that may differ.
        for f in v["functions"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("defined_at");
        }
        v
    };
    let from_files = baseline(shifted.to_str().unwrap(), "", "files");
    let from_live = baseline(
        "cloudwatch:///aws/lambda/*",
        &format!(
            "\n[aws]\nendpoint_url = {:?}\nregion = \"us-east-1\"\nwindow = \"20d\"\n",
            moto.endpoint
        ),
        "live",
    );
    assert!(!from_files["functions"].as_array().unwrap().is_empty());
    assert_eq!(from_live["functions"], from_files["functions"]);

    // Injected throttling, 500s and delays: the SDK's retries still give the complete result.
    let proxy = start_fault_proxy(&moto.endpoint, 4);
    let faulty = report_json(
        &["cloudwatch:///aws/lambda/*", "--since", "20d"],
        Some(&proxy.endpoint),
    );
    assert_eq!(
        proxy.injected.load(std::sync::atomic::Ordering::SeqCst),
        4,
        "every planned fault was injected"
    );
    assert_eq!(faulty["functions"], from_file["functions"]);
    assert_eq!(faulty["totals"], from_file["totals"]);

    // Logs Insights cannot give what --rules needs: asked for anyway, a usage error says so.
    let mut cmd = faascope();
    cmd.args([
        "report",
        "cloudwatch:///aws/lambda/*",
        "--rules",
        "--push-down",
        "always",
    ]);
    live(&mut cmd, &moto.endpoint);
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains("--push-down never"));

    // simulate --from takes the same live-source options and window: the scenario built from
    // the group is the one built from the file.
    let observed = |live_source: bool| -> serde_json::Value {
        let mut cmd = faascope();
        cmd.args([
            "simulate",
            "--format",
            "json",
            "--function",
            "geo-lookup",
            "--from",
        ]);
        if live_source {
            cmd.args(["cloudwatch:///aws/lambda/geo-lookup", "--since", "20d"]);
            live(&mut cmd, &moto.endpoint);
        } else {
            cmd.arg(&shifted);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        v["observed"].clone()
    };
    let from_group = observed(true);
    assert!(from_group.is_object(), "{from_group}");
    assert_eq!(from_group, observed(false));

    // A cache folder that cannot be written (a file stands there): the run goes on and says so.
    let not_a_dir = dir.path().join("not-a-dir");
    std::fs::write(&not_a_dir, "x").unwrap();
    let mut cmd = faascope();
    cmd.args([
        "report",
        "cloudwatch:///aws/lambda/geo-lookup",
        "--since",
        "20d",
        "--until",
        "1h",
    ]);
    live(&mut cmd, &moto.endpoint);
    cmd.env("FAASCOPE_CACHE_DIR", &not_a_dir)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: cannot write the cache under",
        ))
        .stderr(predicate::str::contains("live pulls are not cached"));

    // A pattern that matches nothing, and a malformed URI: clear errors, exit 2.
    let mut cmd = faascope();
    cmd.args(["report", "cloudwatch:///nope/*", "--since", "20d"]);
    live(&mut cmd, &moto.endpoint);
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no log group matches cloudwatch:///nope/* in region us-east-1 of account 123456789012",
        ))
        .stderr(predicate::str::contains("--aws-region"));
    // The remote query's lookup names the account too.
    let mut cmd = faascope();
    cmd.args([
        "query",
        "fields @message",
        "cloudwatch:///nope/*",
        "--since",
        "20d",
    ]);
    live(&mut cmd, &moto.endpoint);
    cmd.assert().code(2).stderr(predicate::str::contains(
        "no log group matches cloudwatch:///nope/* in region us-east-1 of account 123456789012",
    ));
    faascope()
        .args(["report", "s3://bucket/logs"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a source URI"));

    // A settled window (ending before the last 10 minutes) is cached: with the emulator gone,
    // the same window comes from the cache alone, and --no-cache shows it is not pulled.
    let iso = |ago_ms: i64| {
        chrono::DateTime::from_timestamp_millis(chrono::Utc::now().timestamp_millis() - ago_ms)
            .unwrap()
            .to_rfc3339()
    };
    let (since, until) = (iso(20 * 86_400_000), iso(3_600_000));
    let window = [
        "cloudwatch:///aws/lambda/geo-lookup",
        "--since",
        since.as_str(),
        "--until",
        until.as_str(),
        "--push-down",
        "never",
    ];
    let before = report_json(&window, Some(&moto.endpoint));
    assert_eq!(&before["functions"][0], geo_file);
    let entries = std::fs::read_dir(cache_dir().join("cloudwatch"))
        .unwrap()
        .count();
    assert!(entries >= 1, "the pull wrote cache entries");

    // The emulator gone mid-use: the pull fails and says what was and was not fetched.
    let endpoint = moto.endpoint.clone();
    drop(moto);
    assert_eq!(report_json(&window, Some(&endpoint)), before);
    // So does the default push-down (auto), which cannot ask the sizes of the groups now.
    assert_eq!(report_json(&window[..5], Some(&endpoint)), before);
    let mut cmd = faascope();
    cmd.args(["report"]).args(window).arg("--no-cache");
    live(&mut cmd, &endpoint);
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains("did not complete"));
    let mut cmd = faascope();
    cmd.args([
        "report",
        "cloudwatch:///aws/lambda/geo-lookup",
        "--since",
        "20d",
        "--push-down",
        "never",
        "--no-cache",
    ]);
    live(&mut cmd, &endpoint);
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains("did not complete"))
        .stderr(predicate::str::contains(
            "/aws/lambda/geo-lookup after 0 events",
        ));
    // Asking the size of the groups first (the push-down's auto mode) fails as clearly.
    let mut cmd = faascope();
    cmd.args(["report", "cloudwatch:///aws/lambda/*", "--since", "20d"]);
    live(&mut cmd, &endpoint);
    cmd.assert()
        .code(2)
        .stderr(predicate::str::contains("did not complete"))
        .stderr(predicate::str::contains("logs:DescribeLogGroups"))
        .stderr(predicate::str::contains("Fetched completely: nothing"))
        .stderr(predicate::str::contains(format!(
            "cannot reach {endpoint} (connection refused)"
        )))
        .stderr(predicate::str::contains("DispatchFailure").not());
}

#[test]
fn missing_credentials_are_named_with_the_fix() {
    let home = tempfile::tempdir().unwrap();
    without_credentials(home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no AWS credentials were found"));
}

/// The environment variables through which this process's AWS setting could reach a
/// command under test: keys, profile, region, endpoints, files, container and web identity.
const AWS_SETTINGS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
];

/// `report` of a live group with no credentials anywhere a provider looks (`HOME` at `home`,
/// no AWS environment variables), against an endpoint nothing listens on.
fn without_credentials(home: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = faascope();
    cmd.args([
        "report",
        "cloudwatch:///aws/lambda/x",
        "--aws-region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ])
    .env("HOME", home)
    .env_remove("AWS_EC2_METADATA_DISABLED");
    for var in AWS_SETTINGS {
        cmd.env_remove(var);
    }
    cmd
}

/// An instance metadata service that refuses every request (403), as on a host whose instance
/// has no role for the caller: the credentials error names the fix, it is not a failed pull.
#[test]
fn credentials_refused_by_instance_metadata_are_named_with_the_fix() {
    let imds = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = imds.local_addr().unwrap();
    std::thread::spawn(move || {
        for mut conn in imds.incoming().map_while(Result::ok) {
            use std::io::{Read, Write};
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(
                b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    });
    let home = tempfile::tempdir().unwrap();
    without_credentials(home.path())
        .env(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            format!("http://{addr}"),
        )
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no AWS credentials were found"))
        .stderr(predicate::str::contains(
            "failed to load IMDS session token",
        ))
        .stderr(predicate::str::contains("did not complete").not());
}

/// A fault-injecting HTTP proxy in front of the emulator: one request per connection (answered
/// with `Connection: close`), and of every three requests the first is answered with a
/// throttling error, the second with a 500, the third forwarded after a 150 ms delay — until
/// `faults` faults have been injected, after which every request is forwarded.
struct FaultProxy {
    endpoint: String,
    injected: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

fn read_http_message(s: &mut std::net::TcpStream) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf)
}

fn with_connection_close(msg: &[u8]) -> Vec<u8> {
    let head_end = msg
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(msg.len(), |i| i + 2);
    let head = String::from_utf8_lossy(&msg[..head_end]);
    let mut out: String = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:") && !l.is_empty())
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("connection: close\r\n\r\n");
    let mut v = out.into_bytes();
    v.extend_from_slice(msg.get(head_end + 2..).unwrap_or(&[]));
    v
}

fn start_fault_proxy(upstream: &str, faults: usize) -> FaultProxy {
    use std::io::Write;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("http://").to_string();
    let injected = std::sync::Arc::new(AtomicUsize::new(0));
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let inj = injected.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut client) = conn else { continue };
            let upstream = upstream.clone();
            let (inj, count) = (inj.clone(), count.clone());
            std::thread::spawn(move || {
                let Some(req) = read_http_message(&mut client) else {
                    return;
                };
                let k = count.fetch_add(1, Ordering::SeqCst);
                let fault = inj.load(Ordering::SeqCst) < faults;
                let reply = match (fault, k % 3) {
                    (true, 0) => {
                        inj.fetch_add(1, Ordering::SeqCst);
                        let body = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
                        format!("HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-errortype: ThrottlingException\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).into_bytes()
                    }
                    (true, 1) => {
                        inj.fetch_add(1, Ordering::SeqCst);
                        let body =
                            r#"{"__type":"ServiceUnavailableException","message":"injected"}"#;
                        format!("HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len()).into_bytes()
                    }
                    (f, _) => {
                        if f {
                            std::thread::sleep(Duration::from_millis(150));
                        }
                        let Ok(mut up) = std::net::TcpStream::connect(&upstream) else {
                            return;
                        };
                        if up.write_all(&with_connection_close(&req)).is_err() {
                            return;
                        }
                        let Some(resp) = read_http_message(&mut up) else {
                            return;
                        };
                        with_connection_close(&resp)
                    }
                };
                let _ = client.write_all(&reply);
            });
        }
    });
    FaultProxy { endpoint, injected }
}

/// Trace summaries with start and duration rounded to the microsecond: the emulator stores the
/// segment documents re-serialised, so their floats may differ in the last binary digit.
fn rounded_traces(v: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut list: Vec<serde_json::Value> = v["traces"].as_array().unwrap().clone();
    for t in &mut list {
        for k in ["start_ms", "duration_ms", "init_ms"] {
            if let Some(x) = t[k].as_f64() {
                t[k] = serde_json::json!((x * 1000.0).round() / 1000.0);
            }
        }
        if let Some(ds) = t["downstream"].as_array_mut() {
            for d in ds {
                if let Some(x) = d["total_ms"].as_f64() {
                    d["total_ms"] = serde_json::json!((x * 1000.0).round() / 1000.0);
                }
            }
        }
    }
    list.sort_by(|a, b| a["trace_id"].as_str().cmp(&b["trace_id"].as_str()));
    list
}

#[test]
fn xray_source_equals_the_same_traces_from_a_file() {
    let python = moto_python();
    let moto = start_moto(&python);
    let dir = tempfile::tempdir().unwrap();
    let shifted = dir.path().join("traces.json");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root().join("sample-data/xray"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("batch-get-traces"))
        })
        .collect();
    inputs.sort();
    let summary = seed(&python, "seed_xray.py", &moto, &shifted, &inputs);
    let traces = |src: &str, endpoint: Option<&str>| {
        let mut cmd = faascope();
        cmd.args([
            "traces", "-q", "--format", "json", "--limit", "0", "--order", "start", src,
        ]);
        if let Some(e) = endpoint {
            cmd.args(["--since", "20d"]);
            live(&mut cmd, e);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        serde_json::from_slice::<serde_json::Value>(&out).unwrap()
    };
    let file = traces(shifted.to_str().unwrap(), None);
    let live_traces = traces("xray://", Some(&moto.endpoint));
    assert_eq!(file["total"], summary["traces"]);
    assert!(file["total"].as_u64().unwrap() > 10);
    assert_eq!(live_traces["total"], file["total"]);
    assert_eq!(rounded_traces(&live_traces), rounded_traces(&file));
    assert!(
        file["traces"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["cold_start"] == true),
        "sample traces include cold starts"
    );
}

/// Metric rows of `faascope export --table metrics`, without their source, in a stable order.
fn metric_rows(src: &str, endpoint: Option<&str>) -> Vec<serde_json::Value> {
    let mut cmd = faascope();
    cmd.args([
        "export", "-q", "--table", "metrics", "--format", "ndjson", src,
    ]);
    if let Some(e) = endpoint {
        cmd.args(["--since", "20d"]);
        live(&mut cmd, e);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    let mut rows: Vec<serde_json::Value> = out
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_slice(l).unwrap();
            v.as_object_mut().unwrap().remove("source");
            v
        })
        .collect();
    let key = |v: &serde_json::Value| {
        (
            v["function"].as_str().unwrap_or("").to_string(),
            v["metric"].as_str().unwrap_or("").to_string(),
            v["statistic"].as_str().unwrap_or("").to_string(),
            v["timestamp"].as_i64().unwrap_or(0),
        )
    };
    rows.sort_by_key(key);
    rows
}

#[test]
fn metrics_source_equals_the_same_series_from_a_file() {
    let python = moto_python();
    let moto = start_moto(&python);
    let dir = tempfile::tempdir().unwrap();
    // Two functions (one of them throttled): moto computes each period in Python, slowly.
    let mut doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("sample-data/metrics/get-metric-data.json")).unwrap(),
    )
    .unwrap();
    doc["MetricDataResults"]
        .as_array_mut()
        .unwrap()
        .retain(|r| {
            let label = r["Label"].as_str().unwrap();
            label.starts_with("orders-api:") || label.starts_with("image-batch:")
        });
    let input = dir.path().join("input.json");
    std::fs::write(&input, serde_json::to_vec(&doc).unwrap()).unwrap();
    let shifted = dir.path().join("metrics.json");
    let summary = seed(&python, "seed_metrics.py", &moto, &shifted, &[input]);
    assert!(summary["points"].as_u64().unwrap() > 200, "{summary}");

    let file = metric_rows(shifted.to_str().unwrap(), None);
    let live_rows = metric_rows("metrics://", Some(&moto.endpoint));
    assert_eq!(file.len() as u64, summary["points"].as_u64().unwrap());
    // `report` over metrics alone says what it needs, not that it read a file.
    let mut cmd = faascope();
    cmd.args(["report", "metrics://", "--since", "20d"]);
    live(&mut cmd, &moto.endpoint);
    cmd.assert().success().stderr(predicate::str::contains(
        "metrics:// sources hold CloudWatch metrics, not invocations",
    ));
    // Every seeded series comes back as it was put, at the same timestamps.
    let seeded: std::collections::BTreeSet<(String, String, String)> = file
        .iter()
        .map(|r| {
            (
                r["function"].as_str().unwrap().into(),
                r["metric"].as_str().unwrap().into(),
                r["statistic"].as_str().unwrap().into(),
            )
        })
        .collect();
    let same: Vec<serde_json::Value> = live_rows
        .iter()
        .filter(|r| {
            seeded.contains(&(
                r["function"].as_str().unwrap().into(),
                r["metric"].as_str().unwrap().into(),
                r["statistic"].as_str().unwrap().into(),
            ))
        })
        .cloned()
        .collect();
    assert_eq!(same, file);
    // With one datapoint per period, Duration's Maximum and p99 equal its Average.
    let of = |stat: &str| -> Vec<(i64, f64)> {
        live_rows
            .iter()
            .filter(|r| r["function"] == "orders-api" && r["metric"] == "Duration")
            .filter(|r| r["statistic"] == stat)
            .map(|r| {
                (
                    r["timestamp"].as_i64().unwrap(),
                    r["value"].as_f64().unwrap(),
                )
            })
            .collect()
    };
    assert!(!of("Average").is_empty());
    assert_eq!(of("p99"), of("Average"));
    assert_eq!(of("Maximum"), of("Average"));
    // Throttles reach the insight rules from the live metrics as from the file.
    let throttled = |src: &str, endpoint: Option<&str>| -> u64 {
        live_rows_sum(&metric_rows(src, endpoint), "image-batch", "Throttles")
    };
    assert!(throttled(shifted.to_str().unwrap(), None) > 0);
    assert_eq!(
        throttled("metrics://image-*", Some(&moto.endpoint)),
        throttled(shifted.to_str().unwrap(), None)
    );
    // A pattern: only the matching function.
    let orders = metric_rows("metrics://orders-*", Some(&moto.endpoint));
    assert!(!orders.is_empty());
    assert!(orders.iter().all(|r| r["function"] == "orders-api"));
    // Nothing matches: a clear error.
    let mut cmd = faascope();
    cmd.args(["report", "metrics://nope-*", "--since", "20d"]);
    live(&mut cmd, &moto.endpoint);
    cmd.assert().code(2).stderr(predicate::str::contains(
        "no Lambda function has AWS/Lambda metrics matching metrics://nope-*",
    ));
}

fn live_rows_sum(rows: &[serde_json::Value], function: &str, metric: &str) -> u64 {
    rows.iter()
        .filter(|r| r["function"] == function && r["metric"] == metric)
        .map(|r| r["value"].as_f64().unwrap() as u64)
        .sum()
}

fn put_events(python: &Path, moto: &Moto, group: &str, messages: &[&str]) {
    put_events_in(python, moto, group, "2026/11/23/[$LATEST]tail", messages);
}

/// [`put_events`] into stream `stream`.
fn put_events_in<S: AsRef<std::ffi::OsStr>>(
    python: &Path,
    moto: &Moto,
    group: &str,
    stream: &str,
    messages: &[S],
) {
    let ok = Command::new(python)
        .arg(root().join("tests/aws/put_events.py"))
        .args([moto.endpoint.as_str(), group, stream])
        .args(messages)
        .status()
        .unwrap()
        .success();
    assert!(ok, "put_events.py failed");
}

/// An invocation whose `Task timed out` line comes before --since and whose REPORT comes after
/// it is a timeout, as the same events give from a file: the pull reads from a margin before
/// --since, and the lines before --since are not shown.
#[test]
fn status_lines_just_before_since_still_count() {
    let python = moto_python();
    let moto = start_moto(&python);
    let group = "/aws/lambda/margin-fn";
    // The timeout line names the request by its id, a UUID as Lambda writes it.
    let id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    let start = format!("START RequestId: {id} Version: $LATEST\n");
    let timed_out = format!("2026-11-23T10:00:00.000Z {id} Task timed out after 180.00 seconds\n");
    let end = format!("END RequestId: {id}\n");
    let report = format!("REPORT RequestId: {id}\tDuration: 180000.00 ms\tBilled Duration: 180000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n");
    let since = chrono::Utc::now().timestamp_millis() - 30 * 60_000;
    let (before, after) = (
        (since - 2 * 60_000).to_string(),
        (since + 60_000).to_string(),
    );
    put_events(
        &python,
        &moto,
        group,
        &["--at", &before, &start, &timed_out],
    );
    put_events(&python, &moto, group, &["--at", &after, &end, &report]);
    let since = chrono::DateTime::from_timestamp_millis(since)
        .unwrap()
        .to_rfc3339();
    let export = |table: &str| -> Vec<serde_json::Value> {
        let mut cmd = faascope();
        cmd.args(["export", "-q", &format!("cloudwatch://{group}")])
            .args(["--since", &since, "--table", table, "--no-cache"]);
        live(&mut cmd, &moto.endpoint);
        let out = cmd.assert().success().get_output().stdout.clone();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let invocations = export("invocations");
    assert_eq!(invocations.len(), 1, "{invocations:?}");
    assert_eq!(invocations[0]["status"], "timeout", "{invocations:?}");
    let logs = export("logs");
    assert!(
        logs.iter().all(|r| {
            let m = r["message"].as_str().unwrap_or("");
            !m.contains("Task timed out") && !m.contains("START")
        }),
        "{logs:?}"
    );
}

#[test]
fn logs_follow_prints_new_events_once_and_sanitised() {
    let python = moto_python();
    let moto = start_moto(&python);
    let group = "/aws/lambda/tail-fn";
    put_events(
        &python,
        &moto,
        group,
        &[
            "START RequestId: r-1 Version: $LATEST\n",
            "2026-11-23T10:00:00.000Z\tr-1\tINFO\tbefore the tail \u{1b}[31mred\u{1b}[0m\n",
            "REPORT RequestId: r-1\tDuration: 12.5 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n",
        ],
    );
    let bin = assert_cmd::cargo::cargo_bin("faascope");
    let mut child = Command::new(bin)
        .args([
            "logs",
            &format!("cloudwatch://{group}"),
            "--follow",
            "--follow-for",
            "180s",
            "--endpoint-url",
            &moto.endpoint,
            "--aws-region",
            "us-east-1",
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in reader.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut lines: Vec<String> = Vec::new();
    // Collects output until a line contains `needle` (or a minute passes), then `extra` more.
    let mut wait_for = |needle: &str, extra: Duration| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !lines.iter().any(|l| l.contains(needle)) && Instant::now() < deadline {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
                lines.push(l);
            }
        }
        let until = Instant::now() + extra;
        while Instant::now() < until {
            if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
                lines.push(l);
            }
        }
    };
    // The history first; then an event put while following arrives, and once only (a few
    // more polls pass before the tail is stopped).
    wait_for("before the tail", Duration::ZERO);
    put_events(
        &python,
        &moto,
        group,
        &["2026-11-23T10:00:05.000Z\tr-2\tERROR\tarrived while following\n"],
    );
    wait_for("arrived while following", Duration::from_secs(5));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stdout = lines.join("\n");
    assert_eq!(stdout.matches("before the tail red").count(), 1, "{stdout}");
    assert_eq!(
        stdout.matches("arrived while following").count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        stdout
            .matches("REPORT RequestId: r-1 Duration: 12.5 ms Billed Duration: 13 ms")
            .count(),
        1,
        "{stdout}"
    );
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    // moto serves StartLiveTail at the endpoint itself (no `stream-` host prefix), but each
    // session sends every stored event and ends at once: nothing is printed twice, and the
    // tail says so and polls.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("live tail sessions end as soon as they start")
            && stderr.contains("polling FilterLogEvents every 2 s"),
        "{stderr}"
    );
    let before = stdout.find("before the tail").unwrap();
    let after = stdout.find("arrived while following").unwrap();
    assert!(before < after);
}

fn query_json(args: &[&str], endpoint: &str) -> serde_json::Value {
    let mut cmd = faascope();
    cmd.args(["query", "-q", "--format", "json"]).args(args);
    live(&mut cmd, endpoint);
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

/// `faascope query` over cloudwatch:// runs the text in Logs Insights (StartQuery and
/// GetQueryResults on the emulator, which runs fields/sort/limit), and gives the same rows as
/// pulling the events and running the query here (--local). Aggregating queries, which the
/// emulator cannot run, are tested with recorded responses (src/aws/query.rs).
#[test]
fn query_runs_in_logs_insights_and_matches_the_local_run() {
    let python = moto_python();
    let moto = start_moto(&python);
    let group = "/aws/lambda/query-fn";
    put_events(
        &python,
        &moto,
        group,
        &[
            "START RequestId: q-1 Version: $LATEST\n",
            "END RequestId: q-1\n",
            "REPORT RequestId: q-1\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n",
            "START RequestId: q-2 Version: $LATEST\n",
        ],
    );
    let q = "# newest three\nfields @timestamp, @message | sort @timestamp desc | limit 3";
    let src = format!("cloudwatch://{group}");
    let remote = query_json(&[q, &src, "--since", "1h"], &moto.endpoint);
    let local = query_json(&[q, &src, "--since", "1h", "--local"], &moto.endpoint);
    assert_eq!(
        remote["columns"],
        serde_json::json!(["@timestamp", "@message"])
    );
    assert_eq!(remote["columns"], local["columns"]);
    let rows = |doc: &serde_json::Value| -> Vec<(String, String)> {
        doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["@timestamp"].as_str().unwrap().to_string(),
                    r["@message"].as_str().unwrap().trim_end().to_string(),
                )
            })
            .collect()
    };
    let (remote_rows, local_rows) = (rows(&remote), rows(&local));
    assert_eq!(remote_rows.len(), 3, "{remote}");
    assert_eq!(remote_rows, local_rows);
    assert_eq!(remote_rows[0].1, "START RequestId: q-2 Version: $LATEST");
    assert!(remote_rows[1]
        .1
        .starts_with("REPORT RequestId: q-1\tDuration: 12.50 ms"));
    // A query error is reported before anything is sent.
    let mut cmd = faascope();
    cmd.args(["query", "fields @timestamp | sotr @timestamp", &src]);
    live(&mut cmd, &moto.endpoint);
    let out = cmd.assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8_lossy(&out).contains("did you mean `sort`?"));
}

/// Third-round live review: `logs --follow --until T` never ended (an --until in the past can
/// show nothing new). The tail ends once --until has passed, 30 s later for late events: an
/// --until already past shows its window, then ends with exit 0.
#[test]
fn follow_ends_once_until_has_passed() {
    let python = moto_python();
    let moto = start_moto(&python);
    let group = "/aws/lambda/until-fn";
    let five_min_ago = (chrono::Utc::now().timestamp_millis() - 5 * 60_000).to_string();
    put_events(
        &python,
        &moto,
        group,
        &[
            "--at",
            &five_min_ago,
            "2026-11-23T10:00:00.000Z\tr-1\tINFO\tin the window\n",
        ],
    );
    let mut cmd = faascope();
    cmd.args([
        "logs",
        &format!("cloudwatch://{group}"),
        "--follow",
        "--since",
        "10m",
        "--until",
        "2m",
    ]);
    live(&mut cmd, &moto.endpoint);
    cmd.timeout(Duration::from_secs(60))
        .assert()
        .success()
        .stdout(predicate::str::contains("in the window"))
        .stderr(predicate::str::contains(
            "note: the tail ended: --until has passed (and 30 s more for events arriving late)",
        ));
    // xray:// and metrics:// are not files: the refusal says what they are.
    for src in ["xray://", "metrics://"] {
        let mut cmd = faascope();
        cmd.args(["logs", src, "--follow"]);
        live(&mut cmd, &moto.endpoint);
        cmd.assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{src} cannot be followed"
            )));
    }
}

/// `--follow-for` is a deadline: a server that accepts connections and never answers (each
/// call would wait out its 120 s operation timeout) does not hold the tail past it, and a tail
/// that never got an answer failed (exit 2, saying so), it did not show an empty tail.
#[test]
fn follow_for_stops_the_tail_even_when_the_server_does_not_answer() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    std::thread::spawn(move || {
        // Hold every connection open, never answering.
        let held: Vec<_> = silent.incoming().map_while(Result::ok).collect();
        drop(held);
    });
    let mut cmd = faascope();
    cmd.args([
        "logs",
        "cloudwatch:///aws/lambda/x",
        "--follow",
        "--follow-for",
        "3s",
    ]);
    live(&mut cmd, &endpoint);
    let started = std::time::Instant::now();
    cmd.timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no answer before --follow-for ended",
        ));
    // Well under one 120 s call; the bound is loose so a busy machine does not fail it.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

/// `faascope` with no AWS setting from this process's environment: no keys, no profile, no
/// endpoint, files under `home` only; the cache at `cache`.
fn clean_aws_env(cmd: &mut assert_cmd::Command, home: &Path, cache: &Path) {
    for var in AWS_SETTINGS {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("FAASCOPE_CACHE_DIR", cache);
}

/// Epoch milliseconds as RFC 3339 with milliseconds.
fn iso_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The invocations `report` counts, from its JSON on stdout.
fn invocations(cmd: &mut assert_cmd::Command) -> u64 {
    let out = cmd.assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    v["totals"]["invocations"].as_u64().unwrap()
}

/// The same log group name in two accounts (2 and 7 invocations), a credentials file with a
/// profile for each, and keys of the first account in the environment: `--aws-profile` wins
/// over the environment keys, as in the AWS CLI, and the cache (shared by every run here, over
/// a settled window so entries are written) never serves one account's events to the other,
/// however the account was chosen (`--aws-profile`, `AWS_PROFILE`, environment keys).
#[test]
fn explicit_profile_wins_over_environment_keys_and_the_cache_keeps_accounts_apart() {
    let python = moto_python();
    let moto = start_moto(&python);
    let home = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let creds = home.path().join("credentials");
    let now = chrono::Utc::now().timestamp_millis();
    let at = now - 3_600_000;
    let accounts = seed(
        &python,
        "two_accounts.py",
        &moto,
        &creds,
        &["/aws/lambda/acct", &at.to_string(), "2", "7"],
    );
    assert_eq!(accounts["b"], "111111111111", "{accounts}");
    let (since, until) = (iso_ms(now - 2 * 3_600_000), iso_ms(now - 30 * 60_000));
    let run = |profile_flag: Option<&str>, env_profile: Option<&str>, env_keys: bool| {
        let mut cmd = faascope();
        cmd.args([
            "report",
            "-q",
            "--format",
            "json",
            "cloudwatch:///aws/lambda/acct",
        ])
        .args(["--since", &since, "--until", &until, "--push-down", "never"])
        .args([
            "--endpoint-url",
            &moto.endpoint,
            "--aws-region",
            "us-east-1",
        ]);
        clean_aws_env(&mut cmd, home.path(), cache.path());
        cmd.env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .env("AWS_CONFIG_FILE", home.path().join("config"));
        if let Some(p) = profile_flag {
            cmd.args(["--aws-profile", p]);
        }
        if let Some(p) = env_profile {
            cmd.env("AWS_PROFILE", p);
        }
        if env_keys {
            cmd.env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing");
        }
        cmd
    };
    // Environment keys alone: account A. Then --aws-profile over those keys: B, A, B again
    // (the second B from the cache, which holds both accounts apart).
    assert_eq!(invocations(&mut run(None, None, true)), 2);
    assert_eq!(invocations(&mut run(Some("acct-b"), None, true)), 7);
    assert_eq!(invocations(&mut run(Some("acct-a"), None, true)), 2);
    assert_eq!(invocations(&mut run(Some("acct-b"), None, true)), 7);
    // AWS_PROFILE, without environment keys: each account's own events.
    assert_eq!(invocations(&mut run(None, Some("acct-a"), false)), 2);
    assert_eq!(invocations(&mut run(None, Some("acct-b"), false)), 7);
    let entries = std::fs::read_dir(cache.path().join("cloudwatch"))
        .unwrap()
        .count();
    assert_eq!(entries, 2, "one cache entry per account");
    // The accounts learnt are kept under hashed names; no access key id is written in clear.
    let b_key = std::fs::read_to_string(&creds)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("aws_access_key_id = "))
        .next_back()
        .unwrap()
        .to_string();
    for dir in ["cloudwatch", "identities"] {
        for e in std::fs::read_dir(cache.path().join(dir)).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().to_string();
            assert!(
                !name.contains("testing") && !name.contains(&b_key),
                "{name}"
            );
            if dir == "identities" {
                let text = std::fs::read_to_string(e.path()).unwrap();
                assert!(!text.contains(&b_key), "{text}");
            }
        }
    }
    // The error of a run that fails (exit 2).
    let failing = |mut cmd: assert_cmd::Command| {
        let out = cmd.assert().code(2).get_output().stderr.clone();
        String::from_utf8_lossy(&out).into_owned()
    };
    // A profile that does not exist: an error naming it and the files looked in.
    let err = failing(run(Some("nope"), None, true));
    assert!(err.contains("profile `nope`"), "{err}");
    assert!(err.contains(&creds.display().to_string()), "{err}");
    assert!(
        err.contains(&home.path().join("config").display().to_string()),
        "{err}"
    );
    // A profile signing in through SSO (which faascope does not do itself): credentials
    // exported from it into the environment are used, as the README says...
    std::fs::write(
        home.path().join("config"),
        "[profile sso-a]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = ReadOnly\n\n[profile proc-b]\ncredential_process = PROCESS\n"
            .replace(
                "PROCESS",
                &format!("{} {}", root().join("tests/aws/credential_process.sh").display(), creds.display()),
            ),
    )
    .unwrap();
    assert_eq!(invocations(&mut run(Some("sso-a"), None, true)), 2);
    // ... and without them the error says how to export them.
    let err = failing(run(Some("sso-a"), None, false));
    assert!(
        err.contains("the profile `sso-a` signs in through AWS SSO")
            && err.contains("aws configure export-credentials --profile sso-a"),
        "{err}"
    );
    // A credential_process profile runs its command: account B's keys, over the environment's.
    assert_eq!(invocations(&mut run(Some("proc-b"), None, true)), 7);
}

/// Two emulators chosen by AWS_ENDPOINT_URL (no --endpoint-url), the same group name and keys in
/// both, 3 and 9 invocations: the cache keys by the endpoint the SDK resolved, so each run gets
/// its own endpoint's events.
#[test]
fn the_cache_is_keyed_by_the_endpoint_the_environment_names() {
    let python = moto_python();
    let (one, two) = (start_moto(&python), start_moto(&python));
    let home = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let report = "REPORT RequestId: r\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n";
    for (moto, n) in [(&one, 3), (&two, 9)] {
        let at = (now - 3_600_000).to_string();
        let lines: Vec<String> = (0..n)
            .map(|i| report.replace("RequestId: r", &format!("RequestId: r-{i}")))
            .collect();
        let mut args: Vec<&str> = vec!["--at", &at];
        args.extend(lines.iter().map(String::as_str));
        put_events(&python, moto, "/aws/lambda/ep", &args);
    }
    let (since, until) = (iso_ms(now - 2 * 3_600_000), iso_ms(now - 30 * 60_000));
    let run = |endpoint: &str| {
        let mut cmd = faascope();
        cmd.args([
            "report",
            "-q",
            "--format",
            "json",
            "cloudwatch:///aws/lambda/ep",
        ])
        .args(["--since", &since, "--until", &until, "--push-down", "never"]);
        clean_aws_env(&mut cmd, home.path(), cache.path());
        cmd.env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing");
        cmd
    };
    assert_eq!(invocations(&mut run(&one.endpoint)), 3);
    assert_eq!(invocations(&mut run(&two.endpoint)), 9);
    assert_eq!(invocations(&mut run(&one.endpoint)), 3);
}

/// `query` over cloudwatch:// with a window off whole seconds: StartQuery takes whole seconds
/// (and an inclusive end), so the rows it returns are cut back to [--since, --until) by their
/// @timestamp, as a local run gives them; an aggregate, which cannot be cut, says so.
#[test]
fn remote_query_rows_are_cut_to_the_exact_window() {
    let python = moto_python();
    let moto = start_moto(&python);
    let group = "/aws/lambda/window-fn";
    let now = chrono::Utc::now().timestamp_millis();
    let t0 = (now - 3_600_000).div_euclid(60_000) * 60_000;
    let t1 = t0 + 120_000;
    for (i, t) in [t0, t0 + 1000, t1 - 10, t1].into_iter().enumerate() {
        let line = format!("START RequestId: w-{i} Version: $LATEST\n");
        put_events(&python, &moto, group, &["--at", &t.to_string(), &line]);
    }
    let (since, until) = (iso_ms(t0 + 500), iso_ms(t1));
    let src = format!("cloudwatch://{group}");
    let q = "fields @timestamp, @message | sort @timestamp desc";
    let window = ["--since", since.as_str(), "--until", until.as_str()];
    let mut args = vec![q, src.as_str()];
    args.extend(window);
    let remote = query_json(&args, &moto.endpoint);
    args.push("--local");
    let local = query_json(&args, &moto.endpoint);
    let times = |doc: &serde_json::Value| -> Vec<String> {
        doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["@timestamp"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(times(&local).len(), 2, "{local}");
    assert_eq!(times(&remote), times(&local));
    // An aggregate: the whole-second window is kept, and a warning says so.
    let mut cmd = faascope();
    cmd.args(["query", "--format", "json", "stats count(*) as n", &src])
        .args(window);
    live(&mut cmd, &moto.endpoint);
    cmd.assert()
        .success()
        .stderr(predicate::str::contains(
            "Logs Insights takes whole seconds",
        ))
        .stderr(predicate::str::contains("--local"));
}

/// `report --push-down always` where Logs Insights aggregates no group (the emulator runs no
/// stats, as real AWS gives nothing for a group in the JSON log format): every group is
/// pulled, and the output is exactly the pulled report, peak concurrency in the totals too.
#[test]
fn a_push_down_that_aggregates_nothing_equals_the_pull() {
    let python = moto_python();
    let moto = start_moto(&python);
    let report = |id: &str| {
        format!("REPORT RequestId: {id}\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n")
    };
    let (a, b, c) = (report("p-1"), report("p-2"), report("p-3"));
    put_events(&python, &moto, "/aws/lambda/peak-fn", &[&a, &b, &c]);
    let (always, never) = always_and_never(&moto, "cloudwatch:///aws/lambda/peak-fn");
    assert_eq!(never["totals"]["peak_concurrency"], 3, "{never}");
    assert_eq!(always, never);
    // And it says so: `always` was asked for, and the events were pulled all the same.
    assert!(always_stderr(&moto, "cloudwatch:///aws/lambda/peak-fn")
        .contains("note: Logs Insights aggregated none of the log groups"));
}

/// The stderr of a successful `report` (table) of `source` over the last hour with
/// `--push-down always`.
fn always_stderr(moto: &Moto, source: &str) -> String {
    let mut cmd = faascope();
    cmd.args([
        "report",
        source,
        "--since",
        "1h",
        "--push-down",
        "always",
        "--no-cache",
    ]);
    live(&mut cmd, &moto.endpoint);
    let out = cmd.assert().success().get_output().stderr.clone();
    String::from_utf8_lossy(&out).into_owned()
}

/// `report --format json` of `source` over the last hour with `--push-down always` and `never`.
fn always_and_never(moto: &Moto, source: &str) -> (serde_json::Value, serde_json::Value) {
    let run = |mode: &str| {
        report_json(
            &[source, "--since", "1h", "--push-down", mode, "--no-cache"],
            Some(&moto.endpoint),
        )
    };
    (run("always"), run("never"))
}

/// Functions sharing a custom log group, pulled: told apart by their streams' names; the
/// push-down does not query such a group (Logs Insights' rows by `@log` merged them) and pulls
/// it, saying so (readme4 review).
#[test]
fn a_custom_log_group_shared_by_two_functions_is_pulled_apart() {
    let python = moto_python();
    let moto = start_moto(&python);
    let report = |id: &str, ms: u32, mb: u32| {
        format!("REPORT RequestId: {id}\tDuration: {ms}.00 ms\tBilled Duration: {ms} ms\tMemory Size: {mb} MB\tMax Memory Used: 40 MB\t\n")
    };
    for (stream, lines) in [
        (
            "2026/11/23/orders-api[$LATEST]0123456789abcdef0123456789abcdef",
            [report("o-1", 40, 512), report("o-2", 50, 512)],
        ),
        (
            "2026/11/23/image-batch[$LATEST]fedcba9876543210fedcba9876543210",
            [report("i-1", 3000, 2048), report("i-2", 4000, 2048)],
        ),
    ] {
        put_events_in(&python, &moto, "/app/shared-logs", stream, &lines);
    }
    let (always, never) = always_and_never(&moto, "cloudwatch:///app/shared-logs");
    assert_eq!(always, never);
    let got: Vec<(String, u64, f64)> = never["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["function"].as_str().unwrap().to_string(),
                f["memory_size_mb"].as_u64().unwrap(),
                f["duration_ms"]["p50"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("image-batch".to_string(), 2048, 3500.0),
            ("orders-api".to_string(), 512, 45.0)
        ]
    );
    assert!(always_stderr(&moto, "cloudwatch:///app/shared-logs").contains(
        "the 1 custom log group(s), whose functions are told apart only by their streams' names; their events are pulled instead"
    ));
}

/// Seventh-round review: `--push-down always` with a `--function` that keeps none of the
/// groups matched scanned them all and printed `-0.0` GB-s; nothing is queried now, and the
/// output says the filter left nothing, naming the groups.
#[test]
fn a_push_down_whose_function_filter_keeps_no_group_queries_nothing() {
    let python = moto_python();
    let moto = start_moto(&python);
    let line = "REPORT RequestId: q-1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n";
    put_events(&python, &moto, "/aws/lambda/kept-not", &[line]);
    let mut cmd = faascope();
    cmd.args([
        "report",
        "cloudwatch:///aws/lambda/kept-*",
        "--function",
        "^nomatch$",
        "--since",
        "1h",
        "--push-down",
        "always",
        "--no-cache",
    ]);
    live(&mut cmd, &moto.endpoint);
    let out = cmd.assert().success().get_output().clone();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        stdout.contains("no invocations match --function/--since/--until"),
        "{stdout}"
    );
    assert!(!stdout.contains("-0.0"), "{stdout}");
    assert!(
        stderr.contains("none of the 1 log group(s) matched (/aws/lambda/kept-not) is of a function --function '^nomatch$' keeps: nothing was queried"),
        "{stderr}"
    );
}

/// An endpoint nothing listens on: a short "cannot reach" error naming it and the cause, with
/// what to check, and no SDK debug dump; a group that does not exist names the region and
/// account it was looked for in, and points at --aws-region.
#[test]
fn unreachable_endpoints_and_missing_groups_say_what_to_check() {
    let mut cmd = faascope();
    cmd.args([
        "report",
        "cloudwatch:///aws/lambda/x",
        "--push-down",
        "never",
        "--no-cache",
    ]);
    live(&mut cmd, "http://127.0.0.1:9");
    let out = cmd.assert().code(2).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("cannot reach http://127.0.0.1:9 (connection refused): check --endpoint-url"),
        "{err}"
    );
    assert!(
        err.contains("logs:FilterLogEvents on /aws/lambda/x"),
        "{err}"
    );
    for dump in [
        "DispatchFailure",
        "ConnectorError",
        "hyper",
        "narrow --since",
    ] {
        assert!(!err.contains(dump), "{dump} in {err}");
    }
    // A tail whose --follow-for ends before the endpoint ever answered (the client still
    // retrying) failed: it says so and exits 2, not 0 with nothing shown.
    let mut cmd = faascope();
    cmd.args([
        "logs",
        "cloudwatch:///aws/lambda/*",
        "--follow",
        "--follow-for",
        "1s",
    ]);
    live(&mut cmd, "http://127.0.0.1:9");
    let out = cmd.assert().code(2).get_output().stderr.clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("cannot reach http://127.0.0.1:9") && err.contains("logs:DescribeLogGroups"),
        "{err}"
    );

    let python = moto_python();
    let moto = start_moto(&python);
    put_events(&python, &moto, "/aws/lambda/small", &["hello\n"]);
    for mode in ["never", "always"] {
        let mut cmd = faascope();
        cmd.args([
            "report",
            "cloudwatch:///aws/lambda/big",
            "--push-down",
            mode,
        ]);
        live(&mut cmd, &moto.endpoint);
        let out = cmd.assert().code(2).get_output().stderr.clone();
        let err = String::from_utf8_lossy(&out);
        assert!(
            err.contains("no log group matches cloudwatch:///aws/lambda/big in region us-east-1"),
            "{err}"
        );
        assert!(err.contains("--aws-region"), "{err}");
        if mode == "never" {
            // The pull learnt the account (for its cache key) before the group was missed.
            assert!(err.contains("of account 123456789012"), "{err}");
        }
    }
}

/// An endpoint that answers every request with the same AWS JSON error.
fn start_canned_error(status: &str, code: &str, message: &str) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let body = format!(r#"{{"__type":"{code}","message":"{message}"}}"#);
    let reply = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-errortype: {code}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut client) = conn else { continue };
            let reply = reply.clone();
            std::thread::spawn(move || {
                if read_http_message(&mut client).is_some() {
                    let _ = client.write_all(reply.as_bytes());
                }
            });
        }
    });
    endpoint
}

/// Rejected credentials are named as rejected (not missing), and a call throttled on every
/// attempt says so with the service's code and message, never the SDK's debug dump.
#[test]
fn rejected_credentials_and_throttling_are_named_plainly() {
    let cases = [
        (
            "400 Bad Request",
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            "AWS rejected the credentials (UnrecognizedClientException: The security token included in the request is invalid.)",
        ),
        (
            "400 Bad Request",
            "ThrottlingException",
            "Rate exceeded",
            "logs:FilterLogEvents on /aws/lambda/x: ThrottlingException: Rate exceeded (after 5 attempts)",
        ),
    ];
    for (status, code, message, says) in cases {
        let endpoint = start_canned_error(status, code, message);
        let mut cmd = faascope();
        cmd.args([
            "report",
            "cloudwatch:///aws/lambda/x",
            "--push-down",
            "never",
            "--no-cache",
        ]);
        live(&mut cmd, &endpoint);
        let out = cmd.assert().code(2).get_output().stderr.clone();
        let err = String::from_utf8_lossy(&out);
        assert!(err.contains(says), "{err}");
        assert!(
            !err.contains("Error {") && !err.contains("no AWS credentials were found"),
            "{err}"
        );
    }
}
