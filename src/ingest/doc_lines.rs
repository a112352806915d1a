//! Where the records of a multi-line JSON document start: the line of each element of the
//! document's top-level array, and of each element of an array that is a value of its top-level
//! object (`events` of `filter-log-events`/`get-log-events`, `logEvents`, `payload`, ...).
//!
//! serde_json's values keep no positions, and pretty-printed AWS CLI output spreads one page of
//! events over thousands of lines; without this every record and skip of such a file would name
//! the document's first line. One string-aware pass over the text, run only for documents that
//! span more than one line (a page of a few MB takes a few milliseconds), written here because
//! a JSON parser that reports element positions would mean a second parser of the same text.

/// Start lines (1-based, in the file) of the elements of a document's record arrays.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DocLines {
    /// Elements of the document itself when it is an array.
    pub top: Vec<u64>,
    /// Elements of each array-valued key of the document when it is an object, by key (the
    /// key's raw text; the last of a repeated key, as serde_json keeps it).
    pub by_key: Vec<(String, Vec<u64>)>,
}

impl DocLines {
    /// The line of element `index` of the top-level array.
    pub fn top(&self, index: usize) -> Option<u64> {
        self.top.get(index).copied()
    }

    /// The line of element `index` of the array under `key` of the top-level object.
    pub fn of_key(&self, key: &str, index: usize) -> Option<u64> {
        self.by_key
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .and_then(|(_, lines)| lines.get(index).copied())
    }
}

/// One open container while scanning.
struct Frame {
    is_array: bool,
    /// Where this array's element lines go: `None` = not recorded, `Some(None)` = `top`,
    /// `Some(Some(i))` = `by_key[i]`.
    record: Option<Option<usize>>,
    /// Array: an element may start next. Object: a key may come next.
    awaiting: bool,
}

/// Scans `text` (a whole JSON document whose first line is line `start_line` of its file).
/// Malformed text gives whatever was found before the fault; the parser reports the fault.
pub fn doc_lines(text: &str, start_line: u64) -> DocLines {
    let b = text.as_bytes();
    let mut out = DocLines::default();
    let mut line = start_line;
    let mut stack: Vec<Frame> = Vec::new();
    let mut top_key: Option<&str> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        if let Some(f) = stack.last_mut() {
            if f.is_array && f.awaiting && c != b']' && c != b',' {
                f.awaiting = false;
                match f.record {
                    Some(None) => out.top.push(line),
                    Some(Some(k)) => out.by_key[k].1.push(line),
                    None => {}
                }
            }
        }
        match c {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    match b[i] {
                        b'\\' => i += 1,
                        b'\n' => line += 1,
                        _ => {}
                    }
                    i += 1;
                }
                let depth = stack.len();
                if let Some(f) = stack.last_mut() {
                    if !f.is_array && f.awaiting {
                        f.awaiting = false;
                        if depth == 1 {
                            top_key = text.get(start..i.min(b.len()));
                        }
                    }
                }
            }
            b'[' => {
                let record = match stack.as_slice() {
                    [] => Some(None),
                    [f] if !f.is_array => top_key.take().map(|k| {
                        out.by_key.push((k.to_string(), Vec::new()));
                        Some(out.by_key.len() - 1)
                    }),
                    _ => None,
                };
                stack.push(Frame {
                    is_array: true,
                    record,
                    awaiting: true,
                });
            }
            b'{' => stack.push(Frame {
                is_array: false,
                record: None,
                awaiting: true,
            }),
            b']' | b'}' => {
                stack.pop();
            }
            b',' => {
                if let Some(f) = stack.last_mut() {
                    f.awaiting = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_of_a_pretty_printed_page() {
        let text = r#"{
    "events": [
        {
            "logStreamName": "2025/09/01/[$LATEST]abc",
            "timestamp": 1756684800000,
            "message": "START RequestId: a \"quoted\" [not an element], {}\n",
            "eventId": "1"
        },
        {
            "message": "END RequestId: a\n"
        }
    ],
    "searchedLogStreams": [],
    "nextToken": "x[y"
}
"#;
        let d = doc_lines(text, 10);
        assert_eq!(d.of_key("events", 0), Some(12));
        assert_eq!(d.of_key("events", 1), Some(18));
        assert_eq!(d.of_key("events", 2), None);
        assert_eq!(d.of_key("searchedLogStreams", 0), None);
        assert!(d.top.is_empty());
    }

    #[test]
    fn elements_of_a_top_level_array_and_nested_arrays_not_recorded() {
        let text = "[\n  {\"a\": [1,\n 2]},\n  [3],\n  \"s\", 4\n]";
        let d = doc_lines(text, 1);
        assert_eq!(d.top, [2, 4, 5, 5]);
        assert!(d.by_key.is_empty());
    }

    #[test]
    fn keys_inside_nested_objects_are_not_top_level_keys() {
        let text = "{\"outer\": {\"events\": [\n{}]},\n\"events\":\n[\n{}, {}]}";
        let d = doc_lines(text, 1);
        assert_eq!(d.by_key.len(), 1);
        assert_eq!(d.of_key("events", 0), Some(5));
        assert_eq!(d.of_key("events", 1), Some(5));
    }

    #[test]
    fn malformed_text_gives_what_was_found() {
        let d = doc_lines("{\"events\": [\n{\"m\": \"unterminated", 1);
        assert_eq!(d.of_key("events", 0), Some(2));
        let d = doc_lines("]]]}}{", 1);
        assert!(d.top.is_empty() && d.by_key.is_empty());
    }
}
