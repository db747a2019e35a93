//! SQL `LIKE`, as PostgreSQL matches it: upstream's `name` filter is `lower(name) LIKE '%' ||
//! lower(:name) || '%'` (SQLAlchemy's `contains` without autoescape), so `%` and `_` in the filter
//! are wildcards and a backslash makes the next character literal.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// `%`: any run of characters.
    Any,
    /// `_`: one character.
    One,
    Literal(char),
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub struct Pattern(Vec<Token>);

/// `lower(text) LIKE '%' || lower(filter) || '%'`, upstream's `name` filter.
#[derive(Clone, Debug)]
pub struct ContainsIgnoringCase {
    pattern: Pattern,
    /// The lowercased filter when it is ASCII without wildcards or escapes: then an ASCII name
    /// is searched in place, with no copy (the common case, and a scan visits every name).
    ascii_literal: Option<Vec<u8>>,
}

impl ContainsIgnoringCase {
    pub fn new(filter: &str) -> ContainsIgnoringCase {
        let lowered = filter.to_lowercase();
        let plain = lowered.is_ascii() && !lowered.contains(['%', '_', '\\']);
        let ascii_literal = plain.then(|| lowered.as_bytes().to_vec());
        ContainsIgnoringCase { pattern: Pattern::contains(&lowered), ascii_literal }
    }

    pub fn matches(&self, text: &str) -> bool {
        match &self.ascii_literal {
            Some(needle) if text.is_ascii() => {
                needle.is_empty() || text.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
            }
            _ => self.pattern.matches(&text.to_lowercase()),
        }
    }
}

impl Pattern {
    /// `'%' || text || '%'`.
    pub fn contains(text: &str) -> Pattern {
        Pattern::new(&format!("%{text}%"))
    }

    pub fn new(pattern: &str) -> Pattern {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            tokens.push(match c {
                '%' => Token::Any,
                '_' => Token::One,
                // The pattern always ends in `%` here, so an escape always has a character after it.
                '\\' => Token::Literal(chars.next().unwrap_or('\\')),
                other => Token::Literal(other),
            });
        }
        Pattern(tokens)
    }

    /// Whether `text` matches the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let tokens = &self.0;
        // The classic wildcard matcher: on a mismatch, go back to the last `%` and let it take
        // one more character.
        let (mut t, mut p) = (0, 0);
        let mut last_any: Option<(usize, usize)> = None;
        while t < text.len() {
            match tokens.get(p) {
                Some(Token::Any) => {
                    last_any = Some((p, t));
                    p += 1;
                }
                Some(Token::One) => {
                    t += 1;
                    p += 1;
                }
                Some(Token::Literal(c)) if *c == text[t] => {
                    t += 1;
                    p += 1;
                }
                _ => match last_any {
                    Some((any, from)) => {
                        p = any + 1;
                        t = from + 1;
                        last_any = Some((any, from + 1));
                    }
                    None => return false,
                },
            }
        }
        tokens[p..].iter().all(|token| *token == Token::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(filter: &str, name: &str) -> bool {
        Pattern::contains(filter).matches(name)
    }

    #[test]
    fn ignoring_case_takes_the_ascii_path_only_where_it_agrees() {
        let matches = |filter: &str, name: &str| ContainsIgnoringCase::new(filter).matches(name);
        assert!(matches("BOB", "little bobby") && !matches("bob", "b o b"));
        assert!(matches("", "anything") && matches("", ""));
        assert!(matches("k", "\u{212A}elvin"), "the Kelvin sign lowercases to k");
        assert!(matches("ü", "MÜLLER") && matches("a_b", "AXB"));
    }

    #[test]
    fn wildcards_and_escapes_as_postgresql() {
        assert!(contains("a_b", "axb") && contains("a_b", "a_b") && !contains("a_b", "ab"));
        assert!(contains("__", "ab") && !contains("__", "a"));
        assert!(contains("a%b", "a long b") && contains("%", "") && contains("", "anything"));
        assert!(contains("a\\_b", "xa_by") && !contains("a\\_b", "axb"));
        assert!(contains("50\\%", "50% off") && !contains("50\\%", "50 off"));
        // `%\%`: the filter's backslash escapes the closing `%`, so the name must end in `%`.
        assert!(contains("\\", "100%") && !contains("\\", "100% off"));
        assert!(contains("東", "東京") && !contains("x", "東京"));
        // A `%` retried from further along each time the rest fails.
        assert!(contains("abab", "abaabab") && contains("aab", "aaab") && !contains("abc", "ababab"));
    }
}
