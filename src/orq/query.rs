//! The list query of `GET /v2/identities`, in every encoding either revision's clients use.

use crate::http::query_pairs;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortBy {
    /// Newest first (also what `IDENTITY_SORT_FIELD_UNSPECIFIED` means).
    Created,
    /// A to Z by display name, case-insensitively; identities without one last.
    DisplayName,
    /// Most recently updated first.
    Updated,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cursor {
    None,
    /// `starting_after`: the page after this `_id`.
    After(String),
    /// `ending_before`: the page before this `_id`.
    Before(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ListQuery {
    pub limit: usize,
    pub cursor: Cursor,
    pub search: Option<String>,
    pub tags: Vec<String>,
    pub include_metrics: bool,
    pub include_budget: bool,
    pub sort_by: SortBy,
}

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;

/// grpc-gateway reads booleans with Go's `strconv.ParseBool`.
pub fn parse_bool(name: &str, text: &str) -> Result<bool, String> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!("{name} must be true or false, got {text:?}")),
    }
}

/// A tag list written as a JSON array (`["a","b"]`), as Python's list repr (`['a', 'b']`, which
/// orq-ai-sdk 4.9.3 sends), or comma-separated (`a,b`).
pub fn parse_tag_list(text: &str) -> Result<Vec<String>, String> {
    let trimmed = text.trim();
    if !trimmed.starts_with('[') {
        return Ok(trimmed.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect());
    }
    if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(trimmed) {
        return items
            .into_iter()
            .map(|item| match item {
                Value::String(tag) => Ok(tag),
                other => Err(format!("tags must be strings, got {other}")),
            })
            .collect();
    }
    parse_python_string_list(trimmed).ok_or_else(|| format!("tags is not a list of strings: {text:?}"))
}

/// Parses `['a', "b's"]`: Python's repr of a list of strings.
fn parse_python_string_list(text: &str) -> Option<Vec<String>> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let mut chars = inner.chars().peekable();
    let mut items = Vec::new();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(quote) = chars.next() else {
            return Some(items);
        };
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut item = String::new();
        loop {
            match chars.next()? {
                '\\' => match chars.next()? {
                    'n' => item.push('\n'),
                    't' => item.push('\t'),
                    'r' => item.push('\r'),
                    // repr() writes other unprintable characters as \xNN, \uNNNN or \UNNNNNNNN.
                    'x' => item.push(hex_char(&mut chars, 2)?),
                    'u' => item.push(hex_char(&mut chars, 4)?),
                    'U' => item.push(hex_char(&mut chars, 8)?),
                    other => item.push(other),
                },
                c if c == quote => break,
                c => item.push(c),
            }
        }
        items.push(item);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Some(items),
            Some(',') => continue,
            Some(_) => return None,
        }
    }
}

/// The character whose code point is the next `digits` hex digits.
fn hex_char(chars: &mut impl Iterator<Item = char>, digits: usize) -> Option<char> {
    let hex: String = chars.take(digits).collect();
    if hex.len() != digits {
        return None;
    }
    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)
}

/// Tags from `filter_by` written as a JSON object (`{"tags":[...]}`) or as `tags=a,b`.
fn parse_filter_by(text: &str) -> Result<Vec<String>, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let value: Value = serde_json::from_str(trimmed).map_err(|e| format!("filter_by is not valid JSON: {e}"))?;
        return match value.get("tags") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(_)) => parse_tag_list(&value["tags"].to_string()),
            Some(Value::String(list)) => parse_tag_list(list),
            Some(other) => Err(format!("filter_by.tags must be a list of strings, got {other}")),
        };
    }
    match trimmed.strip_prefix("tags=").or_else(|| trimmed.strip_prefix("tags:")) {
        Some(list) => parse_tag_list(list),
        None if trimmed.is_empty() => Ok(Vec::new()),
        None => Err(format!("filter_by must be a JSON object like {{\"tags\":[\"a\"]}} or tags=a,b, got {text:?}")),
    }
}

impl ListQuery {
    /// Reads the list query; unknown parameters are ignored. The message of an error names the
    /// parameter.
    pub fn parse(raw: &str) -> Result<ListQuery, String> {
        let mut query = ListQuery {
            limit: DEFAULT_LIMIT,
            cursor: Cursor::None,
            search: None,
            tags: Vec::new(),
            include_metrics: false,
            include_budget: false,
            sort_by: SortBy::Created,
        };
        let mut after = None;
        let mut before = None;
        for (key, value) in query_pairs(raw) {
            match key.as_str() {
                "limit" => {
                    let limit: i64 = value.trim().parse().map_err(|_| format!("limit must be an integer, got {value:?}"))?;
                    if !(1..=MAX_LIMIT as i64).contains(&limit) {
                        return Err(format!("limit must be between 1 and {MAX_LIMIT}, got {limit}"));
                    }
                    query.limit = limit as usize;
                }
                "starting_after" if !value.is_empty() => after = Some(value),
                "ending_before" if !value.is_empty() => before = Some(value),
                "search" if !value.is_empty() => {
                    if value.chars().count() < 2 {
                        return Err(format!("search must be at least 2 characters, got {value:?}"));
                    }
                    query.search = Some(value.to_lowercase());
                }
                // The current encoding: one value per repeated key, taken as is.
                "filter_by.tags" | "filter_by[tags]" | "filter_by[tags][]" => query.tags.push(value),
                "filter_by" => query.tags.extend(parse_filter_by(&value)?),
                "tags" => query.tags.extend(parse_tag_list(&value)?),
                "include_metrics" => query.include_metrics = parse_bool("include_metrics", &value)?,
                "include_budget" => query.include_budget = parse_bool("include_budget", &value)?,
                "sort_by" => {
                    query.sort_by = match value.as_str() {
                        "IDENTITY_SORT_FIELD_UNSPECIFIED" | "" => SortBy::Created,
                        "IDENTITY_SORT_FIELD_DISPLAY_NAME" => SortBy::DisplayName,
                        "IDENTITY_SORT_FIELD_UPDATED" => SortBy::Updated,
                        other => {
                            return Err(format!(
                                "sort_by must be one of IDENTITY_SORT_FIELD_UNSPECIFIED, IDENTITY_SORT_FIELD_DISPLAY_NAME, IDENTITY_SORT_FIELD_UPDATED, got {other:?}"
                            ))
                        }
                    }
                }
                _ => {}
            }
        }
        query.cursor = match (after, before) {
            (Some(_), Some(_)) => return Err("starting_after and ending_before cannot be used together".into()),
            (Some(after), None) => Cursor::After(after),
            (None, Some(before)) => Cursor::Before(before),
            (None, None) => Cursor::None,
        };
        query.tags.retain(|tag| !tag.is_empty());
        Ok(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(raw: &str) -> Vec<String> {
        ListQuery::parse(raw).unwrap().tags
    }

    #[test]
    fn every_tag_encoding_parses() {
        let expected = vec!["premium".to_string(), "beta user".to_string()];
        assert_eq!(tags("filter_by.tags=premium&filter_by.tags=beta+user"), expected);
        assert_eq!(tags("filter_by=%7B%22tags%22%3A%5B%22premium%22%2C%22beta+user%22%5D%7D"), expected);
        assert_eq!(tags("filter_by=tags%3Dpremium%2Cbeta+user"), expected);
        assert_eq!(tags("tags=premium,beta+user"), expected);
        assert_eq!(tags("filter_by[tags]=premium&filter_by[tags]=beta%20user"), expected);
        // orq-ai-sdk 4.9.3 sends Python's repr of the list.
        assert_eq!(tags("tags=%5B%27premium%27%2C+%27beta+user%27%5D"), expected);
        assert_eq!(tags(r#"tags=["premium","beta user"]"#), expected);
        // The current encoding keeps commas inside a tag.
        assert_eq!(tags("filter_by.tags=a,b"), vec!["a,b".to_string()]);
    }

    #[test]
    fn python_list_repr_with_quotes_and_escapes() {
        assert_eq!(parse_python_string_list(r#"["it's", 'a\'b', 'c\\d']"#).unwrap(), vec!["it's", "a'b", "c\\d"]);
        assert_eq!(parse_python_string_list("[]").unwrap(), Vec::<String>::new());
        assert!(parse_python_string_list("['a' 'b']").is_none());
        assert!(parse_python_string_list("['a").is_none());
        // Python writes what is not printable ASCII as \x, \u and \U escapes.
        let escaped = parse_python_string_list(r"['caf\xe9', '\u00e9t\u00e9', '\U0001f600']").unwrap();
        assert_eq!(escaped, vec!["café", "été", "😀"]);
        assert!(parse_python_string_list(r"['\u00e']").is_none(), "a short escape");
    }

    #[test]
    fn filter_by_is_a_json_object_a_tag_list_or_nothing() {
        assert_eq!(parse_filter_by("  ").unwrap(), Vec::<String>::new());
        assert_eq!(parse_filter_by(r#"{"tags": null}"#).unwrap(), Vec::<String>::new());
        assert_eq!(parse_filter_by("tags:a,b").unwrap(), vec!["a", "b"]);
        assert!(parse_filter_by("premium").unwrap_err().starts_with("filter_by must be a JSON object"));
        assert!(parse_filter_by(r#"{"tags": 3}"#).unwrap_err().starts_with("filter_by.tags must be a list"));
    }

    #[test]
    fn limits_and_cursors() {
        assert_eq!(ListQuery::parse("").unwrap().limit, 10);
        assert_eq!(ListQuery::parse("limit=50").unwrap().limit, 50);
        assert_eq!(ListQuery::parse("limit=0").unwrap_err(), "limit must be between 1 and 50, got 0");
        assert_eq!(ListQuery::parse("limit=51").unwrap_err(), "limit must be between 1 and 50, got 51");
        assert_eq!(ListQuery::parse("limit=x").unwrap_err(), "limit must be an integer, got \"x\"");
        assert_eq!(ListQuery::parse("starting_after=A").unwrap().cursor, Cursor::After("A".into()));
        assert_eq!(ListQuery::parse("ending_before=B").unwrap().cursor, Cursor::Before("B".into()));
        assert!(ListQuery::parse("starting_after=A&ending_before=B").is_err());
        // An empty cursor is no cursor (generated clients send the key with nothing after it).
        assert_eq!(ListQuery::parse("starting_after=&ending_before=B").unwrap().cursor, Cursor::Before("B".into()));
        assert_eq!(ListQuery::parse("starting_after=A&ending_before=").unwrap().cursor, Cursor::After("A".into()));
    }

    #[test]
    fn search_flags_and_sort() {
        assert!(ListQuery::parse("search=a").unwrap_err().contains("at least 2"));
        assert_eq!(ListQuery::parse("search=AdA").unwrap().search.as_deref(), Some("ada"));
        assert_eq!(ListQuery::parse("search=Ab").unwrap().search.as_deref(), Some("ab"), "two are enough");
        assert_eq!(ListQuery::parse("search=").unwrap().search, None);
        let flags = ListQuery::parse("include_metrics=1&include_budget=true").unwrap();
        assert!(flags.include_metrics && flags.include_budget);
        assert!(ListQuery::parse("include_metrics=yes").is_err());
        // Go's strconv.ParseBool, both ways.
        for (text, value) in [("1", true), ("T", true), ("True", true), ("0", false), ("F", false), ("FALSE", false)] {
            assert_eq!(parse_bool("include_budget", text), Ok(value), "{text}");
        }
        assert_eq!(ListQuery::parse("sort_by=IDENTITY_SORT_FIELD_UPDATED").unwrap().sort_by, SortBy::Updated);
        assert!(ListQuery::parse("sort_by=NAME").is_err());
    }
}
