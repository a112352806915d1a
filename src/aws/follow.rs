//! Live tail of `cloudwatch://` groups (`faascope logs --follow`).
//!
//! First the recent history (FilterLogEvents from the start of the window), then a StartLiveTail
//! session streams new events as they are ingested. Where StartLiveTail is not available (more
//! than 10 groups, a missing `logs:StartLiveTail` permission, an endpoint that does not serve
//! it, a session that fails, or one that ends as soon as it starts, as moto's do), the tail
//! polls FilterLogEvents every 2 s instead, reading from a little before the newest event seen.
//! A session ends after at most 3 hours (the service's limit): a new one is started from the
//! newest event seen. With `--endpoint-url` the SDK's `stream-` host prefix of StartLiveTail is
//! not applied ([`NoHostPrefixOnCustomEndpoint`]).
//!
//! Each event is printed once, and distinct events with the same text are each printed: live
//! tail events carry no id, so events are told apart by content (group, stream, time, text)
//! and counted. Each *view* — one FilterLogEvents sweep, or one live-tail session — holds every
//! event it covers once, so a content is printed as many times as the most any view has held
//! it: an event seen again by a later sweep, or by the live tail after the history, is not
//! printed again, and a second event with the same content is. Contents are remembered for as
//! long as a sweep may read them again.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::config::interceptors::BeforeSerializationInterceptorContextMut;
use aws_sdk_cloudwatchlogs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudwatchlogs::error::BoxError;
use aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::Client;

use super::{
    classify, config, describe_groups, export_line, runtime, AwsError, AwsOptions, GroupInfo, Site,
    CLOUDWATCH,
};
use crate::ingest::MemoryInput;

/// Events that arrive this late (CloudWatch ingestion delay) are still shown when polling.
const LATE_MS: i64 = 30_000;

/// Pause between polls, and the longest a live-tail poll waits for events.
const POLL: Duration = Duration::from_secs(2);

/// Groups one StartLiveTail session may follow.
const LIVE_TAIL_MAX_GROUPS: usize = 10;

/// A session that ends sooner than this is not a live tail (an emulator that sends what it
/// stores and closes): the tail polls instead of starting one session after another.
const MIN_SESSION: Duration = Duration::from_secs(60);

type LiveStream = EventReceiver<StartLiveTailResponseStream, StartLiveTailResponseStreamError>;

enum Mode {
    /// History not read yet.
    Start,
    /// A live-tail session and when it started.
    Live(Box<LiveStream>, Instant),
    Polling,
}

/// How often an event content was printed, and how often the current live-tail session has
/// delivered it.
#[derive(Debug, Clone, Copy)]
struct Seen {
    ts: i64,
    printed: u32,
    live: u32,
}

/// Drops the modelled host prefix (StartLiveTail's `stream-`) when the client has a custom
/// endpoint (`--endpoint-url`, `AWS_ENDPOINT_URL`, a profile's `endpoint_url`): the endpoint is
/// the host to call, and `stream-127.0.0.1` does not resolve. The Rust SDK has no
/// `disable_host_prefix_injection` setting (aws-smithy-runtime 1.16); the prefix is put in the
/// config bag by the operation's `read_before_execution` interceptor, after which client
/// interceptors run their `modify_before_serialization`, before the endpoint is applied.
#[derive(Debug)]
struct NoHostPrefixOnCustomEndpoint;

impl Intercept for NoHostPrefixOnCustomEndpoint {
    fn name(&self) -> &'static str {
        "NoHostPrefixOnCustomEndpoint"
    }

    fn modify_before_serialization(
        &self,
        _context: &mut BeforeSerializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg
            .load::<aws_types::endpoint_config::EndpointUrl>()
            .is_some()
        {
            cfg.interceptor_state()
                .unset::<aws_smithy_runtime_api::client::endpoint::EndpointPrefix>();
        }
        Ok(())
    }
}

/// A live tail; [`Follower::poll`] returns what arrived since the last call.
pub struct Follower {
    rt: tokio::runtime::Runtime,
    client: Client,
    patterns: Vec<String>,
    groups: Vec<GroupInfo>,
    listed_at: Option<std::time::Instant>,
    from_ms: i64,
    /// Event contents already returned ([`content_key`]).
    seen: HashMap<String, Seen>,
    mode: Mode,
    live_tail: bool,
    /// Said once when the tail falls back to polling.
    notice: Option<String>,
    /// A listing found groups once: one finding none later means they were deleted.
    followed_any: bool,
    /// Live-tail events older than this were read by the sweep before the session (which read
    /// up to its start): an emulator that replays what it stores would print them again once
    /// their contents are forgotten ([`Follower::prune`]).
    live_from_ms: i64,
    /// When the tail stops (`--follow-for`): no call waits past it.
    stop_at: Option<Instant>,
    /// Region and endpoint, for the errors.
    site: Site,
}

/// An event's content: group, stream, time and text (all a printed line shows).
fn content_key(group: &str, stream: &str, ts: i64, message: &str) -> String {
    format!("{group}\u{0}{stream}\u{0}{ts}\u{0}{message}")
}

/// `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]` or `ACCOUNT:NAME` → NAME.
fn group_name(identifier: &str) -> &str {
    match identifier.find(":log-group:") {
        Some(i) => identifier[i + ":log-group:".len()..].trim_end_matches(":*"),
        None => match identifier.find(":/") {
            Some(i) if identifier[..i].bytes().all(|b| b.is_ascii_digit()) => &identifier[i + 1..],
            _ => identifier,
        },
    }
}

impl Follower {
    /// Follows the groups of `patterns` from `start_ms`.
    pub fn new(patterns: Vec<String>, opts: &AwsOptions, start_ms: i64) -> Result<Self, AwsError> {
        let rt = runtime()?;
        let conf = rt.block_on(config(opts))?;
        let site = rt.block_on(Site::of(&conf));
        let conf = aws_sdk_cloudwatchlogs::config::Builder::from(&conf)
            .interceptor(NoHostPrefixOnCustomEndpoint)
            .build();
        let mut follower = Self::with_client(rt, Client::from_conf(conf), patterns, start_ms, true);
        follower.site = site;
        Ok(follower)
    }

    fn with_client(
        rt: tokio::runtime::Runtime,
        client: Client,
        patterns: Vec<String>,
        start_ms: i64,
        live_tail: bool,
    ) -> Self {
        Follower {
            rt,
            client,
            patterns,
            groups: Vec::new(),
            listed_at: None,
            from_ms: start_ms,
            seen: HashMap::new(),
            live_from_ms: i64::MIN,
            mode: Mode::Start,
            live_tail,
            notice: None,
            followed_any: false,
            stop_at: None,
            site: Site::default(),
        }
    }

    /// Stops waiting at `at`: a call still running then is dropped, and [`Self::poll`] returns
    /// what it has (a server that does not answer cannot hold the tail past `--follow-for`).
    pub fn stop_at(&mut self, at: Instant) {
        self.stop_at = Some(at);
    }

    /// Runs `f` to completion, or until the stop time: `None` then.
    fn call<F: std::future::Future>(&self, f: F) -> Option<F::Output> {
        match self.stop_at {
            None => Some(self.rt.block_on(f)),
            Some(at) => self.rt.block_on(async {
                tokio::time::timeout_at(tokio::time::Instant::from_std(at), f)
                    .await
                    .ok()
            }),
        }
    }

    /// Why the tail polls instead of streaming, once.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    /// Adds `n` to what the tail has to say (several things in one sweep are all said: the
    /// polling reason overwrote a deleted group's notice).
    fn say(&mut self, n: String) {
        self.notice = Some(match self.notice.take() {
            Some(before) => format!("{before}; {n}"),
            None => n,
        });
    }

    /// The events that arrived since the last call, as export lines (one input per group).
    /// Waits up to 2 s for them.
    pub fn poll(&mut self) -> Result<Vec<MemoryInput>, AwsError> {
        self.poll_inner().map_err(|e| self.site.locate(e))
    }

    fn poll_inner(&mut self) -> Result<Vec<MemoryInput>, AwsError> {
        match std::mem::replace(&mut self.mode, Mode::Polling) {
            Mode::Start => {
                let inputs = self.poll_filter()?;
                self.mode = self.start_live_tail();
                Ok(inputs)
            }
            Mode::Polling => {
                let pause = match self.stop_at {
                    Some(at) => POLL.min(at.saturating_duration_since(Instant::now())),
                    None => POLL,
                };
                std::thread::sleep(pause);
                self.poll_filter()
            }
            Mode::Live(mut stream, started) => {
                let (inputs, open) = self.drain_live(&mut stream);
                self.mode = match open {
                    Ok(true) => Mode::Live(stream, started),
                    Ok(false) if started.elapsed() < MIN_SESSION => {
                        self.say(
                            "live tail sessions end as soon as they start at this endpoint; polling FilterLogEvents every 2 s instead".into(),
                        );
                        Mode::Polling
                    }
                    // The session ended (its 3-hour limit): a new one from the newest event.
                    Ok(false) => self.start_live_tail(),
                    Err(why) => {
                        self.say(format!(
                            "live tail stopped ({why}); polling FilterLogEvents every 2 s instead"
                        ));
                        Mode::Polling
                    }
                };
                Ok(inputs)
            }
        }
    }

    fn list(&mut self) -> Result<(), AwsError> {
        // Groups are listed again every 30 s, so new functions join a polled tail.
        if self
            .listed_at
            .is_some_and(|t| t.elapsed() <= Duration::from_secs(30))
        {
            return Ok(());
        }
        let mut groups = Vec::new();
        for p in &self.patterns {
            let Some(found) = self.call(describe_groups(&self.client, p)) else {
                // (Not "no groups now": a tail whose groups were deleted waits with none, and
                // its endpoint answered before.)
                if !self.followed_any {
                    // Stopped before the endpoint ever answered (refused, throttled or silent,
                    // the SDK still retrying): a failure, not a quiet tail.
                    return Err(AwsError::Unreachable {
                        endpoint: String::new(),
                        cause: "no answer before --follow-for ended, the client still retrying"
                            .into(),
                        failed: format!("logs:DescribeLogGroups on {p}"),
                        fetched: "nothing".into(),
                    });
                }
                // Stopped: the groups listed before stay.
                return Ok(());
            };
            let found = found?;
            // Nothing matches: an error at the start; later, the groups followed were deleted
            // (a stack torn down), and the tail waits for the pattern to match again, as
            // `tail -F` waits for a file (fifth-round verification: it stopped saying the
            // pattern never matched).
            if found.is_empty() && !self.followed_any {
                return Err(self.rt.block_on(AwsError::no_groups_in(&self.client, p)));
            }
            groups.extend(found);
        }
        groups.sort();
        groups.dedup();
        self.followed_any |= !groups.is_empty();
        self.groups = groups;
        self.listed_at = Some(std::time::Instant::now());
        Ok(())
    }

    fn start_live_tail(&mut self) -> Mode {
        if !self.live_tail {
            return Mode::Polling;
        }
        let arns: Vec<String> = self.groups.iter().filter_map(|g| g.arn.clone()).collect();
        if arns.len() != self.groups.len() || arns.len() > LIVE_TAIL_MAX_GROUPS {
            self.say(format!(
                "live tail follows at most {LIVE_TAIL_MAX_GROUPS} groups with ARNs; polling FilterLogEvents every 2 s for these {}",
                self.groups.len()
            ));
            return Mode::Polling;
        }
        let Some(started) = self.call(
            self.client
                .start_live_tail()
                .set_log_group_identifiers(Some(arns))
                .send(),
        ) else {
            return Mode::Polling;
        };
        match started {
            Ok(out) => {
                // Counts of the new session's view start at zero.
                for s in self.seen.values_mut() {
                    s.live = 0;
                }
                self.live_from_ms = chrono::Utc::now().timestamp_millis() - LATE_MS;
                Mode::Live(Box::new(out.response_stream), Instant::now())
            }
            Err(e) => {
                // The reason alone: a pull's advice (retry, narrow --since/--until) does not
                // apply to a tail, which goes on by polling.
                let why = match classify(e, "logs:StartLiveTail", "the groups") {
                    AwsError::Partial { failed, .. } => failed,
                    other => other.to_string(),
                };
                self.say(format!(
                    "live tail is not available ({why}); polling FilterLogEvents every 2 s instead"
                ));
                Mode::Polling
            }
        }
    }

    /// Events of a live-tail session for up to 2 s; `Ok(false)` when the session ended.
    fn drain_live(&mut self, stream: &mut LiveStream) -> (Vec<MemoryInput>, Result<bool, String>) {
        let mut per_group: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
        let mut deadline = tokio::time::Instant::now() + POLL;
        if let Some(at) = self.stop_at {
            deadline = deadline.min(tokio::time::Instant::from_std(at));
        }
        let mut open = Ok(true);
        loop {
            let next = self
                .rt
                .block_on(async { tokio::time::timeout_at(deadline, stream.recv()).await });
            match next {
                Err(_) => break,
                Ok(Ok(Some(StartLiveTailResponseStream::SessionUpdate(u)))) => {
                    for e in u.session_results() {
                        let (Some(ts), Some(msg)) = (e.timestamp(), e.message()) else {
                            continue;
                        };
                        if ts < self.live_from_ms {
                            continue;
                        }
                        let group = group_name(e.log_group_identifier().unwrap_or("")).to_string();
                        let stream_name = e.log_stream_name().unwrap_or("");
                        let s = self
                            .seen
                            .entry(content_key(&group, stream_name, ts, msg))
                            .or_insert(Seen {
                                ts,
                                printed: 0,
                                live: 0,
                            });
                        s.live += 1;
                        if s.live <= s.printed {
                            continue;
                        }
                        s.printed = s.live;
                        self.from_ms = self.from_ms.max(ts);
                        export_line(
                            per_group.entry(group.clone()).or_default(),
                            ts,
                            msg,
                            &group,
                            stream_name,
                        );
                    }
                }
                Ok(Ok(Some(_))) => {}
                Ok(Ok(None)) => {
                    open = Ok(false);
                    break;
                }
                Ok(Err(e)) => {
                    open = Err(aws_sdk_cloudwatchlogs::error::DisplayErrorContext(&e).to_string());
                    break;
                }
            }
        }
        self.prune();
        let inputs = per_group
            .into_iter()
            .map(|(g, bytes)| MemoryInput {
                name: format!("{CLOUDWATCH}{g}"),
                bytes,
            })
            .collect();
        (inputs, open)
    }

    fn prune(&mut self) {
        let keep_from = self.from_ms - LATE_MS;
        self.seen.retain(|_, s| s.ts >= keep_from);
    }

    /// FilterLogEvents from a little before the newest event seen.
    fn poll_filter(&mut self) -> Result<Vec<MemoryInput>, AwsError> {
        self.list()?;
        let c = self.client.clone();
        let from = (self.from_ms - LATE_MS).max(0);
        let now = chrono::Utc::now().timestamp_millis() + 1;
        let mut inputs = Vec::new();
        let mut newest = self.from_ms;
        let mut gone: Vec<String> = Vec::new();
        'groups: for g in &self.groups {
            let g = &g.name;
            let mut out = Vec::new();
            // This sweep's view: each content's count, and the ids read (an event twice in
            // one sweep is one event).
            let mut view: HashMap<String, u32> = HashMap::new();
            let mut ids: HashSet<String> = HashSet::new();
            let mut token: Option<String> = None;
            loop {
                let Some(page) = self.call(
                    c.filter_log_events()
                        .log_group_name(g)
                        .start_time(from)
                        .end_time(now)
                        .set_next_token(token.clone())
                        .send(),
                ) else {
                    // Stopped: what this sweep read so far.
                    break;
                };
                let page = match page.map_err(|e| classify(e, "logs:FilterLogEvents", g)) {
                    Ok(page) => page,
                    // Deleted while the tail runs (a stack torn down): the tail goes on with
                    // the other groups (fifth-round live review: one deleted group of a
                    // pattern's 120 ended the whole tail, saying the pattern matched nothing).
                    Err(AwsError::NoGroups { .. }) => {
                        gone.push(g.clone());
                        continue 'groups;
                    }
                    Err(e) => return Err(e),
                };
                for ev in page.events() {
                    let (Some(ts), Some(msg)) = (ev.timestamp(), ev.message()) else {
                        continue;
                    };
                    let stream = ev.log_stream_name().unwrap_or("");
                    if ev.event_id().is_some_and(|id| !ids.insert(id.to_string())) {
                        continue;
                    }
                    // Printed already as often as this sweep holds it (by an earlier sweep,
                    // or by a live tail before it): known.
                    let content = content_key(g, stream, ts, msg);
                    let n = view.entry(content.clone()).or_default();
                    *n += 1;
                    let s = self.seen.entry(content).or_insert(Seen {
                        ts,
                        printed: 0,
                        live: 0,
                    });
                    if *n <= s.printed {
                        continue;
                    }
                    s.printed = *n;
                    newest = newest.max(ts);
                    export_line(&mut out, ts, msg, g, stream);
                }
                let next = page.next_token().map(String::from);
                if next.is_none() || next == token {
                    break;
                }
                token = next;
            }
            if !out.is_empty() {
                inputs.push(MemoryInput {
                    name: format!("{CLOUDWATCH}{g}"),
                    bytes: out,
                });
            }
        }
        if !gone.is_empty() {
            self.groups.retain(|g| !gone.contains(&g.name));
            let left = match self.groups.len() {
                0 => "no group is left to follow: the tail waits for groups the sources name to appear (Ctrl-C stops it)".to_string(),
                n => format!("the tail goes on with the {n} other(s)"),
            };
            self.say(format!(
                "log group(s) {} no longer exist (deleted while the tail ran); {left}",
                gone.join(", ")
            ));
        }
        self.from_ms = newest;
        self.prune();
        Ok(inputs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::replay::{json, logs_client};
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};

    /// A live-tail session's stream: its start, then one update with `results`.
    fn session(arn: &str, results: serde_json::Value) -> Vec<u8> {
        let mut stream = event(
            "sessionStart",
            serde_json::json!({"sessionId": "s1", "logGroupIdentifiers": [arn]}),
        );
        stream.extend(event(
            "sessionUpdate",
            serde_json::json!({"sessionMetadata": {"sampled": false}, "sessionResults": results}),
        ));
        stream
    }

    /// StartLiveTail's answer: the session's event stream.
    fn streamed(stream: Vec<u8>) -> ReplayEvent {
        ReplayEvent::new(
            request(),
            http::Response::builder()
                .status(200)
                .header("content-type", "application/vnd.amazon.eventstream")
                .body(SdkBody::from(stream))
                .unwrap(),
        )
    }

    /// DescribeLogGroups' answer: the one group.
    fn listed(group: &str, arn: &str) -> ReplayEvent {
        ReplayEvent::new(
            request(),
            json(
                serde_json::json!({"logGroups": [{"logGroupName": group, "logGroupArn": arn, "storedBytes": 10}]}),
            ),
        )
    }

    /// A follower of `group` over replayed responses, on a runtime of its own.
    fn follower(
        http: &StaticReplayClient,
        group: &str,
        start_ms: i64,
        live_tail: bool,
    ) -> Follower {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Follower::with_client(
            rt,
            logs_client(http),
            vec![group.to_string()],
            start_ms,
            live_tail,
        )
    }

    #[test]
    fn group_identifiers_become_names() {
        assert_eq!(
            group_name("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*"),
            "/aws/lambda/f"
        );
        assert_eq!(group_name("123456789012:/aws/lambda/f"), "/aws/lambda/f");
        assert_eq!(group_name("/aws/lambda/f"), "/aws/lambda/f");
    }

    fn event(kind: &str, payload: serde_json::Value) -> Vec<u8> {
        let m = Message::new(payload.to_string().into_bytes())
            .add_header(Header::new(
                ":message-type",
                HeaderValue::String("event".into()),
            ))
            .add_header(Header::new(
                ":event-type",
                HeaderValue::String(kind.to_string().into()),
            ))
            .add_header(Header::new(
                ":content-type",
                HeaderValue::String("application/json".into()),
            ));
        let mut out = Vec::new();
        aws_smithy_eventstream::frame::write_message_to(&m, &mut out).unwrap();
        out
    }

    fn request() -> http::Request<SdkBody> {
        http::Request::builder()
            .uri("https://logs.us-east-1.amazonaws.com/")
            .body(SdkBody::empty())
            .unwrap()
    }

    /// History by FilterLogEvents, then a StartLiveTail session (recorded as the event stream
    /// AWS sends): the event both give is returned once; when the session ends (after its
    /// 3 hours), a new one is asked for, and its failure falls back to polling with a notice.
    #[test]
    fn history_then_live_tail_each_event_once() {
        let group = "/aws/lambda/orders-api";
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api";
        let now = chrono::Utc::now().timestamp_millis();
        let stream = session(
            arn,
            serde_json::json!([
                {"logGroupIdentifier": format!("{arn}:*"), "logStreamName": "s", "timestamp": now - 50_000, "message": "old, replayed", "ingestionTime": now},
                {"logGroupIdentifier": format!("{arn}:*"), "logStreamName": "s", "timestamp": now - 1000, "message": "seen in history", "ingestionTime": now},
                {"logGroupIdentifier": format!("{arn}:*"), "logStreamName": "s", "timestamp": now, "message": "new and live", "ingestionTime": now},
            ]),
        );
        let http = StaticReplayClient::new(vec![
            listed(group, arn),
            ReplayEvent::new(
                request(),
                json(serde_json::json!({"events": [
                        {"eventId": "e0", "logStreamName": "s", "timestamp": now - 50_000, "message": "old, replayed"},
                        {"eventId": "e1", "logStreamName": "s", "timestamp": now - 1000, "message": "seen in history"}]})),
            ),
            streamed(stream),
            failed("AccessDeniedException", "no"),
        ]);
        let mut f = follower(&http, group, now - 60_000, true);
        let text = |inputs: Vec<MemoryInput>| -> String {
            inputs
                .iter()
                .map(|i| String::from_utf8_lossy(&i.bytes).to_string())
                .collect()
        };
        let history = text(f.poll().unwrap());
        assert_eq!(history.matches("seen in history").count(), 1, "{history}");
        // As if the session had run its 3 hours: when it ends, a new one is asked for.
        match &mut f.mode {
            Mode::Live(_, started) => *started = started.checked_sub(MIN_SESSION).unwrap(),
            _ => panic!("history is followed by a live-tail session"),
        }
        let live = text(f.poll().unwrap());
        assert!(!live.contains("seen in history"), "{live}");
        // An event of the history older than the contents remembered (as moto's sessions
        // replay what the group stores): not printed again.
        assert!(!live.contains("old, replayed"), "{live}");
        assert_eq!(history.matches("old, replayed").count(), 1, "{history}");
        assert_eq!(live.matches("new and live").count(), 1, "{live}");
        assert!(
            live.contains("\"logGroup\":\"/aws/lambda/orders-api\""),
            "{live}"
        );
        // The stream ended; the next session is refused: polling, said once.
        assert!(
            matches!(f.mode, Mode::Polling),
            "a refused session falls back to polling"
        );
        let notice = f.take_notice().unwrap();
        assert!(notice.contains("logs:StartLiveTail"), "{notice}");
        assert!(f.take_notice().is_none());
    }
    fn text(inputs: Vec<MemoryInput>) -> String {
        inputs
            .iter()
            .map(|i| String::from_utf8_lossy(&i.bytes).to_string())
            .collect()
    }

    fn client_at(endpoint: Option<&str>, http: &StaticReplayClient) -> Client {
        let mut b = aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
            .region(aws_sdk_cloudwatchlogs::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_cloudwatchlogs::config::Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            ))
            .http_client(http.clone())
            .interceptor(NoHostPrefixOnCustomEndpoint);
        if let Some(e) = endpoint {
            b = b.endpoint_url(e);
        }
        Client::from_conf(b.build())
    }

    /// StartLiveTail goes to the custom endpoint itself (not `stream-127.0.0.1`), and to
    /// `stream-logs.REGION.amazonaws.com` without one.
    #[test]
    fn live_tail_calls_a_custom_endpoint_without_host_prefix() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        for (endpoint, host) in [
            (Some("http://127.0.0.1:5055"), "127.0.0.1:5055"),
            (None, "stream-logs.us-east-1.amazonaws.com"),
        ] {
            let http = StaticReplayClient::new(vec![ReplayEvent::new(
                request(),
                json(serde_json::json!({})),
            )]);
            let c = client_at(endpoint, &http);
            let _ = rt.block_on(c.start_live_tail().log_group_identifiers("arn:x").send());
            let uri = http.actual_requests().next().unwrap().uri().to_string();
            assert!(uri.contains(&format!("//{host}/")), "{uri}");
        }
    }

    /// Distinct events with the same stream, time and text (distinct ids) are each printed,
    /// once: a later sweep holding them again prints only the one it adds, and an event read
    /// twice in one sweep is one event.
    #[test]
    fn same_content_events_are_each_printed_once_when_polling() {
        let group = "/aws/lambda/orders-api";
        let now = chrono::Utc::now().timestamp_millis();
        let ev = |id: &str, msg: &str| serde_json::json!({"eventId": id, "logStreamName": "s", "timestamp": now - 1000, "message": msg});
        let http = StaticReplayClient::new(vec![
            ReplayEvent::new(
                request(),
                json(
                    serde_json::json!({"logGroups": [{"logGroupName": group, "storedBytes": 10}]}),
                ),
            ),
            ReplayEvent::new(
                request(),
                json(
                    serde_json::json!({"events": [ev("e1", "retrying"), ev("e2", "retrying"), ev("e3", "other")]}),
                ),
            ),
            ReplayEvent::new(
                request(),
                json(
                    serde_json::json!({"events": [ev("e1", "retrying"), ev("e2", "retrying"), ev("e2", "retrying"), ev("e4", "retrying"), ev("e3", "other")]}),
                ),
            ),
        ]);
        let mut f = follower(&http, group, now - 60_000, false);
        let history = text(f.poll().unwrap());
        assert_eq!(history.matches("retrying").count(), 2, "{history}");
        assert_eq!(history.matches("other").count(), 1, "{history}");
        // The next sweep (called directly: no 2 s pause) holds e1..e4: only e4 is new.
        let next = text(f.poll_filter().unwrap());
        assert_eq!(next.matches("retrying").count(), 1, "{next}");
        assert!(!next.contains("other"), "{next}");
    }

    /// A call's failure: AWS's error `kind` with its message.
    fn failed(kind: &str, message: &str) -> ReplayEvent {
        ReplayEvent::new(
            request(),
            http::Response::builder()
                .status(400)
                .header("content-type", "application/x-amz-json-1.1")
                .body(SdkBody::from(
                    serde_json::json!({"__type": kind, "message": message}).to_string(),
                ))
                .unwrap(),
        )
    }

    /// FilterLogEvents' answer for a group that no longer exists.
    fn group_not_found() -> ReplayEvent {
        failed(
            "ResourceNotFoundException",
            "The specified log group does not exist.",
        )
    }

    /// Fifth-round live review: a group of the pattern deleted while the tail ran ended the
    /// whole tail ("no log group matches" the deleted name). It leaves; the others go on.
    #[test]
    fn a_group_deleted_while_polling_leaves_the_tail() {
        let now = chrono::Utc::now().timestamp_millis();
        let http = StaticReplayClient::new(vec![
            ReplayEvent::new(
                request(),
                json(serde_json::json!({"logGroups": [
                    {"logGroupName": "/aws/lambda/a", "storedBytes": 10},
                    {"logGroupName": "/aws/lambda/b", "storedBytes": 10}]})),
            ),
            group_not_found(),
            ReplayEvent::new(
                request(),
                json(serde_json::json!({"events": [
                    {"eventId": "e1", "logStreamName": "s", "timestamp": now - 1000, "message": "still here"}]})),
            ),
        ]);
        let mut f = follower(&http, "/aws/lambda/*", now - 60_000, false);
        let inputs = f.poll().unwrap();
        assert_eq!(text(inputs).matches("still here").count(), 1);
        let notice = f.take_notice().unwrap_or_default();
        assert!(
            notice.contains("/aws/lambda/a no longer exist") && notice.contains("1 other(s)"),
            "{notice}"
        );
        assert_eq!(f.groups.len(), 1);
        // The only group deleted: the tail waits for one to appear, saying so, and a later
        // listing that finds none is no error (fifth-round verification: it stopped with "no
        // log group matches", and said it went on with "0 other(s)").
        let http = StaticReplayClient::new(vec![
            listed("/aws/lambda/a", "arn:a"),
            group_not_found(),
            ReplayEvent::new(request(), json(serde_json::json!({"logGroups": []}))),
        ]);
        let mut f = follower(&http, "/aws/lambda/a", now - 60_000, false);
        assert!(f.poll().unwrap().is_empty());
        let notice = f.take_notice().unwrap_or_default();
        assert!(notice.contains("no group is left to follow"), "{notice}");
        f.listed_at = None;
        assert!(f.poll_filter().unwrap().is_empty());
    }

    /// The same across history and a live-tail session (whose events carry no id): the two
    /// same-content events of the history are not printed again when the session delivers
    /// them, a third one is; a session that ends as soon as it starts (moto's) is not started
    /// again: the tail polls, and says so.
    #[test]
    fn same_content_events_across_history_and_live_tail() {
        let group = "/aws/lambda/orders-api";
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api";
        let now = chrono::Utc::now().timestamp_millis();
        let live = |msg: &str| serde_json::json!({"logGroupIdentifier": arn, "logStreamName": "s", "timestamp": now - 1000, "message": msg, "ingestionTime": now});
        let stream = session(
            arn,
            serde_json::json!([live("retrying"), live("retrying"), live("retrying")]),
        );
        let ev = |id: &str| serde_json::json!({"eventId": id, "logStreamName": "s", "timestamp": now - 1000, "message": "retrying"});
        let http = StaticReplayClient::new(vec![
            listed(group, arn),
            ReplayEvent::new(
                request(),
                json(serde_json::json!({"events": [ev("e1"), ev("e2")]})),
            ),
            streamed(stream),
        ]);
        let mut f = follower(&http, group, now - 60_000, true);
        let history = text(f.poll().unwrap());
        assert_eq!(history.matches("retrying").count(), 2, "{history}");
        let live = text(f.poll().unwrap());
        assert_eq!(live.matches("retrying").count(), 1, "{live}");
        assert!(matches!(f.mode, Mode::Polling));
        let notice = f.take_notice().unwrap();
        assert!(notice.contains("end as soon as they start"), "{notice}");
        // No further StartLiveTail call was made.
        assert_eq!(http.actual_requests().count(), 3);
    }
}
