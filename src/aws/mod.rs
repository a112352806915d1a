//! Live AWS sources, beside file paths in every command.
//!
//! * `cloudwatch://LOG_GROUP` — one log group (`cloudwatch:///aws/lambda/orders-api`), or a
//!   pattern with `*` (`cloudwatch:///aws/lambda/*`, `cloudwatch:///aws/lambda/orders-*`): the
//!   groups are listed with DescribeLogGroups by the prefix before the first `*`, then matched.
//!   Events come from FilterLogEvents, paginated, several groups at a time (bounded), over the
//!   command's `--since`/`--until` (default: the last 24 hours; with `--since`, from
//!   [`STATUS_MARGIN_MS`] before it, so that a timeout or error line before `--since` still
//!   gives its invocation's status), and are handed to the ingest code as NDJSON export lines
//!   (`{timestamp, message, logGroup, logStream}`): the records are exactly those the same
//!   events give from a file.
//!
//! * `xray://` — the X-Ray traces of the window: GetTraceSummaries in time slices of at most
//!   6 hours (paginated), then BatchGetTraces five ids at a time; each page is handed to the
//!   ingest code as the same JSON the `aws xray batch-get-traces` command prints, so the spans,
//!   cold starts and downstream calls are exactly those of the same output saved to a file.
//!
//! * `metrics://` — the AWS/Lambda CloudWatch metrics of every function (`metrics://orders-*`:
//!   the functions matching a pattern): ListMetrics finds the function's metrics (those with the
//!   one dimension `FunctionName`), GetMetricData fetches them (500 queries a call, paginated)
//!   with the statistics of [`METRIC_STATS`], and the pages are handed to the ingest code as the
//!   JSON `aws cloudwatch get-metric-data` prints, with labels `FUNCTION:METRIC:STAT`. The period
//!   follows the window and what CloudWatch keeps: 60 s for windows up to a day, 300 s up to 15
//!   days or for data older than 15 days, 3600 s beyond (and for data older than 63 days); the
//!   window is widened to whole periods.
//!
//! Credentials, profile and region come from the standard AWS chain (environment, shared config
//! and credentials files, container and instance roles); `--aws-profile`, `--aws-region` and
//! `--endpoint-url` (emulators, VPC endpoints) override them. An explicit `--aws-profile` takes
//! its credentials from that profile even when AWS_ACCESS_KEY_ID is set (as the AWS CLI does),
//! and a profile the files do not define is an error. An endpoint that cannot be reached
//! (connection refused, no DNS answer, timed out) is named with the short cause. Only read calls are made:
//! `logs:DescribeLogGroups`, `logs:FilterLogEvents`, `xray:GetTraceSummaries`,
//! `xray:BatchGetTraces`, `cloudwatch:ListMetrics` and `cloudwatch:GetMetricData`. Throttling and 5xx responses are retried by
//! the SDK's standard retry (5 attempts, exponential backoff with jitter); a pull that still
//! fails reports which groups were fetched and which were not, and the command fails: never a
//! silently partial result.
//!
//! Why hand-written glue rather than a crate: the SDK is the crate; what is here is the mapping of
//! URIs, windows and errors onto it.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_sdk_cloudwatchlogs::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_cloudwatchlogs::Client;

use crate::ingest::MemoryInput;

pub mod cache;
mod follow;
pub mod insights;
pub mod query;

pub use follow::Follower;

/// Helpers of the tests that replay recorded AWS exchanges through the SDK's replay client.
#[cfg(test)]
pub(crate) mod replay {
    use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Credentials, Region};
    use aws_smithy_http_client::test_util::StaticReplayClient;
    use aws_smithy_types::body::SdkBody;

    /// A 200 answer with a JSON body (the awsJson 1.1 protocol of CloudWatch Logs).
    pub fn json(body: serde_json::Value) -> http::Response<SdkBody> {
        http::Response::builder()
            .status(200)
            .header("content-type", "application/x-amz-json-1.1")
            .body(SdkBody::from(body.to_string()))
            .unwrap()
    }

    /// A CloudWatch Logs client whose every call is answered by `http`.
    pub fn logs_client(http: &StaticReplayClient) -> aws_sdk_cloudwatchlogs::Client {
        let conf = aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
            .http_client(http.clone())
            .build();
        aws_sdk_cloudwatchlogs::Client::from_conf(conf)
    }
}

/// Scheme prefix of CloudWatch Logs sources.
pub const CLOUDWATCH: &str = "cloudwatch://";

/// Scheme of X-Ray sources.
pub const XRAY: &str = "xray://";

/// Scheme of CloudWatch metrics sources.
pub const METRICS: &str = "metrics://";

/// The AWS/Lambda metrics pulled by `metrics://`, each with the statistics asked for.
pub const METRIC_STATS: &[(&str, &[&str])] = &[
    ("Invocations", &["Sum"]),
    ("Errors", &["Sum"]),
    ("Throttles", &["Sum"]),
    ("Duration", &["Average", "Maximum", "p99"]),
    ("ConcurrentExecutions", &["Maximum"]),
    ("ProvisionedConcurrentExecutions", &["Maximum"]),
    ("ProvisionedConcurrencyUtilization", &["Maximum"]),
    ("ProvisionedConcurrencyInvocations", &["Sum"]),
    ("ProvisionedConcurrencySpilloverInvocations", &["Sum"]),
    ("DeadLetterErrors", &["Sum"]),
    ("AsyncEventAge", &["Maximum"]),
];

/// Queries of one GetMetricData call (the API's limit).
const QUERIES_PER_CALL: usize = 500;

/// Longest time slice of one GetTraceSummaries call.
const XRAY_SLICE_MS: i64 = 6 * 3_600_000;

/// Default window when a command gives none: the last 24 hours.
pub const DEFAULT_WINDOW_MS: i64 = 24 * 3_600_000;

/// How long before `--since` the events of `cloudwatch://` groups are pulled: Lambda's longest
/// timeout. An invocation's `Task timed out` or runtime error line may come before `--since`
/// and its REPORT after it; a file gives both lines, and so does the pull with this margin.
/// The commands drop the records before `--since` as they do a file's.
pub const STATUS_MARGIN_MS: i64 = 15 * 60_000;

/// Groups pulled at the same time.
const CONCURRENT_GROUPS: usize = 8;

/// Settings of the AWS client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Reuse and update the local cache of pulled events ([`cache`]).
    pub cache: bool,
}

/// `--endpoint-url`: an http(s) URL with a host, checked before any call (the SDK's own error
/// for `127.0.0.1:4566` is a dump of the request it could not send).
pub fn check_endpoint_url(s: &str) -> Result<String, String> {
    let t = s.trim();
    // Schemes are case-insensitive (`HTTP://` is http).
    let scheme_len = ["http://", "https://"]
        .iter()
        .find(|p| t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
        .map(|p| p.len());
    let rest = scheme_len.map(|n| &t[n..]).ok_or_else(|| {
        if t.contains("://") {
            format!("`{t}` is not an http:// or https:// URL")
        } else {
            format!("`{t}` has no scheme: write http://{t} (or https://)")
        }
    })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') || host.chars().any(char::is_whitespace) {
        return Err(format!(
            "`{t}` names no host: write it as http://HOST:PORT (e.g. http://127.0.0.1:4566)"
        ));
    }
    Ok(t.to_string())
}

/// `--aws-region`: a region name (`us-east-1`), checked before any call (the SDK says only
/// that endpoint parameters could not be built).
pub fn check_region(s: &str) -> Result<String, String> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.len() <= 63
        && !t.starts_with('-')
        && !t.ends_with('-')
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(t.to_string())
    } else {
        Err(format!(
            "`{t}` is not a region name: give one such as us-east-1 or eu-west-1 (letters, digits and hyphens)"
        ))
    }
}

/// Errors of live sources; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("`{0}` is not a source URI: use cloudwatch://LOG_GROUP (e.g. cloudwatch:///aws/lambda/orders-api or cloudwatch:///aws/lambda/*), xray:// or metrics:// (metrics://FUNCTION_PATTERN)")]
    BadUri(String),
    #[error("no AWS region: pass --aws-region, set AWS_REGION, or set a region in the profile")]
    NoRegion,
    /// A region or endpoint setting that is no such thing (said with where it came from).
    #[error("{0}")]
    Setting(String),
    #[error("the AWS profile `{profile}` (--aws-profile) is not defined in {files}: pass a profile those files define (`aws configure list-profiles`), create it with `aws configure --profile {profile}`, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the files that define it")]
    NoProfile { profile: String, files: String },
    #[error(
        "cannot read the AWS config and credentials files for --aws-profile {profile}: {detail}"
    )]
    ProfileFiles { profile: String, detail: String },
    #[error("{}", credentials_message(.detail))]
    Credentials { detail: String },
    /// A query faascope or Logs Insights refused as it stands: nothing to retry.
    #[error("{reason}. Fix: {fix}")]
    QueryRefused { reason: String, fix: String },
    #[error("AWS rejected the credentials ({detail}). Fix: check the access key id and secret key (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the profile's), refresh an expired session token (`aws sso login` for an SSO profile), or pick another profile with --aws-profile")]
    Rejected { detail: String },
    #[error("access denied calling {action} on {resource}: the IAM policy needs `{action}` (see the README for the minimal read-only policy)")]
    AccessDenied { action: String, resource: String },
    #[error("no log group matches {uri} in region {}{}{}: check the name, or pass --aws-region (or set AWS_REGION) if the groups are in another region; list them with `aws logs describe-log-groups --region {} --log-group-name-prefix ...`", shown_region(.region), of_account(.account.as_deref()), slash_hint(.uri), shown_region(.region))]
    NoGroups {
        uri: String,
        /// Empty until [`Site::locate`] names it.
        region: String,
        account: Option<String>,
    },
    #[error("no Lambda function has AWS/Lambda metrics matching {0} in this account and region")]
    NoMetrics(String),
    #[error("the pull from AWS did not complete: {failed}. Fetched completely: {fetched}. Nothing was reported, so no result is silently partial; retry, or narrow --since/--until")]
    Partial { failed: String, fetched: String },
    /// The endpoint could not be reached at all (connection refused, no DNS answer, timed out):
    /// retrying or a narrower window cannot help, the address or the network must change.
    #[error("cannot reach {} ({cause}): {UNREACHABLE_FIX}. The pull did not complete: {failed}. Fetched completely: {fetched}. Nothing was reported, so no result is silently partial", endpoint_name(.endpoint))]
    Unreachable {
        /// Empty until [`Site::locate`] names it.
        endpoint: String,
        cause: String,
        failed: String,
        fetched: String,
    },
    #[error("cannot start the AWS client: {0}")]
    Runtime(String),
}

/// What a credentials error says: a profile's `credential_process` that failed is that, not
/// missing credentials (fifth-round live review: the message told the user to set the profile
/// they had set).
fn credentials_message(detail: &str) -> String {
    if detail.contains("external process") || detail.contains("credential_process") {
        format!(
            "the profile's credential_process failed ({detail}). Fix: run the command the profile's credential_process names yourself to see why (it must print the credentials JSON and exit 0), or pick another profile with --aws-profile"
        )
    } else {
        format!(
            "no AWS credentials were found ({detail}). Fix: set AWS_PROFILE (or --aws-profile) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login` for an SSO profile"
        )
    }
}

impl AwsError {
    /// Unreachable because nothing answered in time (every attempt waited out): another call
    /// to the same endpoint would wait as long again.
    pub fn is_silent_endpoint(&self) -> bool {
        matches!(self, AwsError::Unreachable { cause, .. } if cause.starts_with(NO_ANSWER) || cause == "timed out")
    }

    /// The error without what it says of a pull's result (`Fetched completely: ... Nothing was
    /// reported`): for a tail, which has printed what it read as it came.
    pub fn cause_only(&self) -> String {
        match self {
            AwsError::Partial { failed, .. } => format!("the tail's call failed: {failed}"),
            AwsError::Unreachable {
                endpoint,
                cause,
                failed,
                ..
            } => format!(
                "cannot reach {} ({cause}) calling {failed}: {UNREACHABLE_FIX}",
                endpoint_name(endpoint)
            ),
            other => other.to_string(),
        }
    }
}

/// What to check when an endpoint cannot be reached.
const UNREACHABLE_FIX: &str =
    "check --endpoint-url (or AWS_ENDPOINT_URL, or a project file's [aws] endpoint_url), the network, or the region (--aws-region)";

/// The endpoint an error names; empty until [`Site::locate`] fills it in.
fn endpoint_name(endpoint: &str) -> &str {
    if endpoint.is_empty() {
        "the AWS endpoint"
    } else {
        endpoint
    }
}

fn shown_region(region: &str) -> &str {
    if region.is_empty() {
        "(the configured one)"
    } else {
        region
    }
}

/// The usual ways to miswrite a group in a URI, from its text: a log group's ARN pasted from
/// the console (`cloudwatch://arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`), a region before
/// the name (`cloudwatch://us-east-1/aws/lambda/x`), a Lambda group without its leading `/`
/// (`cloudwatch://aws/lambda/x`). Nothing for other names: they may be meant as written.
fn slash_hint(uri: &str) -> String {
    let Some(rest) = uri.strip_prefix(CLOUDWATCH) else {
        return String::new();
    };
    let with_slash = |name: &str| {
        if name.starts_with('/') {
            name.to_string()
        } else {
            format!("/{name}")
        }
    };
    if rest.starts_with("arn:") {
        if let Some((head, name)) = rest.split_once(":log-group:") {
            let name = name.strip_suffix(":*").unwrap_or(name);
            let region = head.split(':').nth(3).filter(|r| !r.is_empty());
            return format!(
                " (that is the group's ARN: write its name, {CLOUDWATCH}{name}{})",
                region
                    .map(|r| format!(", with --aws-region {r}"))
                    .unwrap_or_default()
            );
        }
    }
    if let Some((first, name)) = rest.split_once('/') {
        if looks_like_region(first) {
            return format!(
                " (a cloudwatch:// URI takes no region: write {CLOUDWATCH}{} with --aws-region {first})",
                with_slash(name)
            );
        }
    }
    if rest.starts_with("aws/") {
        return format!(
            " (Lambda's log group names start with `/`: did you mean {CLOUDWATCH}/{rest}, with three slashes?)"
        );
    }
    String::new()
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`: letters, dashes, a number.
fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn of_account(account: Option<&str>) -> String {
    account
        .map(|a| format!(" of account {a}"))
        .unwrap_or_default()
}

impl AwsError {
    /// A log group pattern that matched nothing, in the region of `c`.
    fn no_groups(c: &Client, pattern: &str) -> AwsError {
        AwsError::NoGroups {
            uri: format!("{CLOUDWATCH}{pattern}"),
            region: c
                .config()
                .region()
                .map(|r| r.to_string())
                .unwrap_or_default(),
            account: None,
        }
    }

    /// [`AwsError::no_groups`] with the account the calls act in, from the ARN of any group
    /// of the region (one more DescribeLogGroups, on this error path only): the message then
    /// names the account as the cached pull's does.
    async fn no_groups_in(c: &Client, pattern: &str) -> AwsError {
        let mut e = AwsError::no_groups(c, pattern);
        if let AwsError::NoGroups { account, .. } = &mut e {
            if let Ok(d) = c.describe_log_groups().limit(1).send().await {
                *account = d
                    .log_groups()
                    .iter()
                    .find_map(|g| account_of_arn(g.log_group_arn().or(g.arn())?).map(String::from));
            }
        }
        e
    }

    /// The same failure, saying what had been fetched before it.
    fn fetched(self, what: String) -> AwsError {
        match self {
            AwsError::Partial { failed, .. } => AwsError::Partial {
                failed,
                fetched: what,
            },
            AwsError::Unreachable {
                endpoint,
                cause,
                failed,
                ..
            } => AwsError::Unreachable {
                endpoint,
                cause,
                failed,
                fetched: what,
            },
            other => other,
        }
    }
}

/// Where the calls of one command go: the region, each service's endpoint as the SDK resolves
/// it (`--endpoint-url`, else `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` / the profile's
/// `endpoint_url`, else the region's AWS endpoint), and the account once known. Errors are
/// raised deep in the calls without these; [`Site::locate`] adds them on the way out.
#[derive(Debug, Clone, Default)]
pub(crate) struct Site {
    pub region: String,
    pub logs: String,
    pub xray: String,
    pub metrics: String,
    pub account: Option<String>,
}

/// The endpoint URL the SDK gives the service `service_id` from `conf` (the logic of the
/// service crates' `From<&SdkConfig>`): `None` for the region's default endpoint.
fn endpoint_override(conf: &aws_config::SdkConfig, service_id: &str) -> Option<String> {
    if conf.get_origin("endpoint_url").is_client_config() {
        return conf.endpoint_url().map(String::from);
    }
    let key = aws_types::service_config::ServiceConfigKey::builder()
        .service_id(service_id)
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok();
    key.and_then(|k| conf.service_config()?.load_config(k))
        .or_else(|| conf.endpoint_url().map(String::from))
}

/// The URL a service's endpoint resolver gives for `conf` (the override, or the regional AWS
/// endpoint).
macro_rules! resolved_endpoint {
    ($krate:ident, $conf:expr, $service_id:expr) => {{
        use $krate::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
        let conf: &aws_config::SdkConfig = $conf;
        let over = endpoint_override(conf, $service_id);
        let params = Params::builder()
            .set_region(conf.region().map(|r| r.to_string()))
            .set_use_fips(conf.use_fips())
            .set_use_dual_stack(conf.use_dual_stack())
            .set_endpoint(over.clone())
            .build();
        let resolved = match params {
            Ok(p) => DefaultResolver::new()
                .resolve_endpoint(&p)
                .await
                .ok()
                .map(|e| e.url().to_string()),
            Err(_) => None,
        };
        resolved.or(over).unwrap_or_default()
    }};
}

impl Site {
    async fn of(conf: &aws_config::SdkConfig) -> Site {
        Site {
            region: conf.region().map(|r| r.to_string()).unwrap_or_default(),
            logs: resolved_endpoint!(aws_sdk_cloudwatchlogs, conf, "CloudWatch Logs"),
            xray: resolved_endpoint!(aws_sdk_xray, conf, "XRay"),
            metrics: resolved_endpoint!(aws_sdk_cloudwatch, conf, "CloudWatch"),
            account: None,
        }
    }

    /// `e` with the region, account and endpoint it lacks.
    pub(crate) fn locate(&self, e: AwsError) -> AwsError {
        match e {
            AwsError::NoGroups {
                uri,
                region,
                account,
            } => AwsError::NoGroups {
                uri,
                region: if region.is_empty() {
                    self.region.clone()
                } else {
                    region
                },
                account: account.or_else(|| self.account.clone()),
            },
            AwsError::Unreachable {
                endpoint,
                cause,
                failed,
                fetched,
            } if endpoint.is_empty() => AwsError::Unreachable {
                endpoint: if failed.starts_with("xray:") {
                    self.xray.clone()
                } else if failed.starts_with("cloudwatch:") {
                    self.metrics.clone()
                } else {
                    self.logs.clone()
                },
                cause,
                failed,
                fetched,
            },
            other => other,
        }
    }
}

/// A parsed source URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceUri {
    /// A log group name or pattern (`*` matches any run of characters).
    CloudWatch { pattern: String },
    /// Every trace of the window.
    XRay,
    /// The AWS/Lambda metrics of the functions matching a pattern (`None`: every function).
    Metrics { pattern: Option<String> },
}

impl SourceUri {
    /// `None` when `text` is not a URI (a file path); an error for a malformed URI.
    pub fn parse(text: &str) -> Option<Result<SourceUri, AwsError>> {
        if let Some(rest) = text.strip_prefix(CLOUDWATCH) {
            return Some(if rest.is_empty() || rest == "/" {
                Err(AwsError::BadUri(text.into()))
            } else {
                Ok(SourceUri::CloudWatch {
                    pattern: rest.to_string(),
                })
            });
        }
        if let Some(rest) = text.strip_prefix(XRAY) {
            return Some(if rest.is_empty() || rest == "/" {
                Ok(SourceUri::XRay)
            } else {
                Err(AwsError::BadUri(format!(
                    "{text} (xray:// takes no path: it reads every trace of --since/--until)"
                )))
            });
        }
        if let Some(rest) = text.strip_prefix(METRICS) {
            let rest = rest.trim_matches('/');
            return Some(Ok(SourceUri::Metrics {
                pattern: (!rest.is_empty() && rest != "*").then(|| rest.to_string()),
            }));
        }
        if text.contains("://") && !std::path::Path::new(text).exists() {
            return Some(Err(AwsError::BadUri(text.into())));
        }
        None
    }
}

/// `*` glob match (no other metacharacters; log group names cannot contain `*`).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// One export line, as CloudWatch's NDJSON export writes it.
fn export_line(out: &mut Vec<u8>, ts: i64, message: &str, group: &str, stream: &str) {
    let v = serde_json::json!({
        "timestamp": ts,
        "message": message,
        "logGroup": group,
        "logStream": stream,
    });
    // Serialising a json! value into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, &v);
    out.push(b'\n');
}

/// The credentials chain's failure among the causes of `e`: the SDK reports it as a dispatch
/// failure caused by a `CredentialsError`, whatever the provider said ("no credentials found in
/// chain", "failed to load IMDS session token" where instance metadata answers 403, an SSO
/// token that expired, a provider that timed out).
fn credentials_error<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source()).find(|e| {
        e.downcast_ref::<aws_credential_types::provider::error::CredentialsError>()
            .is_some()
    })
}

/// The messages of an error and its causes, `: `-separated (without the response dump of
/// [`DisplayErrorContext`]).
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    std::iter::successors(Some(e), |e| e.source())
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// Why a request never got an answer, when the endpoint could not be reached: connection
/// refused, no DNS answer, a connection reset or timed out. `None` for any other failure.
fn unreachable_cause<E: std::error::Error + 'static, R: std::fmt::Debug + 'static>(
    e: &aws_sdk_cloudwatchlogs::error::SdkError<E, R>,
) -> Option<String> {
    use aws_sdk_cloudwatchlogs::error::SdkError;
    use std::io::ErrorKind;
    let d = match e {
        // An operation that ran past its time limits reached the endpoint (slow answers,
        // retried): that is no unreachable endpoint, and the usual advice applies.
        SdkError::DispatchFailure(d) => d,
        _ => return None,
    };
    let chain: Vec<&(dyn std::error::Error + 'static)> =
        std::iter::successors(Some(e as &(dyn std::error::Error + 'static)), |e| {
            e.source()
        })
        .collect();
    let io = chain
        .iter()
        .find_map(|e| e.downcast_ref::<std::io::Error>());
    if chain.iter().any(|e| e.to_string().contains("dns error")) {
        return Some(format!(
            "the host name does not resolve{}",
            io.map(|e| format!(": {e}")).unwrap_or_default()
        ));
    }
    match io.map(|e| e.kind()) {
        Some(ErrorKind::ConnectionRefused) => return Some("connection refused".into()),
        Some(ErrorKind::TimedOut) => return Some("timed out".into()),
        Some(ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted) => {
            return Some("connection reset".into())
        }
        Some(ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable) => {
            return Some("host or network unreachable".into())
        }
        _ => {}
    }
    if d.is_timeout() {
        return Some("timed out".into());
    }
    if d.is_io() {
        // The innermost cause, short (the outer ones are the SDK's and hyper's wrappers).
        return chain.last().map(|e| e.to_string());
    }
    None
}

fn classify<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: aws_sdk_cloudwatchlogs::error::SdkError<E>,
    action: &str,
    resource: &str,
) -> AwsError {
    let text = DisplayErrorContext(&e).to_string();
    let code = e.as_service_error().and_then(|s| s.code()).unwrap_or("");
    if let Some(cause) = credentials_error(&e) {
        AwsError::Credentials {
            detail: causes(cause),
        }
    } else if let Some(cause) = unreachable_cause(&e) {
        AwsError::Unreachable {
            endpoint: String::new(),
            cause,
            failed: format!("{action} on {resource}"),
            fetched: "nothing".into(),
        }
    } else if code == "MalformedQueryException" {
        AwsError::QueryRefused {
            reason: format!(
                "Logs Insights refused the query ({action} on {resource}): {}",
                e.as_service_error()
                    .and_then(|s| s.message())
                    .unwrap_or("malformed query")
            ),
            fix: "correct the query (the line and position Logs Insights gives are in the text faascope sent: comment lines left out, a `parse @log` line added where the query reads `function`), or run it with --local, which runs it over the pulled events".into(),
        }
    } else if code == "ResourceNotFoundException" {
        AwsError::NoGroups {
            uri: format!("{CLOUDWATCH}{resource}"),
            region: String::new(),
            account: None,
        }
    } else if code.contains("AccessDenied") || code == "UnauthorizedOperation" {
        AwsError::AccessDenied {
            action: action.into(),
            resource: resource.into(),
        }
    } else if text.contains("no credentials") || text.contains("credentials provider") {
        AwsError::Credentials { detail: causes(&e) }
    } else if matches!(
        code,
        "ExpiredTokenException"
            | "ExpiredToken"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature"
    ) || code.contains("InvalidSignature")
    {
        AwsError::Rejected {
            detail: service_detail(&e, code),
        }
    } else if let aws_sdk_cloudwatchlogs::error::SdkError::TimeoutError(_) = &e {
        // The endpoint took connections but did not answer in time, every attempt.
        AwsError::Unreachable {
            endpoint: String::new(),
            // The attempts made are not counted: those the time allows (4 when none answers).
            cause: format!(
                "{NO_ANSWER}: up to {ATTEMPT_TIMEOUT_S} s per attempt, {OPERATION_TIMEOUT_S} s in all"
            ),
            failed: format!("{action} on {resource}"),
            fetched: "nothing".into(),
        }
    } else {
        let retried = is_retried(code, &e);
        AwsError::Partial {
            // The service's code and message, not the SDK's debug dump of the response.
            failed: format!(
                "{action} on {resource}: {}{}",
                service_detail(&e, code),
                if retried {
                    format!(" (after {MAX_ATTEMPTS} attempts)")
                } else {
                    String::new()
                }
            ),
            fetched: "nothing".into(),
        }
    }
}

/// Attempts of every call (the first and its retries), and the time limits of each and of all.
const MAX_ATTEMPTS: u32 = 5;
/// The cause of an [`AwsError::Unreachable`] whose endpoint took connections and never answered.
const NO_ANSWER: &str = "no answer within the time limits";
const ATTEMPT_TIMEOUT_S: u64 = 30;
const OPERATION_TIMEOUT_S: u64 = 120;

/// `CODE: message` of a service error, else the causes' messages.
fn service_detail<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &aws_sdk_cloudwatchlogs::error::SdkError<E>,
    code: &str,
) -> String {
    match e.as_service_error().and_then(|s| s.message()) {
        Some(m) if !code.is_empty() => format!("{code}: {m}"),
        _ if !code.is_empty() => code.to_string(),
        _ => causes(e),
    }
}

/// Whether the SDK retried the call before giving up: throttling and server errors.
fn is_retried<E: std::error::Error + 'static>(
    code: &str,
    e: &aws_sdk_cloudwatchlogs::error::SdkError<E>,
) -> bool {
    let status = match e {
        aws_sdk_cloudwatchlogs::error::SdkError::ServiceError(s) => s.raw().status().as_u16(),
        _ => 0,
    };
    code.contains("Throttl")
        || code.contains("TooManyRequests")
        || code == "RequestLimitExceeded"
        || code == "ServiceUnavailableException"
        || code == "ServiceUnavailable"
        || code == "InternalFailure"
        || (500..600).contains(&status)
}

/// The shared config and credentials files, as the SDK finds them (for messages).
fn profile_file_paths() -> String {
    let home = || {
        std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::PathBuf::from("~"))
    };
    let file = |var: &str, default: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| home().join(".aws").join(default))
            .display()
            .to_string()
    };
    format!(
        "{} or {}",
        file("AWS_CONFIG_FILE", "config"),
        file("AWS_SHARED_CREDENTIALS_FILE", "credentials")
    )
}

/// Fails unless the shared config or credentials file defines `profile`.
async fn check_profile(profile: &str) -> Result<(), AwsError> {
    use aws_types::os_shim_internal::{Env, Fs};
    // The SDK's own loader of the two files (its type is only reachable through this
    // deprecated alias from aws-config, which re-exports the aws-runtime type).
    #[allow(deprecated)]
    let files = aws_config::profile::profile_file::ProfileFiles::default();
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
        .await
        .map_err(|e| AwsError::ProfileFiles {
            profile: profile.into(),
            detail: causes(&e),
        })?;
    if set.get_profile(profile).is_none() {
        return Err(AwsError::NoProfile {
            profile: profile.into(),
            files: profile_file_paths(),
        });
    }
    Ok(())
}

async fn config(opts: &AwsOptions) -> Result<aws_config::SdkConfig, AwsError> {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let retry = RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS);
    let timeouts = TimeoutConfig::builder()
        .operation_attempt_timeout(Duration::from_secs(ATTEMPT_TIMEOUT_S))
        .operation_timeout(Duration::from_secs(OPERATION_TIMEOUT_S))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry.clone())
        .timeout_config(timeouts.clone())
        .http_client(http.clone());
    if let Some(p) = &opts.profile {
        check_profile(p).await?;
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    let conf = loader.load().await;
    let Some(region) = conf.region() else {
        return Err(AwsError::NoRegion);
    };
    // What the environment or the profile set is checked as the options are (the SDK's own
    // errors for these are dumps of the request it could not build).
    check_region(region.as_ref()).map_err(|e| {
        AwsError::Setting(format!(
            "the AWS region {e} (from --aws-region, AWS_REGION, AWS_DEFAULT_REGION or the profile's `region`)"
        ))
    })?;
    for service in ["CloudWatch Logs", "XRay", "CloudWatch"] {
        if let Some(url) = endpoint_override(&conf, service) {
            check_endpoint_url(&url).map_err(|e| AwsError::Setting(format!(
                "the endpoint {e} (from --endpoint-url, AWS_ENDPOINT_URL, a service's AWS_ENDPOINT_URL_* or the profile's `endpoint_url`)"
            )))?;
        }
    }
    let Some(profile) = &opts.profile else {
        return Ok(conf);
    };
    // An explicit profile wins over AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, as in the AWS
    // CLI: the default chain would read the environment first and the profile never. The
    // profile's own credentials (keys, a role, a credential_process) come first; a profile
    // that has none, or signs in through SSO (which this build does not: see
    // `ProfileFirst`), falls to the environment's (credentials exported from that profile,
    // as the README says), then web identity, the container's and the instance's role. The
    // providers get the same retries and time limits as the calls.
    let pc = aws_config::provider_config::ProviderConfig::without_region()
        .with_region(conf.region().cloned())
        .with_http_client(http)
        .with_retry_config(retry)
        .with_timeout_config(timeouts);
    let chain = aws_config::meta::credentials::CredentialsProviderChain::first_try(
        "Profile",
        ProfileFirst {
            inner: aws_config::profile::ProfileFileCredentialsProvider::builder()
                .configure(&pc)
                .profile_name(profile)
                .build(),
            profile: profile.clone(),
        },
    )
    .or_else(
        "Environment",
        aws_config::environment::credentials::EnvironmentVariableCredentialsProvider::new(),
    )
    .or_else(
        "WebIdentityToken",
        aws_config::web_identity_token::WebIdentityTokenCredentialsProvider::builder()
            .configure(&pc)
            .build(),
    )
    .or_else(
        "EcsContainer",
        aws_config::ecs::EcsCredentialsProvider::builder()
            .configure(&pc)
            .build(),
    )
    .or_else(
        "Ec2InstanceMetadata",
        aws_config::imds::credentials::ImdsCredentialsProvider::builder()
            .configure(&pc)
            .build(),
    );
    Ok(conf
        .into_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(chain))
        .build())
}

/// The credentials of an explicit `--aws-profile`. A profile that signs in through AWS SSO
/// (IAM Identity Center) needs the SDK's `sso` feature, which this build leaves out (two more
/// SDK crates to compile); such a profile gives no credentials here, so the chain goes on to
/// credentials exported from it (`aws configure export-credentials`).
#[derive(Debug)]
struct ProfileFirst {
    inner: aws_config::profile::ProfileFileCredentialsProvider,
    profile: String,
}

impl aws_credential_types::provider::ProvideCredentials for ProfileFirst {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::new(async move {
            match self.inner.provide_credentials().await {
                Err(e) if causes(&e).contains("cargo feature") => Err(
                    aws_credential_types::provider::error::CredentialsError::not_loaded(
                        sso_profile_detail(&self.profile),
                    ),
                ),
                other => other,
            }
        })
    }
}

/// Why a profile signing in through SSO gave no credentials, and what to do.
fn sso_profile_detail(profile: &str) -> String {
    format!(
        "the profile `{profile}` signs in through AWS SSO (IAM Identity Center), which faascope does not do itself: run `aws sso login --profile {profile}`, then `eval \"$(aws configure export-credentials --profile {profile} --format env)\"` and run faascope again"
    )
}

async fn list_groups(c: &Client, pattern: &str) -> Result<Vec<String>, AwsError> {
    if !pattern.contains('*') {
        return Ok(vec![pattern.to_string()]);
    }
    Ok(describe_groups(c, pattern)
        .await?
        .into_iter()
        .map(|g| g.name)
        .collect())
}

/// A log group as DescribeLogGroups gives it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupInfo {
    name: String,
    stored_bytes: u64,
    /// The ARN without the trailing `:*` (what StartLiveTail takes).
    arn: Option<String>,
}

/// The groups matching `pattern` with the bytes each stores (DescribeLogGroups by the prefix
/// before the first `*`, or by the whole name).
async fn describe_groups(c: &Client, pattern: &str) -> Result<Vec<GroupInfo>, AwsError> {
    let prefix = pattern.split('*').next().unwrap_or("");
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = c.describe_log_groups().set_next_token(token.clone());
        if !prefix.is_empty() {
            req = req.log_group_name_prefix(prefix);
        }
        let page = req
            .send()
            .await
            .map_err(|e| classify(e, "logs:DescribeLogGroups", prefix))?;
        for g in page.log_groups() {
            if let Some(name) = g.log_group_name() {
                if glob_match(pattern, name) {
                    out.push(GroupInfo {
                        name: name.to_string(),
                        stored_bytes: g.stored_bytes().unwrap_or(0).max(0) as u64,
                        arn: g
                            .log_group_arn()
                            .map(String::from)
                            .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string())),
                    });
                }
            }
        }
        token = page.next_token().map(String::from);
        if token.is_none() {
            break;
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// What a Logs Insights push-down gave: the report of the groups it aggregated, and the groups
/// without text REPORT lines (JSON log format), which the caller pulls instead.
#[derive(Debug)]
pub struct PushedDown {
    pub report: crate::analytics::report::Report,
    pub pull_instead: Vec<String>,
    /// Custom log groups matched (advanced logging controls): pulled, not queried, since
    /// several functions may share one and only their streams' names tell them apart.
    pub pull_custom: Vec<String>,
    pub groups: usize,
    pub stored_bytes: u64,
    /// The groups matched whose function the filter drops, left out of the queries.
    pub left_out: Vec<String>,
}

/// `report` over `cloudwatch://` patterns by Logs Insights: `None` when `mode` is `Auto` and the
/// matched groups store no more than [`insights::PUSH_DOWN_MIN_BYTES`] (pull the events). A
/// Lambda group (`/aws/lambda/NAME`) whose function `keep_function` drops is not queried
/// (seventh-round review: Logs Insights bills per GB scanned, and `--function` had every group
/// matched scanned), but counts toward the size that decides (the pull would read it: seventh-
/// round verification); with no group left, nothing is queried and the report is empty, the
/// groups named in `left_out`. A custom group is pulled, not queried (`pull_custom`): several
/// functions may share it, told apart only by their streams' names (readme4 review: Logs
/// Insights' rows by `@log` merged them into one function); with no Lambda group to query,
/// `groups` is 0 and `pull_custom` names them.
pub fn push_down_report(
    patterns: &[String],
    opts: &AwsOptions,
    start_ms: i64,
    end_ms: i64,
    mode: insights::PushDown,
    keep_function: &dyn Fn(&str) -> bool,
) -> Result<Option<PushedDown>, AwsError> {
    if mode == insights::PushDown::Never {
        return Ok(None);
    }
    runtime()?.block_on(async {
        let conf = config(opts).await?;
        let site = Site::of(&conf).await;
        let c = Client::new(&conf);
        let pushed = async {
            let mut groups: Vec<GroupInfo> = Vec::new();
            for p in patterns {
                let found = describe_groups(&c, p).await?;
                if found.is_empty() {
                    return Err(AwsError::no_groups_in(&c, p).await);
                }
                groups.extend(found);
            }
            groups.sort();
            groups.dedup();
            let stored_bytes: u64 = groups.iter().map(|g| g.stored_bytes).sum();
            if mode == insights::PushDown::Auto && stored_bytes <= insights::PUSH_DOWN_MIN_BYTES {
                return Ok(None);
            }
            let (custom, lambda): (Vec<GroupInfo>, Vec<GroupInfo>) = groups
                .into_iter()
                .partition(|g| crate::ingest::collect::is_custom_group(&g.name));
            let pull_custom: Vec<String> = custom.into_iter().map(|g| g.name).collect();
            let (kept, left): (Vec<GroupInfo>, Vec<GroupInfo>) = lambda
                .into_iter()
                .partition(|g| pushed_down_group(&g.name, keep_function));
            let left_out: Vec<String> = left.into_iter().map(|g| g.name).collect();
            if kept.is_empty() && !pull_custom.is_empty() {
                // Nothing to query: the custom groups are pulled (the caller says so).
                return Ok(Some(PushedDown {
                    report: crate::analytics::report::Report::default(),
                    pull_instead: Vec::new(),
                    pull_custom,
                    groups: 0,
                    stored_bytes: 0,
                    left_out,
                }));
            }
            // What the note says was scanned: the groups queried (seventh-round verification:
            // it gave every matched group's storage beside the count of those queried).
            let stored_bytes: u64 = kept.iter().map(|g| g.stored_bytes).sum();
            let names: Vec<String> = kept.into_iter().map(|g| g.name).collect();
            if names.is_empty() {
                return Ok(Some(PushedDown {
                    report: crate::analytics::report::Report::default(),
                    pull_instead: Vec::new(),
                    pull_custom,
                    groups: 0,
                    stored_bytes,
                    left_out,
                }));
            }
            let (report, pull_instead) =
                insights::push_down(&c, &names, start_ms, end_ms, Duration::from_secs(1)).await?;
            Ok(aggregated(PushedDown {
                report,
                pull_instead,
                pull_custom,
                groups: names.len(),
                stored_bytes,
                left_out,
            }))
        };
        pushed.await.map_err(|e| site.locate(e))
    })
}

/// Whether the push-down queries (and counts) a Lambda group: one of a function the filter keeps.
fn pushed_down_group(group: &str, keep_function: &dyn Fn(&str) -> bool) -> bool {
    group.strip_prefix("/aws/lambda/").is_none_or(keep_function)
}

/// The push-down's result when Logs Insights aggregated at least one group; `None` when it
/// aggregated none (every group without text REPORT lines, as groups in the JSON log format):
/// then every group is pulled, and the report is exactly that of the pulled events (peak
/// concurrency included), not a push-down report made only of pulled groups.
fn aggregated(pushed: PushedDown) -> Option<PushedDown> {
    (pushed.pull_instead.len() < pushed.groups).then_some(pushed)
}

fn runtime() -> Result<tokio::runtime::Runtime, AwsError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| AwsError::Runtime(e.to_string()))
}

/// Every event of one group in the window, as export lines.
async fn pull_group(
    c: Client,
    group: String,
    start_ms: i64,
    end_ms: i64,
) -> Result<(String, Vec<u8>, u64), (String, u64, AwsError)> {
    let mut out = Vec::new();
    let mut events = 0u64;
    let mut token: Option<String> = None;
    loop {
        let page = c
            .filter_log_events()
            .log_group_name(&group)
            .start_time(start_ms)
            .end_time(end_ms)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| {
                (
                    group.clone(),
                    events,
                    classify(e, "logs:FilterLogEvents", &group),
                )
            })?;
        for ev in page.events() {
            if let (Some(ts), Some(msg)) = (ev.timestamp(), ev.message()) {
                export_line(
                    &mut out,
                    ts,
                    msg,
                    &group,
                    ev.log_stream_name().unwrap_or(""),
                );
                events += 1;
            }
        }
        let next = page.next_token().map(String::from);
        // An unchanged token (as GetLogEvents does at the end) also ends the pull.
        if next.is_none() || next == token {
            break;
        }
        token = next;
    }
    Ok((group, out, events))
}

/// What a pull brought: the inputs, and what it left out.
#[derive(Debug, Default)]
pub struct Fetched {
    pub inputs: Vec<MemoryInput>,
    /// Log groups listed for a pattern and deleted before their events were pulled: left out
    /// (their name, for the note [`crate::ingest::Skips::deleted_groups`] makes).
    pub deleted_groups: Vec<String>,
}

/// Pulls the events of `uris` in `[start_ms, end_ms)` as in-memory inputs, one per log group;
/// log groups from `logs_margin_ms` earlier ([`STATUS_MARGIN_MS`]), traces and metrics over the
/// window itself.
pub fn fetch(
    uris: &[SourceUri],
    opts: &AwsOptions,
    start_ms: i64,
    end_ms: i64,
    logs_margin_ms: i64,
) -> Result<Fetched, AwsError> {
    runtime()?.block_on(async {
        let conf = config(opts).await?;
        let mut site = Site::of(&conf).await;
        let pulled = pull_all(
            uris,
            opts,
            &conf,
            &mut site,
            start_ms,
            end_ms,
            logs_margin_ms,
        );
        pulled.await.map_err(|e| site.locate(e))
    })
}

async fn pull_all(
    uris: &[SourceUri],
    opts: &AwsOptions,
    conf: &aws_config::SdkConfig,
    site: &mut Site,
    start_ms: i64,
    end_ms: i64,
    logs_margin_ms: i64,
) -> Result<Fetched, AwsError> {
    let mut inputs = Vec::new();
    let mut deleted_groups = Vec::new();
    if uris.contains(&SourceUri::XRay) {
        inputs.extend(pull_traces(&aws_sdk_xray::Client::new(conf), start_ms, end_ms).await?);
    }
    let metric_patterns: Vec<Option<&String>> = uris
        .iter()
        .filter_map(|u| match u {
            SourceUri::Metrics { pattern } => Some(pattern.as_ref()),
            _ => None,
        })
        .collect();
    if !metric_patterns.is_empty() {
        let c = aws_sdk_cloudwatch::Client::new(conf);
        let now = chrono::Utc::now().timestamp_millis();
        inputs.extend(pull_metrics(&c, &metric_patterns, start_ms, end_ms, now).await?);
    }
    let patterns: Vec<&String> = uris
        .iter()
        .filter_map(|u| match u {
            SourceUri::CloudWatch { pattern } => Some(pattern),
            _ => None,
        })
        .collect();
    if !patterns.is_empty() {
        let c = Client::new(conf);
        let cache = match opts.cache.then(cache::dir).flatten() {
            Some(dir) => {
                let identity = cache_identity(conf, &c, &site.logs, &dir).await?;
                site.account = identity.account.clone();
                Some(CacheKey {
                    dir,
                    endpoint: site.logs.clone(),
                    region: site.region.clone(),
                    identity: identity.key,
                })
            }
            None => None,
        };
        let from = start_ms - logs_margin_ms;
        let logs = pull_logs(&c, &patterns, from, end_ms, cache).await?;
        inputs.extend(logs.inputs);
        deleted_groups = logs.deleted_groups;
    }
    Ok(Fetched {
        inputs,
        deleted_groups,
    })
}

/// Who the calls act as, as far as the cache is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Identity {
    /// `account:ID`, or `key:HASH` when the account could not be learnt.
    key: String,
    account: Option<String>,
}

/// The account of a log group ARN (`arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME[:*]`).
fn account_of_arn(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// The identity the credentials of `conf` resolve to, for the cache key: two accounts (or two
/// endpoints) never share entries, whichever of `--aws-profile`, `AWS_PROFILE`, environment
/// keys or a role gave the credentials.
///
/// The account id is preferred, since temporary credentials (roles, SSO) get a new access key
/// every hour and would start a new cache each time: from the credentials when they carry it,
/// else from what this endpoint said before for the same access key (an access key belongs to
/// one account for good, so the answer is kept beside the cache, and a run whose endpoint is
/// down is still served from it), else from the ARN of a log group (DescribeLogGroups, which
/// the pull needs anyway; STS GetCallerIdentity would need the aws-sdk-sts crate as a direct
/// dependency). When none answers (no group, no permission, endpoint down), the key is a hash
/// of the access key id: still one key per identity, and a hash so the access key id is never
/// written in clear into file names or files of the cache directory.
async fn cache_identity(
    conf: &aws_config::SdkConfig,
    c: &Client,
    endpoint: &str,
    dir: &std::path::Path,
) -> Result<Identity, AwsError> {
    use aws_credential_types::provider::ProvideCredentials;
    let Some(provider) = conf.credentials_provider() else {
        return Err(AwsError::Credentials {
            detail: "no credentials provider is configured".into(),
        });
    };
    let creds = provider
        .provide_credentials()
        .await
        .map_err(|e| AwsError::Credentials { detail: causes(&e) })?;
    let known = |account: String| Identity {
        key: format!("account:{account}"),
        account: Some(account),
    };
    if let Some(a) = creds.account_id() {
        return Ok(known(a.as_str().to_string()));
    }
    let path = cache::identity_path(dir, endpoint, creds.access_key_id());
    if let Some(a) = cache::read_account(&path) {
        return Ok(known(a));
    }
    let described = match c.describe_log_groups().limit(1).send().await {
        Ok(d) => Some(d),
        Err(e) => match classify(e, "logs:DescribeLogGroups", "* (the account, asked first)") {
            // Said now: the pull would wait through the same retries again.
            e @ AwsError::Unreachable { .. } => return Err(e),
            _ => None,
        },
    };
    let account = described.as_ref().and_then(|d| {
        d.log_groups().iter().find_map(|g| {
            let arn = g.log_group_arn().or(g.arn())?;
            account_of_arn(arn).map(String::from)
        })
    });
    if let Some(a) = account {
        // Not kept: the next run asks again.
        if let Err(err) = cache::write_account(&path, &a) {
            cache::note_write_failure(&path, &err);
        }
        return Ok(known(a));
    }
    Ok(Identity {
        key: format!("key:{:016x}", cache::stable_hash(&[creds.access_key_id()])),
        account: None,
    })
}

/// Every trace whose summary falls in the window, as BatchGetTraces output pages.
async fn pull_traces(
    c: &aws_sdk_xray::Client,
    start_ms: i64,
    end_ms: i64,
) -> Result<Vec<MemoryInput>, AwsError> {
    use aws_sdk_xray::primitives::DateTime;
    let mut ids: Vec<String> = Vec::new();
    let mut from = start_ms;
    while from < end_ms {
        let to = (from + XRAY_SLICE_MS).min(end_ms);
        let mut token: Option<String> = None;
        loop {
            let page = c
                .get_trace_summaries()
                .start_time(DateTime::from_millis(from))
                .end_time(DateTime::from_millis(to))
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| partial(classify(e, "xray:GetTraceSummaries", "traces"), &ids))?;
            ids.extend(
                page.trace_summaries()
                    .iter()
                    .filter_map(|t| t.id().map(String::from)),
            );
            let next = page.next_token().map(String::from);
            if next.is_none() || next == token {
                break;
            }
            token = next;
        }
        from = to;
    }
    ids.sort();
    ids.dedup();
    let mut inputs = Vec::new();
    let mut fetched = 0usize;
    for (n, batch) in ids.chunks(5).enumerate() {
        let mut traces = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = c
                .batch_get_traces()
                .set_trace_ids(Some(batch.to_vec()))
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| {
                    partial(
                        classify(e, "xray:BatchGetTraces", &batch.join(", ")),
                        &ids[..fetched],
                    )
                })?;
            for t in page.traces() {
                let segments: Vec<serde_json::Value> = t
                    .segments()
                    .iter()
                    .map(|s| serde_json::json!({"Id": s.id(), "Document": s.document()}))
                    .collect();
                traces.push(serde_json::json!({
                    "Id": t.id(),
                    "Duration": t.duration(),
                    "LimitExceeded": t.limit_exceeded(),
                    "Segments": segments,
                }));
            }
            if let Some(id) = page.unprocessed_trace_ids().first() {
                return Err(AwsError::Partial {
                    failed: format!(
                        "X-Ray could not return {} trace(s) yet (e.g. {id}; traces are indexed with a delay)",
                        page.unprocessed_trace_ids().len()
                    ),
                    fetched: format!("{fetched} trace(s)"),
                });
            }
            let next = page.next_token().map(String::from);
            if next.is_none() || next == token {
                break;
            }
            token = next;
        }
        fetched += batch.len();
        let doc = serde_json::json!({"Traces": traces, "UnprocessedTraceIds": []});
        inputs.push(MemoryInput {
            name: format!("{XRAY}batch-{}", n + 1),
            bytes: serde_json::to_vec_pretty(&doc).unwrap_or_default(),
        });
    }
    Ok(inputs)
}

/// The period of a metrics pull: by the window's length and by what CloudWatch still keeps at
/// the window's start (1-minute data for 15 days, 5-minute data for 63 days, hourly beyond).
pub fn metrics_period_s(start_ms: i64, end_ms: i64, now_ms: i64) -> i32 {
    const DAY: i64 = 24 * 3_600_000;
    let by_window = match end_ms - start_ms {
        w if w <= DAY => 60,
        w if w <= 15 * DAY => 300,
        _ => 3600,
    };
    let by_age = match now_ms - start_ms {
        a if a > 63 * DAY => 3600,
        a if a > 15 * DAY => 300,
        _ => 60,
    };
    by_window.max(by_age)
}

/// The window widened to whole periods, as CloudWatch aligns its datapoints.
fn align_window(start_ms: i64, end_ms: i64, period_s: i32) -> (i64, i64) {
    let p = i64::from(period_s) * 1000;
    let start = start_ms.div_euclid(p) * p;
    let end = (end_ms + p - 1).div_euclid(p) * p;
    (start, end.max(start + p))
}

/// The functions with AWS/Lambda metrics (one `FunctionName` dimension), each with the metric
/// names it has.
async fn list_metric_functions(
    c: &aws_sdk_cloudwatch::Client,
) -> Result<std::collections::BTreeMap<String, std::collections::BTreeSet<String>>, AwsError> {
    use aws_sdk_cloudwatch::types::DimensionFilter;
    let mut out: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    let mut token: Option<String> = None;
    loop {
        let page = c
            .list_metrics()
            .namespace("AWS/Lambda")
            .dimensions(DimensionFilter::builder().name("FunctionName").build())
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| classify(e, "cloudwatch:ListMetrics", "AWS/Lambda"))?;
        for m in page.metrics() {
            let dims = m.dimensions();
            if let ([d], Some(name)) = (dims, m.metric_name()) {
                if let (Some("FunctionName"), Some(f)) = (d.name(), d.value()) {
                    out.entry(f.to_string())
                        .or_default()
                        .insert(name.to_string());
                }
            }
        }
        let next = page.next_token().map(String::from);
        if next.is_none() || next == token {
            break;
        }
        token = next;
    }
    Ok(out)
}

/// The AWS/Lambda metrics of the matching functions, as get-metric-data output pages.
async fn pull_metrics(
    c: &aws_sdk_cloudwatch::Client,
    patterns: &[Option<&String>],
    start_ms: i64,
    end_ms: i64,
    now_ms: i64,
) -> Result<Vec<MemoryInput>, AwsError> {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
    let all = list_metric_functions(c).await?;
    let mut queries: Vec<(String, String)> = Vec::new(); // (label, function)
    let mut specs = Vec::new();
    for (function, names) in &all {
        if !patterns
            .iter()
            .any(|p| p.is_none_or(|p| glob_match(p, function)))
        {
            continue;
        }
        for (metric, stats) in METRIC_STATS {
            if !names.contains(*metric) {
                continue;
            }
            for stat in *stats {
                queries.push((format!("{function}:{metric}:{stat}"), function.clone()));
                specs.push((function.clone(), *metric, *stat));
            }
        }
    }
    if queries.is_empty() {
        let wanted: Vec<String> = patterns
            .iter()
            .map(|p| format!("{METRICS}{}", p.map_or("", |p| p.as_str())))
            .collect();
        return Err(AwsError::NoMetrics(wanted.join(", ")));
    }
    let period_s = metrics_period_s(start_ms, end_ms, now_ms);
    let (start, end) = align_window(start_ms, end_ms, period_s);
    let mut inputs = Vec::new();
    let mut fetched: Vec<String> = Vec::new();
    for (n, chunk) in specs.chunks(QUERIES_PER_CALL).enumerate() {
        let base = n * QUERIES_PER_CALL;
        let built: Vec<MetricDataQuery> = chunk
            .iter()
            .enumerate()
            .map(|(i, (function, metric, stat))| {
                MetricDataQuery::builder()
                    .id(format!("m{}", base + i))
                    .label(&queries[base + i].0)
                    .metric_stat(
                        MetricStat::builder()
                            .metric(
                                Metric::builder()
                                    .namespace("AWS/Lambda")
                                    .metric_name(*metric)
                                    .dimensions(
                                        Dimension::builder()
                                            .name("FunctionName")
                                            .value(function)
                                            .build(),
                                    )
                                    .build(),
                            )
                            .period(period_s)
                            .stat(*stat)
                            .build(),
                    )
                    .return_data(true)
                    .build()
            })
            .collect();
        // Results of one query may span pages: gathered by id, in request order.
        let mut series: Vec<(Vec<String>, Vec<f64>)> = vec![Default::default(); chunk.len()];
        let mut token: Option<String> = None;
        loop {
            let page = c
                .get_metric_data()
                .set_metric_data_queries(Some(built.clone()))
                .start_time(DateTime::from_millis(start))
                .end_time(DateTime::from_millis(end))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| {
                    classify(e, "cloudwatch:GetMetricData", "AWS/Lambda").fetched(
                        if fetched.is_empty() {
                            "no metrics".into()
                        } else {
                            format!("{} metric series", fetched.len())
                        },
                    )
                })?;
            for r in page.metric_data_results() {
                let Some(i) = r
                    .id()
                    .and_then(|id| id.strip_prefix('m'))
                    .and_then(|k| k.parse::<usize>().ok())
                    .and_then(|k| k.checked_sub(base))
                    .filter(|k| *k < chunk.len())
                else {
                    continue;
                };
                let s = &mut series[i];
                for (t, v) in r.timestamps().iter().zip(r.values()) {
                    let ms = t.to_millis().unwrap_or_default();
                    let iso = chrono::DateTime::from_timestamp_millis(ms)
                        .map(|d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
                        .unwrap_or_default();
                    s.0.push(iso);
                    s.1.push(*v);
                }
            }
            let next = page.next_token().map(String::from);
            if next.is_none() || next == token {
                break;
            }
            token = next;
        }
        let results: Vec<serde_json::Value> = series
            .into_iter()
            .enumerate()
            .map(|(i, (ts, vs))| {
                serde_json::json!({
                    "Id": format!("m{}", base + i),
                    "Label": queries[base + i].0,
                    "Timestamps": ts,
                    "Values": vs,
                    "StatusCode": "Complete",
                })
            })
            .collect();
        fetched.extend(
            queries[base..base + chunk.len()]
                .iter()
                .map(|q| q.0.clone()),
        );
        let doc = serde_json::json!({"MetricDataResults": results, "Messages": []});
        inputs.push(MemoryInput {
            name: format!("{METRICS}page-{}", n + 1),
            bytes: serde_json::to_vec_pretty(&doc).unwrap_or_default(),
        });
    }
    Ok(inputs)
}

/// Turns a failure into a partial-pull error that says which traces were fetched.
fn partial(e: AwsError, fetched: &[String]) -> AwsError {
    e.fetched(format!("{} trace(s)", fetched.len()))
}

/// Where a pull's cache entries live and what identifies them.
#[derive(Debug, Clone)]
struct CacheKey {
    dir: std::path::PathBuf,
    /// The logs endpoint as resolved (flag, environment, profile or the region's default).
    endpoint: String,
    region: String,
    /// [`Identity::key`].
    identity: String,
}

/// [`pull_group`] through the cache: the part of the window the group's entry covers is read
/// from it, the rest pulled, and the entry grown or replaced with the settled part.
async fn pull_group_cached(
    c: Client,
    group: String,
    start_ms: i64,
    end_ms: i64,
    key: Option<CacheKey>,
) -> Result<(String, Vec<u8>, u64), (String, u64, AwsError)> {
    let Some(key) = key else {
        return pull_group(c, group, start_ms, end_ms).await;
    };
    let path = cache::path_for(&key.dir, &key.endpoint, &key.region, &key.identity, &group);
    let entry = cache::read(&path);
    let from = cache::plan(entry.as_ref(), start_ms, end_ms);
    let (mut bytes, mut n) = match (&entry, from) {
        (Some(e), Some(f)) => cache::slice(&e.lines, start_ms, f),
        _ => (Vec::new(), 0),
    };
    let pull_from = from.unwrap_or(start_ms);
    let (pulled, pulled_n) = if pull_from < end_ms {
        let (_, b, k) = pull_group(c, group.clone(), pull_from, end_ms)
            .await
            .map_err(|(g, k, e)| (g, k + n, e))?;
        (b, k)
    } else {
        (Vec::new(), 0)
    };
    let settled = chrono::Utc::now().timestamp_millis() - cache::SETTLE_MS;
    let new_end = end_ms.min(settled);
    let updated = match (entry, from) {
        (Some(mut e), Some(_)) if new_end > e.end_ms => {
            e.lines.extend(cache::slice(&pulled, e.end_ms, new_end).0);
            e.end_ms = new_end;
            Some(e)
        }
        (_, None) if new_end > start_ms => Some(cache::Entry {
            start_ms,
            end_ms: new_end,
            lines: cache::slice(&pulled, start_ms, new_end).0,
        }),
        _ => None,
    };
    if let Some(e) = updated {
        // A cache that cannot be written only costs the next run a pull (and a warning).
        if let Err(err) = cache::write(&path, &e) {
            cache::note_write_failure(&path, &err);
        }
    }
    bytes.extend(pulled);
    n += pulled_n;
    Ok((group, bytes, n))
}

async fn pull_logs(
    c: &Client,
    patterns: &[&String],
    start_ms: i64,
    end_ms: i64,
    cache: Option<CacheKey>,
) -> Result<Fetched, AwsError> {
    {
        let mut groups: Vec<String> = Vec::new();
        for pattern in patterns {
            let found = list_groups(c, pattern).await?;
            if found.is_empty() {
                return Err(AwsError::no_groups(c, pattern));
            }
            groups.extend(found);
        }
        groups.sort();
        groups.dedup();
        let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_GROUPS));
        let mut set = tokio::task::JoinSet::new();
        for g in groups {
            let c = c.clone();
            let permits = permits.clone();
            let cache = cache.clone();
            set.spawn(async move {
                let _permit = permits.acquire_owned().await;
                pull_group_cached(c, g, start_ms, end_ms, cache).await
            });
        }
        let mut done: Vec<(String, Vec<u8>, u64)> = Vec::new();
        let mut failed: Vec<(String, u64, AwsError)> = Vec::new();
        while let Some(r) = set.join_next().await {
            match r {
                Ok(Ok(x)) => done.push(x),
                Ok(Err(f)) => failed.push(f),
                Err(e) => return Err(AwsError::Runtime(e.to_string())),
            }
        }
        settle_groups(done, failed)
    }
}

/// What the pulls of a pattern's groups came to: one input per group with events in the
/// window, and the groups deleted while they were pulled (said, their events left out); or
/// the error of the failed pulls, with what was fetched completely.
fn settle_groups(
    mut done: Vec<(String, Vec<u8>, u64)>,
    mut failed: Vec<(String, u64, AwsError)>,
) -> Result<Fetched, AwsError> {
    done.sort_by(|a, b| a.0.cmp(&b.0));
    failed.sort_by(|a, b| a.0.cmp(&b.0));
    // A group listed, then gone when its events were asked for (ResourceNotFoundException):
    // deleted during the pull. The others are still read (sixth-round review: one group of a
    // glob deleted mid-pull failed the whole pull, as `logs --follow` had before); with none
    // left, the pattern matches nothing, as the error says.
    let gone = |f: &(String, u64, AwsError)| matches!(f.2, AwsError::NoGroups { .. });
    let mut deleted_groups = Vec::new();
    if failed.iter().all(gone) {
        if done.is_empty() && !failed.is_empty() {
            return Err(failed.swap_remove(0).2);
        }
        deleted_groups = failed.drain(..).map(|(g, _, _)| g).collect();
    }
    if !failed.is_empty() {
        // Credentials and permissions are the same for every group: say so once.
        if let Some(pos) = failed.iter().position(|f| {
            matches!(
                f.2,
                AwsError::Credentials { .. } | AwsError::AccessDenied { .. }
            )
        }) {
            return Err(failed.swap_remove(pos).2);
        }
        let fetched = if done.is_empty() {
            "none".into()
        } else {
            done.iter()
                .map(|(g, _, n)| format!("{g} ({n} events)"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // An endpoint that cannot be reached is said once, with every group it failed.
        let unreachable = failed.iter().find_map(|f| match &f.2 {
            AwsError::Unreachable {
                endpoint, cause, ..
            } => Some((endpoint.clone(), cause.clone())),
            _ => None,
        });
        let failed = failed
            .iter()
            .map(|(g, n, e)| match e {
                AwsError::Partial { failed, .. } => format!("{g} after {n} events ({failed})"),
                AwsError::Unreachable { failed, .. } => format!("{failed} after {n} events"),
                AwsError::NoGroups { .. } => format!("{g} (deleted during the pull)"),
                other => format!("{g} after {n} events ({other})"),
            })
            .collect::<Vec<_>>()
            .join("; ");
        return Err(match unreachable {
            Some((endpoint, cause)) => AwsError::Unreachable {
                endpoint,
                cause,
                failed,
                fetched,
            },
            None => AwsError::Partial { failed, fetched },
        });
    }
    // A group without events in the window is no input (not an empty file to report).
    Ok(Fetched {
        inputs: done
            .into_iter()
            .filter(|(_, _, n)| *n > 0)
            .map(|(g, bytes, _)| MemoryInput {
                name: format!("{CLOUDWATCH}{g}"),
                bytes,
            })
            .collect(),
        deleted_groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seventh-round live review: `report --function` had Logs Insights scan (and bill) every
    /// group the pattern matched. A Lambda group of a function the filter drops is left out
    /// (a custom group is pulled, not queried).
    #[test]
    fn the_push_down_queries_only_the_groups_of_functions_kept() {
        let keep = |f: &str| f.starts_with("orders");
        assert!(pushed_down_group("/aws/lambda/orders-api", &keep));
        assert!(!pushed_down_group("/aws/lambda/payments", &keep));
    }

    /// Sixth-round review: a group of a glob deleted between the listing and the pull of its
    /// events (ResourceNotFoundException) failed the whole pull. It is left out, named; the
    /// others are read. With every group gone, the pattern matches nothing; beside another
    /// failure, the error names it as deleted.
    #[test]
    fn a_group_deleted_during_the_pull_is_left_out_and_named() {
        let gone = |g: &str| {
            (
                g.to_string(),
                0,
                AwsError::NoGroups {
                    uri: format!("{CLOUDWATCH}{g}"),
                    region: String::new(),
                    account: None,
                },
            )
        };
        let read = |g: &str, n: u64| (g.to_string(), vec![b'x'; n as usize], n);
        let ok = settle_groups(
            vec![read("/aws/lambda/b", 2), read("/aws/lambda/a", 3)],
            vec![gone("/aws/lambda/c")],
        )
        .expect("the groups left are read");
        let names: Vec<&str> = ok.inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            ["cloudwatch:///aws/lambda/a", "cloudwatch:///aws/lambda/b"]
        );
        assert_eq!(ok.deleted_groups, ["/aws/lambda/c"]);

        let all_gone = settle_groups(Vec::new(), vec![gone("/aws/lambda/c")]);
        assert!(
            matches!(all_gone, Err(AwsError::NoGroups { .. })),
            "{all_gone:?}"
        );

        let cut = settle_groups(
            vec![read("/aws/lambda/a", 3)],
            vec![
                gone("/aws/lambda/c"),
                (
                    "/aws/lambda/d".into(),
                    7,
                    AwsError::Runtime("throttled".into()),
                ),
            ],
        );
        let Err(AwsError::Partial { failed, fetched }) = cut else {
            panic!("{cut:?}")
        };
        assert!(
            failed.contains("/aws/lambda/c (deleted during the pull)")
                && failed.contains("/aws/lambda/d after 7 events"),
            "{failed}"
        );
        assert_eq!(fetched, "/aws/lambda/a (3 events)");

        let denied = settle_groups(
            vec![read("/aws/lambda/a", 3)],
            vec![
                gone("/aws/lambda/c"),
                (
                    "/aws/lambda/d".into(),
                    0,
                    AwsError::AccessDenied {
                        action: "logs:FilterLogEvents".into(),
                        resource: "/aws/lambda/d".into(),
                    },
                ),
            ],
        );
        assert!(
            matches!(denied, Err(AwsError::AccessDenied { .. })),
            "{denied:?}"
        );
        // A group with no event in the window is no input.
        let quiet = settle_groups(vec![read("/aws/lambda/a", 0)], Vec::new()).expect("read");
        assert!(quiet.inputs.is_empty() && quiet.deleted_groups.is_empty());
    }

    /// Third-round live review: `report`'s push-down fell back to the pull after a silent
    /// endpoint had used up a call's 120 s, which waited 120 s more; the text also claimed 5
    /// attempts where the time allows 4. A refused connection (an instant answer) still falls
    /// back, so a cached window is served.
    #[test]
    fn a_silent_endpoint_is_told_from_a_refusing_one() {
        let unreachable = |cause: &str| AwsError::Unreachable {
            endpoint: String::new(),
            cause: cause.into(),
            failed: "logs:DescribeLogGroups on *".into(),
            fetched: "nothing".into(),
        };
        let waited = unreachable(&format!(
            "{NO_ANSWER}: up to {ATTEMPT_TIMEOUT_S} s per attempt, {OPERATION_TIMEOUT_S} s in all"
        ));
        assert!(waited.is_silent_endpoint());
        assert!(!waited.to_string().contains("attempts of"), "{waited}");
        assert!(unreachable("timed out").is_silent_endpoint());
        for quick in [
            "connection refused",
            "the host name does not resolve",
            "connection reset",
        ] {
            assert!(!unreachable(quick).is_silent_endpoint(), "{quick}");
        }
        assert!(!AwsError::Partial {
            failed: "x".into(),
            fetched: "y".into()
        }
        .is_silent_endpoint());
    }

    #[test]
    fn a_group_name_without_its_slash_gets_the_uri_with_it() {
        let e = AwsError::NoGroups {
            uri: "cloudwatch://aws/lambda/geo-lookup".into(),
            region: "us-east-1".into(),
            account: None,
        };
        assert!(
            e.to_string()
                .contains("did you mean cloudwatch:///aws/lambda/geo-lookup, with three slashes?"),
            "{e}"
        );
        let ok = AwsError::NoGroups {
            uri: "cloudwatch:///aws/lambda/geo-lookup".into(),
            region: "us-east-1".into(),
            account: None,
        };
        assert!(!ok.to_string().contains("three slashes"), "{ok}");
    }

    /// Third-round live review: a region before the name or a group's ARN got the three-slash
    /// hint, which matched nothing again; so did any unknown name.
    #[test]
    fn a_region_or_an_arn_in_the_uri_gets_its_own_hint() {
        for (uri, hint) in [
            (
                "cloudwatch://us-east-1/aws/lambda/geo-lookup",
                " (a cloudwatch:// URI takes no region: write cloudwatch:///aws/lambda/geo-lookup with --aws-region us-east-1)",
            ),
            (
                "cloudwatch://us-gov-west-1//aws/lambda/x",
                " (a cloudwatch:// URI takes no region: write cloudwatch:///aws/lambda/x with --aws-region us-gov-west-1)",
            ),
            (
                "cloudwatch://arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/geo-lookup:*",
                " (that is the group's ARN: write its name, cloudwatch:///aws/lambda/geo-lookup, with --aws-region eu-west-1)",
            ),
            ("cloudwatch://totally-unknown", ""),
            ("cloudwatch://my-app/logs", ""),
        ] {
            assert_eq!(slash_hint(uri), hint, "{uri}");
        }
    }

    #[test]
    fn a_tail_error_says_nothing_of_a_pull_result() {
        let e = AwsError::Unreachable {
            endpoint: "http://127.0.0.1:9".into(),
            cause: "connection refused".into(),
            failed: "logs:FilterLogEvents on /aws/lambda/x".into(),
            fetched: "nothing".into(),
        };
        assert!(e.to_string().contains("Nothing was reported"));
        let c = e.cause_only();
        assert!(
            c.starts_with("cannot reach http://127.0.0.1:9 (connection refused) calling logs:FilterLogEvents on /aws/lambda/x"),
            "{c}"
        );
        assert!(!c.contains("Fetched completely") && !c.contains("Nothing was reported"));
        let p = AwsError::Partial {
            failed: "logs:FilterLogEvents on g: throttled".into(),
            fetched: "nothing".into(),
        };
        assert_eq!(
            p.cause_only(),
            "the tail's call failed: logs:FilterLogEvents on g: throttled"
        );
    }

    #[test]
    fn uris_and_patterns() {
        assert_eq!(
            SourceUri::parse("cloudwatch:///aws/lambda/x")
                .unwrap()
                .unwrap(),
            SourceUri::CloudWatch {
                pattern: "/aws/lambda/x".into()
            }
        );
        assert!(SourceUri::parse("cloudwatch://").unwrap().is_err());
        assert!(SourceUri::parse("s3://bucket/key").unwrap().is_err());
        assert!(SourceUri::parse("sample-data").is_none());
        assert_eq!(
            SourceUri::parse("metrics://").unwrap().unwrap(),
            SourceUri::Metrics { pattern: None }
        );
        assert_eq!(
            SourceUri::parse("metrics://orders-*").unwrap().unwrap(),
            SourceUri::Metrics {
                pattern: Some("orders-*".into())
            }
        );
        assert!(glob_match("/aws/lambda/*", "/aws/lambda/orders-api"));
        assert!(glob_match("/aws/lambda/orders-*", "/aws/lambda/orders-api"));
        assert!(!glob_match("/aws/lambda/orders-*", "/aws/lambda/geo"));
        assert!(glob_match("*api", "/aws/lambda/orders-api"));
        assert!(glob_match("/aws/*/orders*api", "/aws/lambda/orders-api"));
        assert!(!glob_match("/aws/*/x*y", "/aws/lambda/xz"));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "exactly"));
    }

    #[test]
    fn metric_periods_follow_window_and_retention() {
        const H: i64 = 3_600_000;
        let now = 1_800_000_000_000;
        assert_eq!(metrics_period_s(now - 6 * H, now, now), 60);
        assert_eq!(metrics_period_s(now - 7 * 24 * H, now, now), 300);
        assert_eq!(metrics_period_s(now - 20 * 24 * H, now, now), 3600);
        // A one-hour window 30 days ago: only 5-minute data is left.
        assert_eq!(
            metrics_period_s(now - 30 * 24 * H, now - 29 * 24 * H, now),
            300
        );
        assert_eq!(
            metrics_period_s(now - 90 * 24 * H, now - 89 * 24 * H, now),
            3600
        );
        assert_eq!(align_window(61_000, 119_000, 60), (60_000, 120_000));
        assert_eq!(align_window(60_000, 60_000, 60), (60_000, 120_000));
    }

    /// Credentials that cannot be loaded are named as such whatever the provider says; here
    /// the text of an instance metadata service answering 403, which has neither "no
    /// credentials" nor "credentials provider". No request is sent.
    #[test]
    fn credentials_failures_are_classified_by_type() {
        use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
        use aws_sdk_cloudwatchlogs::config::Region;
        use aws_smithy_http_client::test_util::StaticReplayClient;

        #[derive(Debug)]
        struct Imds403;
        impl ProvideCredentials for Imds403 {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                future::ProvideCredentials::ready(Err(CredentialsError::provider_error(
                    "failed to load IMDS session token",
                )))
            }
        }
        let http = StaticReplayClient::new(vec![]);
        let conf = aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Imds403)
            .http_client(http.clone())
            .build();
        let e = runtime()
            .unwrap()
            .block_on(Client::from_conf(conf).describe_log_groups().send())
            .unwrap_err();
        let e = classify(e, "logs:DescribeLogGroups", "/aws/lambda/");
        let AwsError::Credentials { detail } = &e else {
            panic!("not a credentials error: {e}");
        };
        assert_eq!(
            detail,
            "an error occurred while loading credentials: failed to load IMDS session token"
        );
        assert!(e.to_string().contains("set AWS_PROFILE"), "{e}");
        assert_eq!(http.actual_requests().count(), 0);
        // A profile's credential_process that failed is said as that (fifth-round live
        // review: "no AWS credentials were found ... set AWS_PROFILE" for the profile set).
        let e = AwsError::Credentials {
            detail:
                "Error retrieving credentials: external process exited with code exit status: 1"
                    .into(),
        };
        let msg = e.to_string();
        assert!(
            msg.starts_with("the profile's credential_process failed"),
            "{msg}"
        );
        assert!(!msg.contains("set AWS_PROFILE"), "{msg}");
    }

    /// A dispatch failure of `error` (as the HTTP client reports a connect failure), classified.
    fn dispatch_failure(error: Box<dyn std::error::Error + Send + Sync>) -> AwsError {
        use aws_sdk_cloudwatchlogs::error::SdkError;
        use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsError;
        use aws_smithy_runtime_api::client::result::ConnectorError;
        let e: SdkError<FilterLogEventsError> =
            SdkError::dispatch_failure(ConnectorError::io(error));
        classify(e, "logs:FilterLogEvents", "/aws/lambda/x")
    }

    /// hyper's wrapper of a failed DNS lookup: "dns error", caused by the resolver's error.
    #[derive(Debug)]
    struct DnsError(std::io::Error);
    impl std::fmt::Display for DnsError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("dns error")
        }
    }
    impl std::error::Error for DnsError {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn unreachable_endpoints_get_a_short_cause_and_the_endpoint() {
        use std::io::{Error, ErrorKind};
        let site = Site {
            region: "eu-west-1".into(),
            logs: "https://logs.eu-west-1.amazonaws.com".into(),
            xray: "https://xray.eu-west-1.amazonaws.com".into(),
            metrics: "https://monitoring.eu-west-1.amazonaws.com".into(),
            account: Some("123456789012".into()),
        };
        let refused = site.locate(dispatch_failure(Box::new(Error::new(
            ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        ))));
        let text = refused.to_string();
        assert!(
            text.starts_with("cannot reach https://logs.eu-west-1.amazonaws.com (connection refused): check --endpoint-url"),
            "{text}"
        );
        assert!(
            text.contains("logs:FilterLogEvents on /aws/lambda/x"),
            "{text}"
        );
        assert!(
            !text.contains("ConnectorError") && !text.contains("narrow"),
            "{text}"
        );
        let dns = dispatch_failure(Box::new(DnsError(Error::other(
            "failed to lookup address information: Name or service not known",
        ))));
        assert!(
            dns.to_string().contains("(the host name does not resolve: failed to lookup address information: Name or service not known)"),
            "{dns}"
        );
        let timed_out = dispatch_failure(Box::new(Error::new(ErrorKind::TimedOut, "slow")));
        assert!(timed_out.to_string().contains("(timed out)"), "{timed_out}");
        // X-Ray's and CloudWatch's calls name their own endpoints.
        let xray = site.locate(AwsError::Unreachable {
            endpoint: String::new(),
            cause: "connection refused".into(),
            failed: "xray:GetTraceSummaries on traces".into(),
            fetched: "0 trace(s)".into(),
        });
        assert!(
            xray.to_string().contains("cannot reach https://xray."),
            "{xray}"
        );
        // A missing group names the region and account it was looked for in.
        let missing = site.locate(AwsError::NoGroups {
            uri: "cloudwatch:///aws/lambda/big".into(),
            region: String::new(),
            account: None,
        });
        assert!(
            missing.to_string().starts_with("no log group matches cloudwatch:///aws/lambda/big in region eu-west-1 of account 123456789012: check the name, or pass --aws-region"),
            "{missing}"
        );
    }

    #[test]
    fn accounts_come_from_log_group_arns() {
        assert_eq!(
            account_of_arn("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*"),
            Some("123456789012")
        );
        assert_eq!(account_of_arn("arn:aws:logs:us-east-1::log-group:x"), None);
        assert_eq!(account_of_arn("/aws/lambda/f"), None);
    }

    #[test]
    fn a_push_down_that_aggregated_no_group_is_no_push_down() {
        let pushed = |pulled: &[&str], groups: usize| PushedDown {
            report: crate::analytics::report::Report {
                functions: Vec::new(),
                totals: crate::analytics::report::totals_of(&[], None),
            },
            pull_instead: pulled.iter().map(|g| g.to_string()).collect(),
            pull_custom: Vec::new(),
            groups,
            stored_bytes: 0,
            left_out: Vec::new(),
        };
        assert!(aggregated(pushed(&["/aws/lambda/a"], 1)).is_none());
        assert!(aggregated(pushed(&["/aws/lambda/a"], 2)).is_some());
        assert!(aggregated(pushed(&[], 1)).is_some());
    }

    #[test]
    fn export_lines_are_what_the_ndjson_reader_takes() {
        let mut out = Vec::new();
        export_line(
            &mut out,
            1_700_000_000_000,
            "REPORT RequestId: x\tDuration: 1 ms",
            "/aws/lambda/f",
            "s",
        );
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["logGroup"], "/aws/lambda/f");
        assert_eq!(v["timestamp"], 1_700_000_000_000i64);
        assert!(out.ends_with(b"\n"));
    }

    /// Endpoint and region typos are usage errors before any call.
    #[test]
    fn endpoint_urls_and_regions_are_checked() {
        assert_eq!(
            check_endpoint_url("http://127.0.0.1:4566").as_deref(),
            Ok("http://127.0.0.1:4566")
        );
        assert!(check_endpoint_url("https://logs.vpce.amazonaws.com/").is_ok());
        assert!(check_endpoint_url("HTTP://localhost:4566").is_ok());
        assert_eq!(
            check_endpoint_url("127.0.0.1:4566").unwrap_err(),
            "`127.0.0.1:4566` has no scheme: write http://127.0.0.1:4566 (or https://)"
        );
        assert!(check_endpoint_url("ftp://x")
            .unwrap_err()
            .contains("not an http"));
        assert!(check_endpoint_url("http://")
            .unwrap_err()
            .contains("names no host"));
        assert!(check_endpoint_url("http://:4566")
            .unwrap_err()
            .contains("names no host"));
        for ok in ["us-east-1", "eu-central-2", "us-gov-west-1", "local"] {
            assert_eq!(check_region(ok).as_deref(), Ok(ok));
        }
        for bad in ["bad region!", "", "-us", "us_east_1"] {
            assert!(check_region(bad).is_err(), "{bad}");
        }
    }
}
