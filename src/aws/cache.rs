//! Local cache of pulled CloudWatch Logs events, so a second look at the same groups (a
//! dashboard reopened, a report re-run with another `--function`) does not pull them again.
//!
//! One entry per (endpoint, region, identity, log group): the group's events, as the export lines
//! handed to the ingest code, gzip-compressed, covering one time range `[start_ms, end_ms)`.
//! Only *settled* time is kept: the range ends at least [`SETTLE_MS`] before the pull, since
//! CloudWatch may still be ingesting events of the last minutes. A request is served from the
//! entry where the ranges overlap, and the rest is pulled: when the request starts before the
//! entry, everything is pulled again (the entry is replaced); when it ends after, only the tail
//! is pulled and the entry grows. So a cache is invalidated by time range, never by age.
//! Files are written atomically (temporary file and rename), and a damaged entry is ignored.
//!
//! The endpoint is the one the SDK resolved (`--endpoint-url`, `AWS_ENDPOINT_URL...`, the
//! profile's `endpoint_url` or the region's), and the identity the account the credentials
//! belong to (or a hash of their access key id): how the credentials were chosen (a profile
//! flag, `AWS_PROFILE`, environment keys) does not matter, whose they are does. The account of
//! an access key id, once learnt, is kept under `identities/` (by a hash of endpoint and key).
//!
//! Location: `$FAASCOPE_CACHE_DIR`, else `$XDG_CACHE_HOME/faascope`, else `~/.cache/faascope`;
//! `--no-cache` bypasses it.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Events newer than this before the pull are never cached (CloudWatch's ingestion delay).
pub const SETTLE_MS: i64 = 10 * 60_000;

/// The cache directory, if one can be named.
pub fn dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("FAASCOPE_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("faascope"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|h| PathBuf::from(h).join(".cache/faascope"))
}

/// One group's cached events.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub start_ms: i64,
    pub end_ms: i64,
    /// Export lines (`{timestamp, message, logGroup, logStream}` NDJSON), in time order.
    pub lines: Vec<u8>,
}

/// A hash of `parts` that is stable across runs and builds (FNV-1a, written here because std's
/// hasher does not promise that); each part is ended by a NUL so ("ab", "c") ≠ ("a", "bc").
pub fn stable_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The file of one group: a stable hash of what identifies it.
pub fn path_for(dir: &Path, endpoint: &str, region: &str, identity: &str, group: &str) -> PathBuf {
    let h = stable_hash(&[endpoint, region, identity, group]);
    let readable: String = group
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join("cloudwatch")
        .join(format!("{}-{h:016x}.ndjson.gz", readable.trim_matches('_')))
}

/// Where the account of an access key id at an endpoint is kept (the name is a hash: the key id
/// is never written in clear).
pub fn identity_path(dir: &Path, endpoint: &str, access_key_id: &str) -> PathBuf {
    dir.join("identities").join(format!(
        "{:016x}.json",
        stable_hash(&[endpoint, access_key_id])
    ))
}

/// The account kept at `path`; `None` when missing or damaged.
pub fn read_account(path: &Path) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let a = v.get("account")?.as_str()?;
    (!a.is_empty() && a.bytes().all(|b| b.is_ascii_digit())).then(|| a.to_string())
}

/// Keeps the account of an access key id, atomically.
/// The first failure to write the cache in this process, as a warning for the command line
/// (a library function does not print; the dashboard has no stderr to print on).
static UNWRITABLE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records that `path` could not be written (the first such failure is kept).
pub fn note_write_failure(path: &Path, e: &std::io::Error) {
    let dir = path.parent().unwrap_or(path);
    let _ = UNWRITABLE.set(format!(
        "cannot write the cache under {}: {e}; live pulls are not cached, so the next run pulls again (set FAASCOPE_CACHE_DIR to a writable folder, or pass --no-cache)",
        dir.display()
    ));
}

/// The warning of [`note_write_failure`], if the cache could not be written.
pub fn write_failure() -> Option<&'static str> {
    UNWRITABLE.get().map(String::as_str)
}

pub fn write_account(path: &Path, account: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(
        serde_json::json!({ "account": account })
            .to_string()
            .as_bytes(),
    )?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Reads an entry; `None` when missing or damaged (a damaged entry is pulled again).
pub fn read(path: &Path) -> Option<Entry> {
    let file = std::fs::File::open(path).ok()?;
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut text)
        .ok()?;
    let nl = text.iter().position(|b| *b == b'\n')?;
    let head: serde_json::Value = serde_json::from_slice(&text[..nl]).ok()?;
    let start_ms = head.get("faascope_cache_start_ms")?.as_i64()?;
    let end_ms = head.get("faascope_cache_end_ms")?.as_i64()?;
    (start_ms <= end_ms).then(|| Entry {
        start_ms,
        end_ms,
        lines: text[nl + 1..].to_vec(),
    })
}

/// Writes an entry atomically.
pub fn write(path: &Path, e: &Entry) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    let mut gz = flate2::write::GzEncoder::new(tmp, flate2::Compression::fast());
    let head = serde_json::json!({
        "faascope_cache_start_ms": e.start_ms,
        "faascope_cache_end_ms": e.end_ms,
    });
    gz.write_all(head.to_string().as_bytes())?;
    gz.write_all(b"\n")?;
    gz.write_all(&e.lines)?;
    let tmp = gz.finish()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The export lines of `lines` with a timestamp in `[start_ms, end_ms)`, and their count.
pub fn slice(lines: &[u8], start_ms: i64, end_ms: i64) -> (Vec<u8>, u64) {
    let mut out = Vec::new();
    let mut n = 0;
    for line in lines.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let ts = serde_json::from_slice::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v.get("timestamp").and_then(|t| t.as_i64()));
        if ts.is_some_and(|t| t >= start_ms && t < end_ms) {
            out.extend_from_slice(line);
            out.push(b'\n');
            n += 1;
        }
    }
    (out, n)
}

/// What to pull for a request `[start_ms, end_ms)` given an entry: `Some(from)` pulls
/// `[from, end_ms)` and serves `[start_ms, from)` from the entry; `None` pulls everything.
pub fn plan(entry: Option<&Entry>, start_ms: i64, end_ms: i64) -> Option<i64> {
    let e = entry?;
    (e.start_ms <= start_ms && start_ms <= e.end_ms).then(|| e.end_ms.min(end_ms).max(start_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ts: i64) -> String {
        format!(
            "{{\"timestamp\":{ts},\"message\":\"m{ts}\",\"logGroup\":\"g\",\"logStream\":\"s\"}}\n"
        )
    }

    #[test]
    fn entries_round_trip_and_damage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_for(
            dir.path(),
            "http://127.0.0.1:1",
            "us-east-1",
            "",
            "/aws/lambda/f",
        );
        assert!(p.to_string_lossy().contains("aws_lambda_f-"));
        assert_ne!(
            p,
            path_for(dir.path(), "", "us-east-1", "", "/aws/lambda/f")
        );
        let e = Entry {
            start_ms: 0,
            end_ms: 100,
            lines: (line(1) + &line(50)).into_bytes(),
        };
        // Another identity (account) of the same endpoint, region and group: another entry.
        assert_ne!(
            p,
            path_for(
                dir.path(),
                "http://127.0.0.1:1",
                "us-east-1",
                "account:111111111111",
                "/aws/lambda/f"
            )
        );
        write(&p, &e).unwrap();
        assert_eq!(read(&p), Some(e));
        std::fs::write(&p, b"not gzip").unwrap();
        assert_eq!(read(&p), None);
    }

    #[test]
    fn accounts_are_kept_by_a_hash_of_endpoint_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = identity_path(dir.path(), "http://127.0.0.1:1", "AKIAEXAMPLEKEY");
        assert!(!p.to_string_lossy().contains("AKIAEXAMPLEKEY"));
        assert_ne!(
            p,
            identity_path(dir.path(), "http://127.0.0.1:2", "AKIAEXAMPLEKEY")
        );
        assert_eq!(read_account(&p), None);
        write_account(&p, "123456789012").unwrap();
        assert_eq!(read_account(&p).as_deref(), Some("123456789012"));
        std::fs::write(&p, b"{\"account\": \"../x\"}").unwrap();
        assert_eq!(read_account(&p), None);
        assert_ne!(stable_hash(&["ab", "c"]), stable_hash(&["a", "bc"]));
    }

    #[test]
    fn slices_and_plans_follow_the_time_range() {
        let lines = (line(10) + &line(20) + &line(30)).into_bytes();
        let (s, n) = slice(&lines, 15, 30);
        assert_eq!(n, 1);
        assert_eq!(String::from_utf8(s).unwrap(), line(20));
        let e = Entry {
            start_ms: 10,
            end_ms: 100,
            lines,
        };
        // Inside the entry: nothing to pull past its end.
        assert_eq!(plan(Some(&e), 20, 50), Some(50));
        // Ends later: pull the tail from the entry's end.
        assert_eq!(plan(Some(&e), 20, 200), Some(100));
        // Starts before the entry, or after a gap: pull everything.
        assert_eq!(plan(Some(&e), 5, 50), None);
        assert_eq!(plan(Some(&e), 150, 200), None);
        assert_eq!(plan(None, 20, 50), None);
    }
}
