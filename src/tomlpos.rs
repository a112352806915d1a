//! Positions in TOML files, for errors found after parsing (range and consistency checks name
//! a key path; the user needs its line).

/// The line of a TOML file where the value at `key` (a path such as
/// `functions[2].keep_alive.idle_timeout_s` or `price[0]`, as scenario and price-file errors
/// name them) is written; when the file leaves it at its default, the line of the closest table that holds
/// it (`[[functions]]`). `None` when the text does not parse or holds no part of the path.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut table: &DeTable<'_> = doc.get_ref();
    let mut span: Option<std::ops::Range<usize>> = None;
    'path: for part in key.split('.') {
        let (name, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let Some(mut value) = table.get(name) else {
            break;
        };
        span = Some(value.span());
        for index in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            let (Ok(i), DeValue::Array(items)) = (index.parse::<usize>(), value.get_ref()) else {
                break 'path;
            };
            let Some(item) = items.get(i) else {
                break 'path;
            };
            value = item;
            span = Some(value.span());
        }
        match value.get_ref() {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    let at = span?.start.min(text.len());
    let line = text.as_bytes()[..at]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_defaults_are_found_on_their_lines() {
        let text = "duration_s = 3600\n\n[account]\nconcurrency_limit = 10\n\n[[functions]]\nname = \"a\"\n\n[[functions]]\nname = \"b\"\nkeep_alive = { policy = \"fixed\",\n  idle_timeout_s = -1 }\nmemory_mb = 99999\n";
        assert_eq!(line_of_key(text, "duration_s"), Some(1));
        assert_eq!(line_of_key(text, "account.concurrency_limit"), Some(4));
        assert_eq!(line_of_key(text, "functions[1].memory_mb"), Some(13));
        assert_eq!(
            line_of_key(text, "functions[1].keep_alive.idle_timeout_s"),
            Some(12)
        );
        // Left at its default: the closest table that is written, or nothing.
        let in_second = line_of_key(text, "functions[1].cold").unwrap();
        assert!((9..=10).contains(&in_second), "{in_second}");
        assert_eq!(line_of_key(text, "warmup_s"), None);
        assert_eq!(line_of_key(text, "functions[7].name"), Some(6));
        assert_eq!(line_of_key("not = [toml", "not"), None);
    }
}
