//! The order `logs` prints records in, also the order `query` breaks ties of one @timestamp in
//! (tenth-round dashboard review: an invocation's lines, read newest first, showed its REPORT
//! before its END under `sort @timestamp asc`, where `logs` had them right).
//!
//! By time; a record without a time at that of the timed record before it in its file (else the
//! one after it); records of one millisecond in the order read, by file and line, except:
//! - a file read newest first (more of its timed steps go back than forward) has its events of
//!   one millisecond reversed, each event's own lines (a traceback) kept in theirs;
//! - a REPORT stands right after its request's END of the same millisecond and place (a compact
//!   document's events share a line), else after its request's last line there, else before the
//!   others.

/// Where a record was read and what the order needs of it.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub timestamp: Option<i64>,
    pub file: &'a str,
    pub line: u64,
    /// An invocation's REPORT (not a log record).
    pub report: bool,
    /// A log line continuing the event before it (a traceback's lines after the first).
    pub continues: bool,
    pub request_id: Option<&'a str>,
    /// A text END line.
    pub end: bool,
    /// A START line (text, or the JSON log format's `platform.start`).
    pub start: bool,
}

impl Place<'_> {
    /// Where a record stands among its request's records of one millisecond: START, the
    /// request's own lines, END, REPORT.
    fn phase(&self) -> u8 {
        match (self.start, self.end, self.report) {
            (true, _, _) => 0,
            (_, true, _) => 2,
            (_, _, true) => 3,
            _ => 1,
        }
    }
}

/// The positions of `places` in the order described above.
pub fn read_order(places: &[Place<'_>]) -> Vec<usize> {
    let at = placed_times(places);
    let source = |i: usize| (places[i].file, places[i].line);
    let mut order: Vec<usize> = (0..places.len()).collect();
    order.sort_by(|&a, &b| {
        at[a]
            .unwrap_or(i64::MIN)
            .cmp(&at[b].unwrap_or(i64::MIN))
            .then_with(|| source(a).cmp(&source(b)))
            .then_with(|| a.cmp(&b))
    });
    let newest_first = newest_first_files(places);
    let same_ms_file = |a: usize, b: usize| at[a] == at[b] && places[a].file == places[b].file;
    let mut in_time: Vec<usize> = Vec::with_capacity(order.len());
    for run in order.chunk_by(|&a, &b| same_ms_file(a, b)) {
        if !newest_first.contains(places[run[0]].file) {
            in_time.extend_from_slice(run);
            continue;
        }
        // (An empty line between an event's lines is no record: the next one still continues.)
        let continues = |prev: usize, next: usize| {
            !places[prev].report && !places[next].report && places[next].continues
        };
        let mut events: Vec<&[usize]> = run.chunk_by(|&a, &b| continues(a, b)).collect();
        events.reverse();
        in_request_order(places, &mut events);
        for event in events {
            in_time.extend_from_slice(event);
        }
    }
    let same_place = |a: usize, b: usize| at[a] == at[b] && source(a) == source(b);
    let mut placed = Vec::with_capacity(in_time.len());
    for run in in_time.chunk_by(|&a, &b| same_place(a, b)) {
        let (reports, mut run_order): (Vec<usize>, Vec<usize>) =
            run.iter().partition(|&&i| places[i].report);
        let mut front = 0;
        for r in reports {
            let id = places[r].request_id;
            let of_request =
                |i: &usize| !places[*i].report && id.is_some() && places[*i].request_id == id;
            let after = run_order
                .iter()
                .rposition(|i| of_request(i) && places[*i].end)
                .or_else(|| run_order.iter().rposition(of_request));
            match after {
                Some(k) => run_order.insert(k + 1, r),
                None => {
                    run_order.insert(front, r);
                    front += 1;
                }
            }
        }
        placed.extend(run_order);
    }
    placed
}

/// The events of one request, in the places its events hold, put in the order Lambda writes
/// them: START, the request's lines, END, REPORT (logs2 review: a newest-first export that
/// lists the rows of one millisecond in the order written, as Logs Insights mostly does, had
/// its REPORT before its END once reversed). Other events keep their places.
fn in_request_order(places: &[Place<'_>], events: &mut [&[usize]]) {
    let mut by_request: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (k, e) in events.iter().enumerate() {
        if let Some(id) = places[e[0]].request_id {
            by_request.entry(id).or_default().push(k);
        }
    }
    for slots in by_request.values().filter(|s| s.len() > 1) {
        let mut own: Vec<&[usize]> = slots.iter().map(|&k| events[k]).collect();
        own.sort_by_key(|e| places[e[0]].phase());
        for (&k, e) in slots.iter().zip(own) {
            events[k] = e;
        }
    }
}

/// The files whose log lines were read newest first: of the pairs of timed lines one after
/// the other in a file, more go back in time than forward.
fn newest_first_files<'a>(places: &[Place<'a>]) -> std::collections::HashSet<&'a str> {
    let mut steps: std::collections::HashMap<&str, (u64, u64, i64)> = Default::default();
    for p in places.iter().filter(|p| !p.report) {
        let Some(t) = p.timestamp else { continue };
        let e = steps.entry(p.file).or_insert((0, 0, t));
        if t > e.2 {
            e.0 += 1;
        } else if t < e.2 {
            e.1 += 1;
        }
        e.2 = t;
    }
    steps
        .into_iter()
        .filter(|(_, (forward, back, _))| back > forward)
        .map(|(f, _)| f)
        .collect()
}

/// The time each record sorts at: its own, else that of the nearest timed record before it in
/// its file, else the nearest after it; `None` in a file without times.
fn placed_times(places: &[Place<'_>]) -> Vec<Option<i64>> {
    let mut by_place: Vec<usize> = (0..places.len()).collect();
    by_place
        .sort_by(|&a, &b| (places[a].file, places[a].line).cmp(&(places[b].file, places[b].line)));
    let mut at: Vec<Option<i64>> = places.iter().map(|p| p.timestamp).collect();
    for group in by_place.chunk_by(|&a, &b| places[a].file == places[b].file) {
        let mut before = None;
        for &i in group {
            match at[i] {
                Some(t) => before = Some(t),
                None => at[i] = before,
            }
        }
        let mut after = None;
        for &i in group.iter().rev() {
            match places[i].timestamp {
                Some(t) => after = Some(t),
                None if at[i].is_none() => at[i] = after,
                None => {}
            }
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: &str, line: u64, timestamp: Option<i64>) -> Place<'_> {
        Place {
            timestamp,
            file,
            line,
            report: false,
            continues: false,
            request_id: None,
            end: false,
            start: false,
        }
    }

    /// Sixth-round ingestion review: an untimed line keeps its place among its file's lines
    /// (the timed one before it, else after it), and a file without times keeps its order.
    #[test]
    fn untimed_lines_sort_beside_their_files_timed_lines() {
        let places = [
            at("a.log", 1, None),
            at("a.log", 2, Some(500)),
            at("a.log", 3, None),
            at("a.log", 4, Some(900)),
            at("a.log", 5, None),
            at("b.log", 1, None),
            at("c.log", 7, Some(100)),
        ];
        assert_eq!(
            placed_times(&places),
            [
                Some(500),
                Some(500),
                Some(500),
                Some(900),
                Some(900),
                None,
                Some(100)
            ]
        );
    }

    /// A file read newest first: its events of one millisecond go back in time order, a
    /// traceback's lines kept in theirs; a REPORT after its END of the same place.
    #[test]
    fn newest_first_files_and_reports_are_put_in_time_order() {
        let id = Some("r1");
        let mut places = vec![
            // Newest first: the END (line 1) and the log lines at 200, then START at 100.
            Place {
                end: true,
                request_id: id,
                ..at("n.log", 1, Some(200))
            },
            Place {
                request_id: id,
                ..at("n.log", 2, Some(200))
            },
            Place {
                continues: true,
                ..at("n.log", 3, Some(200))
            },
            Place {
                request_id: id,
                ..at("n.log", 4, Some(100))
            },
        ];
        // The REPORT, read apart from the log lines (an invocation), at the END's place.
        places.push(Place {
            report: true,
            request_id: id,
            ..at("n.log", 1, Some(200))
        });
        assert_eq!(read_order(&places), [3, 1, 2, 0, 4]);
    }

    /// A newest-first file that lists the rows of one millisecond in the order written (as
    /// Logs Insights mostly does): once reversed, each request's START, lines, END and REPORT
    /// are put back in that order; other requests' events keep their places (logs2 review).
    #[test]
    fn a_requests_records_of_one_millisecond_keep_lambdas_order() {
        let (a, b) = (Some("a"), Some("b"));
        let places = vec![
            // Newest first; within 300 ms as written: a's END, a's REPORT.
            Place {
                end: true,
                request_id: a,
                ..at("d.json", 1, Some(300))
            },
            Place {
                report: true,
                request_id: a,
                ..at("d.json", 2, Some(300))
            },
            // Within 200 ms as written: b's START, then b's line, then another's line.
            Place {
                start: true,
                request_id: b,
                ..at("d.json", 3, Some(200))
            },
            Place {
                request_id: b,
                ..at("d.json", 4, Some(200))
            },
            at("d.json", 5, Some(200)),
            at("d.json", 6, Some(100)),
        ];
        assert_eq!(read_order(&places), [5, 4, 2, 3, 0, 1]);
    }
}
