//! Live tail of `cloudwatch://` groups (`faascope logs --follow`).
//!
//! First the recent history (FilterLogEvents from the start of the window), then a StartLiveTail
//! session streams new events as they are ingested. Where StartLiveTail is not available (more
//! than 10 groups, a missing `logs:StartLiveTail` permission, an endpoint that does not serve
//! it such as an emulator, or a session that fails), the tail polls FilterLogEvents every 2 s
//! instead, reading from a little before the newest event seen. Either way each event is
//! printed once: events are remembered by id (polling) and by content (live tail, whose events
//! carry no id) for as long as they may come again. A session ends after at most 3 hours (the
//! service's limit): a new one is started from the newest event seen.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::Client;

use super::{
    classify, config, describe_groups, export_line, runtime, AwsError, AwsOptions, GroupInfo,
    CLOUDWATCH,
};
use crate::ingest::MemoryInput;

/// Events that arrive this late (CloudWatch ingestion delay) are still shown when polling.
const LATE_MS: i64 = 30_000;

/// Pause between polls, and the longest a live-tail poll waits for events.
const POLL: Duration = Duration::from_secs(2);

/// Groups one StartLiveTail session may follow.
const LIVE_TAIL_MAX_GROUPS: usize = 10;

type LiveStream = EventReceiver<StartLiveTailResponseStream, StartLiveTailResponseStreamError>;

enum Mode {
    /// History not read yet.
    Start,
    Live(Box<LiveStream>),
    Polling,
}

/// A live tail; [`Follower::poll`] returns what arrived since the last call.
pub struct Follower {
    rt: tokio::runtime::Runtime,
    client: Client,
    patterns: Vec<String>,
    groups: Vec<GroupInfo>,
    listed_at: Option<std::time::Instant>,
    from_ms: i64,
    /// Event ids and contents already returned, with their timestamps.
    seen: HashMap<String, i64>,
    mode: Mode,
    live_tail: bool,
    /// Said once when the tail falls back to polling.
    notice: Option<String>,
}

/// An event's identity when it has no id: group, stream, time and text.
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
        Ok(Self::with_client(
            rt,
            Client::new(&conf),
            patterns,
            start_ms,
            true,
        ))
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
            mode: Mode::Start,
            live_tail,
            notice: None,
        }
    }

    /// Why the tail polls instead of streaming, once.
    pub fn take_notice(&mut self) -> Option<String> {
        self.notice.take()
    }

    /// The events that arrived since the last call, as export lines (one input per group).
    /// Waits up to 2 s for them.
    pub fn poll(&mut self) -> Result<Vec<MemoryInput>, AwsError> {
        match std::mem::replace(&mut self.mode, Mode::Polling) {
            Mode::Start => {
                let inputs = self.poll_filter()?;
                self.mode = self.start_live_tail();
                Ok(inputs)
            }
            Mode::Polling => {
                std::thread::sleep(POLL);
                self.poll_filter()
            }
            Mode::Live(mut stream) => {
                let (inputs, open) = self.drain_live(&mut stream);
                self.mode = match open {
                    Ok(true) => Mode::Live(stream),
                    // The session ended (its 3-hour limit): a new one from the newest event.
                    Ok(false) => self.start_live_tail(),
                    Err(why) => {
                        self.notice = Some(format!(
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
            let found = self.rt.block_on(describe_groups(&self.client, p))?;
            if found.is_empty() {
                return Err(AwsError::NoGroups(format!("{CLOUDWATCH}{p}")));
            }
            groups.extend(found);
        }
        groups.sort();
        groups.dedup();
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
            self.notice = Some(format!(
                "live tail follows at most {LIVE_TAIL_MAX_GROUPS} groups with ARNs; polling FilterLogEvents every 2 s for these {}",
                self.groups.len()
            ));
            return Mode::Polling;
        }
        let started = self.rt.block_on(
            self.client
                .start_live_tail()
                .set_log_group_identifiers(Some(arns))
                .send(),
        );
        match started {
            Ok(out) => Mode::Live(Box::new(out.response_stream)),
            Err(e) => {
                let why = classify(e, "logs:StartLiveTail", "the groups");
                self.notice = Some(format!(
                    "StartLiveTail is not available here ({why}); polling FilterLogEvents every 2 s instead"
                ));
                Mode::Polling
            }
        }
    }

    /// Events of a live-tail session for up to 2 s; `Ok(false)` when the session ended.
    fn drain_live(&mut self, stream: &mut LiveStream) -> (Vec<MemoryInput>, Result<bool, String>) {
        let mut per_group: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
        let deadline = tokio::time::Instant::now() + POLL;
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
                        let group = group_name(e.log_group_identifier().unwrap_or("")).to_string();
                        let stream_name = e.log_stream_name().unwrap_or("");
                        if self
                            .seen
                            .insert(content_key(&group, stream_name, ts, msg), ts)
                            .is_some()
                        {
                            continue;
                        }
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
        self.seen.retain(|_, ts| *ts >= keep_from);
    }

    /// FilterLogEvents from a little before the newest event seen.
    fn poll_filter(&mut self) -> Result<Vec<MemoryInput>, AwsError> {
        self.list()?;
        let c = self.client.clone();
        let from = (self.from_ms - LATE_MS).max(0);
        let now = chrono::Utc::now().timestamp_millis() + 1;
        let mut inputs = Vec::new();
        let mut newest = self.from_ms;
        for g in &self.groups {
            let g = &g.name;
            let mut out = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let page = self
                    .rt
                    .block_on(
                        c.filter_log_events()
                            .log_group_name(g)
                            .start_time(from)
                            .end_time(now)
                            .set_next_token(token.clone())
                            .send(),
                    )
                    .map_err(|e| classify(e, "logs:FilterLogEvents", g))?;
                for ev in page.events() {
                    let (Some(ts), Some(msg)) = (ev.timestamp(), ev.message()) else {
                        continue;
                    };
                    let stream = ev.log_stream_name().unwrap_or("");
                    // Known by id (a later poll) or by content (a live tail before it).
                    let content = content_key(g, stream, ts, msg);
                    let fresh = match ev.event_id() {
                        Some(id) => self.seen.insert(id.to_string(), ts).is_none(),
                        None => true,
                    } && self.seen.insert(content, ts).is_none();
                    if !fresh {
                        continue;
                    }
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
    /// AWS sends): the event both give is returned once; when the session ends, a new one is
    /// asked for, and its failure falls back to polling with a notice.
    #[test]
    fn history_then_live_tail_each_event_once() {
        let group = "/aws/lambda/orders-api";
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api";
        let now = chrono::Utc::now().timestamp_millis();
        let mut stream = event(
            "sessionStart",
            serde_json::json!({"sessionId": "s1", "logGroupIdentifiers": [arn]}),
        );
        stream.extend(event(
            "sessionUpdate",
            serde_json::json!({
                "sessionMetadata": {"sampled": false},
                "sessionResults": [
                    {"logGroupIdentifier": format!("{arn}:*"), "logStreamName": "s", "timestamp": now - 1000, "message": "seen in history", "ingestionTime": now},
                    {"logGroupIdentifier": format!("{arn}:*"), "logStreamName": "s", "timestamp": now, "message": "new and live", "ingestionTime": now},
                ],
            }),
        ));
        let http = StaticReplayClient::new(vec![
            ReplayEvent::new(
                request(),
                json(
                    serde_json::json!({"logGroups": [{"logGroupName": group, "logGroupArn": arn, "storedBytes": 10}]}),
                ),
            ),
            ReplayEvent::new(
                request(),
                json(
                    serde_json::json!({"events": [{"eventId": "e1", "logStreamName": "s", "timestamp": now - 1000, "message": "seen in history"}]}),
                ),
            ),
            ReplayEvent::new(
                request(),
                http::Response::builder()
                    .status(200)
                    .header("content-type", "application/vnd.amazon.eventstream")
                    .body(SdkBody::from(stream))
                    .unwrap(),
            ),
            ReplayEvent::new(
                request(),
                http::Response::builder()
                    .status(400)
                    .header("content-type", "application/x-amz-json-1.1")
                    .body(SdkBody::from(
                        r#"{"__type":"AccessDeniedException","message":"no"}"#,
                    ))
                    .unwrap(),
            ),
        ]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut f = Follower::with_client(
            rt,
            logs_client(&http),
            vec![group.to_string()],
            now - 60_000,
            true,
        );
        let text = |inputs: Vec<MemoryInput>| -> String {
            inputs
                .iter()
                .map(|i| String::from_utf8_lossy(&i.bytes).to_string())
                .collect()
        };
        let history = text(f.poll().unwrap());
        assert_eq!(history.matches("seen in history").count(), 1, "{history}");
        assert!(matches!(f.mode, Mode::Live(_)));
        let live = text(f.poll().unwrap());
        assert!(!live.contains("seen in history"), "{live}");
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
}
