//! Where and why CPython 3.11's `json.loads(body)` rejects a request body.
//!
//! [`decode_error`] reproduces what `json.loads` does with a `bytes` argument (as Starlette's
//! `Request.json()` calls it), step by step:
//!
//! 1. `json.detect_encoding` picks UTF-8, UTF-8 with BOM (`utf-8-sig`), UTF-16 or UTF-32 from
//!    the first bytes, and the bytes are decoded with `errors='surrogatepass'`, so UTF-8-encoded
//!    surrogates (`ED A0 80`) and lone UTF-16/UTF-32 surrogates are accepted as code points.
//!    A leading UTF-8 BOM is therefore *stripped*, not an error: for `bytes` input Python never
//!    raises "Unexpected UTF-8 BOM" (that message only exists for `str` input). Bytes the chosen
//!    codec rejects make Python raise `UnicodeDecodeError`: [`Outcome::Undecodable`].
//! 2. The text is scanned exactly like the C accelerator `_json.scanner` (`scan_once_unicode`,
//!    `_parse_object_unicode`, `_parse_array_unicode`, `scanstring_unicode`,
//!    `_match_number_unicode`) with `strict=True`, and `JSONDecoder.decode` (leading and
//!    trailing whitespace, "Extra data"). Positions are code point offsets into the decoded text
//!    (after a stripped BOM), which is what `JSONDecodeError.pos` holds.
//! 3. Two other exceptions can escape `json.loads` while scanning, in document order:
//!    `RecursionError` for deep nesting ([`Outcome::TooDeep`]) and `ValueError` for an integer
//!    literal of more than 4300 digits ([`Outcome::IntTooLong`], Python 3.11's default
//!    `sys.get_int_max_str_digits()`).
//!
//! The nesting limit is measured: CPython counts JSON nesting against the interpreter's recursion
//! limit (1000 by default), shared with the Python frames already on the stack when `json.loads`
//! runs, so the threshold depends on the caller. Inside a Letta 0.16.8 request handler it is 961
//! nested containers on every identities route (962 is the 400), which [`DEFAULT_MAX_DEPTH`]
//! holds; [`decode_error_with_max_depth`] takes another value. The scanner itself is iterative
//! and never recurses, whatever the input.

/// Default nesting limit of [`decode_error`]: opening container number 962 gives
/// [`Outcome::TooDeep`], as on a real Letta 0.16.8 server.
pub const DEFAULT_MAX_DEPTH: usize = 961;

/// CPython 3.11's default `sys.get_int_max_str_digits()`.
pub const INT_MAX_STR_DIGITS: usize = 4300;

/// A `json.JSONDecodeError`: its `.msg` and `.pos` (a character offset into the decoded text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyJsonError {
    pub msg: String,
    pub pos: usize,
}

/// What `json.loads(body)` does with a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Python accepts the document.
    Valid,
    /// Python raises `json.JSONDecodeError` with this `.msg` and `.pos`.
    Invalid(PyJsonError),
    /// Python raises `UnicodeDecodeError` (the bytes do not decode in the detected encoding).
    Undecodable,
    /// Python raises `RecursionError` (nesting deeper than the limit is reached before any
    /// syntax error).
    TooDeep,
    /// Python raises `ValueError` ("Exceeds the limit (4300 digits) for integer string
    /// conversion"), reached before any syntax error.
    IntTooLong,
}

/// Given the raw request body bytes, returns what CPython 3.11's `json.loads(body)` does with it,
/// using [`DEFAULT_MAX_DEPTH`] as the nesting limit. See the module documentation.
pub fn decode_error(body: &[u8]) -> Outcome {
    decode_error_with_max_depth(body, DEFAULT_MAX_DEPTH)
}

/// What `json.loads(body)` reads, as JSON text serde_json reads the same way (see
/// [`super::pyvalues::serde_text`]), or why Python refuses the body.
pub fn decode(body: &[u8]) -> Result<String, Outcome> {
    let text = decode_bytes(body).ok_or(Outcome::Undecodable)?;
    match check_document(&text, DEFAULT_MAX_DEPTH) {
        Ok(()) => Ok(super::pyvalues::serde_text(&text)),
        Err(Fail::Json(msg, pos)) => Err(Outcome::Invalid(PyJsonError { msg: msg.to_string(), pos })),
        Err(Fail::TooDeep) => Err(Outcome::TooDeep),
        Err(Fail::IntTooLong) => Err(Outcome::IntTooLong),
    }
}

/// Like [`decode_error`], with `max_depth` nested objects/arrays allowed: opening one more gives
/// [`Outcome::TooDeep`] (a bare top-level array is depth 1).
pub fn decode_error_with_max_depth(body: &[u8], max_depth: usize) -> Outcome {
    let Some(text) = decode_bytes(body) else {
        return Outcome::Undecodable;
    };
    match check_document(&text, max_depth) {
        Ok(()) => Outcome::Valid,
        Err(Fail::Json(msg, pos)) => Outcome::Invalid(PyJsonError { msg: msg.to_string(), pos }),
        Err(Fail::TooDeep) => Outcome::TooDeep,
        Err(Fail::IntTooLong) => Outcome::IntTooLong,
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding: json.detect_encoding + bytes.decode(encoding, 'surrogatepass')
// ---------------------------------------------------------------------------------------------

/// Decodes `body` into code points the way `json.loads` does, or `None` where Python raises
/// `UnicodeDecodeError`.
fn decode_bytes(b: &[u8]) -> Option<Vec<u32>> {
    const UTF32_BE_BOM: &[u8] = &[0x00, 0x00, 0xFE, 0xFF];
    const UTF32_LE_BOM: &[u8] = &[0xFF, 0xFE, 0x00, 0x00];
    const UTF16_BE_BOM: &[u8] = &[0xFE, 0xFF];
    const UTF16_LE_BOM: &[u8] = &[0xFF, 0xFE];
    const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

    if let Some(rest) = b.strip_prefix(UTF32_BE_BOM) {
        return decode_utf32(rest, true);
    }
    if let Some(rest) = b.strip_prefix(UTF32_LE_BOM) {
        return decode_utf32(rest, false);
    }
    if let Some(rest) = b.strip_prefix(UTF16_BE_BOM) {
        return decode_utf16(rest, true);
    }
    if let Some(rest) = b.strip_prefix(UTF16_LE_BOM) {
        return decode_utf16(rest, false);
    }
    if let Some(rest) = b.strip_prefix(UTF8_BOM) {
        return decode_utf8_surrogatepass(rest);
    }
    match *b {
        [0, b1, _, _, ..] => {
            if b1 != 0 {
                decode_utf16(b, true)
            } else {
                decode_utf32(b, true)
            }
        }
        [_, 0, b2, b3, ..] => {
            if b2 != 0 || b3 != 0 {
                decode_utf16(b, false)
            } else {
                decode_utf32(b, false)
            }
        }
        [0, _] => decode_utf16(b, true),
        [_, 0] => decode_utf16(b, false),
        _ => decode_utf8_surrogatepass(b),
    }
}

/// UTF-8 as CPython decodes it with `surrogatepass`: strict UTF-8, except that the three-byte
/// encodings of U+D800..U+DFFF are accepted.
fn decode_utf8_surrogatepass(mut b: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        match std::str::from_utf8(b) {
            Ok(s) => {
                out.extend(s.chars().map(u32::from));
                return Some(out);
            }
            Err(e) => {
                let (good, bad) = b.split_at(e.valid_up_to());
                // `good` is valid UTF-8 by construction; decode it without re-checking panics.
                out.extend(String::from_utf8_lossy(good).chars().map(u32::from));
                match *bad {
                    [0xED, b1 @ 0xA0..=0xBF, b2 @ 0x80..=0xBF, ..] => {
                        out.push(0xD000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F));
                        b = &bad[3..];
                    }
                    _ => return None,
                }
            }
        }
    }
}

/// UTF-16 with `surrogatepass`: pairs combine, lone surrogates pass through, an odd trailing
/// byte is an error.
fn decode_utf16(b: &[u8], big_endian: bool) -> Option<Vec<u32>> {
    let chunks = b.chunks_exact(2);
    if !chunks.remainder().is_empty() {
        return None;
    }
    let unit = |pair: &[u8]| -> u32 {
        let (hi, lo) = match *pair {
            [x, y] if big_endian => (x, y),
            [x, y] => (y, x),
            _ => (0, 0),
        };
        u32::from(hi) << 8 | u32::from(lo)
    };
    let units: Vec<u32> = chunks.map(unit).collect();
    let mut out = Vec::with_capacity(units.len());
    let mut i = 0;
    while let Some(&u) = units.get(i) {
        match units.get(i + 1) {
            Some(&next) if (0xD800..0xDC00).contains(&u) && (0xDC00..0xE000).contains(&next) => {
                out.push(0x10000 + ((u - 0xD800) << 10) + (next - 0xDC00));
                i += 2;
            }
            _ => {
                out.push(u);
                i += 1;
            }
        }
    }
    Some(out)
}

/// UTF-32 with `surrogatepass`: any value up to U+10FFFF (surrogates included); a length that is
/// not a multiple of four is an error.
fn decode_utf32(b: &[u8], big_endian: bool) -> Option<Vec<u32>> {
    let chunks = b.chunks_exact(4);
    if !chunks.remainder().is_empty() {
        return None;
    }
    chunks
        .map(|c| {
            let bytes = <[u8; 4]>::try_from(c).ok()?;
            let cp = if big_endian { u32::from_be_bytes(bytes) } else { u32::from_le_bytes(bytes) };
            (cp <= 0x10FFFF).then_some(cp)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Scanning: JSONDecoder.decode + the C scanner of Modules/_json.c
// ---------------------------------------------------------------------------------------------

enum Fail {
    Json(&'static str, usize),
    TooDeep,
    IntTooLong,
}

const EXPECTING_VALUE: &str = "Expecting value";
const EXPECTING_NAME: &str = "Expecting property name enclosed in double quotes";
const EXPECTING_COLON: &str = "Expecting ':' delimiter";
const EXPECTING_COMMA: &str = "Expecting ',' delimiter";
const UNTERMINATED: &str = "Unterminated string starting at";
const CONTROL_CHAR: &str = "Invalid control character at";
const BAD_ESCAPE: &str = "Invalid \\escape";
const BAD_UNICODE_ESCAPE: &str = "Invalid \\uXXXX escape";
const EXTRA_DATA: &str = "Extra data";

const QUOTE: u32 = '"' as u32;
const BACKSLASH: u32 = '\\' as u32;

fn is_ws(c: u32) -> bool {
    matches!(c, 0x20 | 0x09 | 0x0A | 0x0D)
}

fn is_digit(c: u32) -> bool {
    (u32::from(b'0')..=u32::from(b'9')).contains(&c)
}

fn skip_ws(s: &[u32], mut idx: usize) -> usize {
    while s.get(idx).is_some_and(|&c| is_ws(c)) {
        idx += 1;
    }
    idx
}

/// Whether the text at `idx` is exactly `word`.
fn starts_with_at(s: &[u32], idx: usize, word: &str) -> bool {
    let n = word.len();
    match s.get(idx..idx.saturating_add(n)) {
        Some(window) => window.iter().zip(word.bytes()).all(|(&c, w)| c == u32::from(w)),
        None => false,
    }
}

#[derive(Clone, Copy)]
enum Container {
    Array,
    Object,
}

/// `JSONDecoder.decode(s)`: skip whitespace, scan one value, skip whitespace, require the end.
fn check_document(s: &[u32], max_depth: usize) -> Result<(), Fail> {
    let start = skip_ws(s, 0);
    let end = scan_value(s, start, max_depth)?;
    let end = skip_ws(s, end);
    if end != s.len() {
        return Err(Fail::Json(EXTRA_DATA, end));
    }
    Ok(())
}

/// `scan_once(s, idx)` with the recursion of objects and arrays unrolled onto an explicit stack.
/// Returns the index just after the value.
fn scan_value(s: &[u32], mut idx: usize, max_depth: usize) -> Result<usize, Fail> {
    // What to do next: read a value at `idx`, read an object key at `idx`, or continue the
    // innermost open container after one of its values ended at `idx`.
    enum Step {
        Value,
        Key,
        AfterValue,
    }
    let mut stack: Vec<Container> = Vec::new();
    let mut step = Step::Value;
    loop {
        match step {
            Step::Value => {
                // scan_once_unicode: an index at or past the end is StopIteration(idx).
                let Some(&c) = s.get(idx) else {
                    return Err(Fail::Json(EXPECTING_VALUE, idx));
                };
                step = Step::AfterValue;
                match char::from_u32(c).unwrap_or('\0') {
                    '"' => idx = scan_string(s, idx + 1)?,
                    open @ ('{' | '[') => {
                        // _Py_EnterRecursiveCall happens before anything inside is looked at.
                        if stack.len() >= max_depth {
                            return Err(Fail::TooDeep);
                        }
                        idx = skip_ws(s, idx + 1);
                        let (kind, close) =
                            if open == '{' { (Container::Object, '}') } else { (Container::Array, ']') };
                        if s.get(idx) == Some(&u32::from(close)) {
                            idx += 1;
                        } else {
                            stack.push(kind);
                            step = match kind {
                                Container::Object => Step::Key,
                                Container::Array => Step::Value,
                            };
                        }
                    }
                    'n' if starts_with_at(s, idx, "null") => idx += 4,
                    't' if starts_with_at(s, idx, "true") => idx += 4,
                    'f' if starts_with_at(s, idx, "false") => idx += 5,
                    'N' if starts_with_at(s, idx, "NaN") => idx += 3,
                    'I' if starts_with_at(s, idx, "Infinity") => idx += 8,
                    '-' if starts_with_at(s, idx, "-Infinity") => idx += 9,
                    _ => idx = match_number(s, idx)?,
                }
            }
            Step::Key => {
                if s.get(idx) != Some(&QUOTE) {
                    return Err(Fail::Json(EXPECTING_NAME, idx));
                }
                idx = skip_ws(s, scan_string(s, idx + 1)?);
                if s.get(idx) != Some(&u32::from(b':')) {
                    return Err(Fail::Json(EXPECTING_COLON, idx));
                }
                idx = skip_ws(s, idx + 1);
                step = Step::Value;
            }
            Step::AfterValue => {
                let Some(&kind) = stack.last() else {
                    return Ok(idx);
                };
                let close = match kind {
                    Container::Array => u32::from(b']'),
                    Container::Object => u32::from(b'}'),
                };
                idx = skip_ws(s, idx);
                if s.get(idx) == Some(&close) {
                    stack.pop();
                    idx += 1;
                    continue;
                }
                if s.get(idx) != Some(&u32::from(b',')) {
                    return Err(Fail::Json(EXPECTING_COMMA, idx));
                }
                idx = skip_ws(s, idx + 1);
                step = match kind {
                    Container::Object => Step::Key,
                    Container::Array => Step::Value,
                };
            }
        }
    }
}

/// `_match_number_unicode`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, backtracking over
/// an incomplete fraction or exponent. A missing integer part is StopIteration(start).
fn match_number(s: &[u32], start: usize) -> Result<usize, Fail> {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut idx = start;
    if at(idx) == u32::from(b'-') {
        idx += 1;
    }
    let int_start = idx;
    if at(idx) == u32::from(b'0') {
        idx += 1;
    } else if is_digit(at(idx)) {
        while is_digit(at(idx)) {
            idx += 1;
        }
    } else {
        return Err(Fail::Json(EXPECTING_VALUE, start));
    }
    let int_digits = idx - int_start;
    let mut is_float = false;
    if at(idx) == u32::from(b'.') && is_digit(at(idx + 1)) {
        is_float = true;
        idx += 2;
        while is_digit(at(idx)) {
            idx += 1;
        }
    }
    if at(idx) == u32::from(b'e') || at(idx) == u32::from(b'E') {
        let mut j = idx + 1;
        if at(j) == u32::from(b'-') || at(j) == u32::from(b'+') {
            j += 1;
        }
        if is_digit(at(j)) {
            while is_digit(at(j)) {
                j += 1;
            }
            is_float = true;
            idx = j;
        }
    }
    // int(numstr) is subject to the int/str conversion length limit; float(numstr) is not.
    if !is_float && int_digits > INT_MAX_STR_DIGITS {
        return Err(Fail::IntTooLong);
    }
    Ok(idx)
}

/// `scanstring_unicode(s, end, strict=True)`: `end` is the index just after the opening quote.
/// Returns the index just after the closing quote.
fn scan_string(s: &[u32], mut end: usize) -> Result<usize, Fail> {
    let len = s.len();
    let begin = end - 1;
    loop {
        // Find the end of the string or the next escape; raw control characters are errors.
        let mut next = end;
        let mut terminator = None;
        while let Some(&d) = s.get(next) {
            if d == QUOTE || d == BACKSLASH {
                terminator = Some(d);
                break;
            }
            if d <= 0x1F {
                return Err(Fail::Json(CONTROL_CHAR, next));
            }
            next += 1;
        }
        let Some(c) = terminator else {
            return Err(Fail::Json(UNTERMINATED, begin));
        };
        next += 1;
        if c == QUOTE {
            return Ok(next);
        }
        // A backslash at `next - 1`.
        let Some(&esc) = s.get(next) else {
            return Err(Fail::Json(UNTERMINATED, begin));
        };
        if esc != u32::from(b'u') {
            end = next + 1;
            if !b"\"\\/bfnrt".iter().any(|&e| u32::from(e) == esc) {
                return Err(Fail::Json(BAD_ESCAPE, end - 2));
            }
            continue;
        }
        next += 1;
        end = next + 4;
        if end >= len {
            return Err(Fail::Json(BAD_UNICODE_ESCAPE, next - 1));
        }
        // CPython's C scanner also looks ahead after a high surrogate for a "\u" low one, but
        // only when the six characters fit before the end, and it fails a bad lookahead at the
        // same position this loop's next turn fails it at: validating each escape on its own
        // gives the same outcome and position.
        if !is_hex4(s.get(next..end)) {
            return Err(Fail::Json(BAD_UNICODE_ESCAPE, end - 5));
        }
    }
}

/// Whether `digits` are exactly four hex digits (a missing slice is not).
fn is_hex4(digits: Option<&[u32]>) -> bool {
    digits.is_some_and(|digits| {
        digits.len() == 4 && digits.iter().all(|&d| char::from_u32(d).is_some_and(|c| c.is_ascii_hexdigit()))
    })
}

#[cfg(test)]
mod tests {
    //! Unless a test says otherwise, every expectation was produced by CPython 3.11.7:
    //! `json.loads(body)` and the exception it raised (`.msg` and `.pos` for JSONDecodeError).
    use super::*;

    fn err(msg: &str, pos: usize) -> Outcome {
        Outcome::Invalid(PyJsonError { msg: msg.to_string(), pos })
    }
    fn rep(unit: &[u8], n: usize) -> Vec<u8> {
        unit.repeat(n)
    }
    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }
    fn nested(open: &[u8], inner: &[u8], close: &[u8], n: usize) -> Vec<u8> {
        cat(&[&rep(open, n), inner, &rep(close, n)])
    }

    #[test]
    fn bytes_decode_with_surrogatepass_as_python() {
        // Expected code points printed by CPython 3.11 bytes.decode(…, 'surrogatepass').
        let utf8 = decode_bytes(b"\"\xed\xa0\x80x\xed\xb0\xbf\"").unwrap();
        assert_eq!(utf8, [0x22, 0xD800, 0x78, 0xDC3F, 0x22]);
        let utf16 = decode_bytes(b"\x00\x22\xd8\x3d\xde\x00\xd8\x00\x00\x22").unwrap();
        assert_eq!(utf16, [0x22, 0x1F600, 0xD800, 0x22], "a pair combines, a lone surrogate passes");
        let little = decode_bytes(b"\xff\xfe\x22\x00\x3d\xd8\x00\xde\x22\x00").unwrap();
        assert_eq!(little, [0x22, 0x1F600, 0x22]);
        // Two bytes with a NUL are UTF-16 in the NUL's byte order; three are UTF-8.
        assert_eq!(decode_bytes(b"5\0"), Some(vec![0x35]), "utf-16-le");
        assert_eq!(decode_bytes(b"\x005"), Some(vec![0x35]), "utf-16-be");
        assert_eq!(decode_bytes(b"5\0\0"), Some(vec![0x35, 0, 0]), "utf-8");
    }

    #[test]
    fn python_script_depth_994_valid() {
        // From a top-level script CPython 3.11 accepts 994 nested arrays and rejects 995.
        let body = nested(b"[", b"", b"]", 994);
        assert_eq!(decode_error_with_max_depth(&body, 994), Outcome::Valid);
    }

    #[test]
    fn python_script_depth_995_too_deep() {
        let body = nested(b"[", b"", b"]", 995);
        assert_eq!(decode_error_with_max_depth(&body, 994), Outcome::TooDeep);
    }

    #[test]
    fn deep_objects_too_deep() {
        let body = nested(b"{\"a\":", b"1", b"}", 995);
        assert_eq!(decode_error_with_max_depth(&body, 994), Outcome::TooDeep);
        let body = nested(b"{\"a\":", b"1", b"}", 994);
        assert_eq!(decode_error_with_max_depth(&body, 994), Outcome::Valid);
    }

    #[test]
    fn default_depth_limit_is_the_real_servers() {
        // Measured on a real Letta 0.16.8 server: 961 nested lists are a 422, 962 the 400.
        assert_eq!(decode_error(&nested(b"[", b"", b"]", 961)), Outcome::Valid);
        assert_eq!(decode_error(&nested(b"[", b"", b"]", 962)), Outcome::TooDeep);
        assert_eq!(
            decode_error(&rep(b"[", 961)),
            err("Expecting value", 961),
            "unclosed but within the limit is a syntax error"
        );
    }

    #[test]
    fn depth_100000_objects_no_overflow() {
        // Our behaviour (CPython itself stops at its recursion limit long before this).
        let body = nested(b"{\"k\": ", b"", b"}", 100_000);
        assert_eq!(decode_error(&body), Outcome::TooDeep);
        assert_eq!(decode_error_with_max_depth(&body, usize::MAX), err("Expecting value", 600_000));
    }

    #[test]
    fn unlimited_depth_100000_arrays_valid() {
        let body = nested(b"[", b"", b"]", 100_000);
        assert_eq!(decode_error_with_max_depth(&body, usize::MAX), Outcome::Valid);
    }

    #[test]
    fn error_fields_are_public() {
        match decode_error(b"[1 2]") {
            Outcome::Invalid(PyJsonError { msg, pos }) => {
                assert_eq!(msg, "Expecting ',' delimiter");
                assert_eq!(pos, 3);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_constant_must_be_spelt_whole() {
        // Expected as CPython 3.11 json.loads raises them.
        for body in [&b"[Nope]"[..], b"[Inf]", b"[-Inf]", b"[tru]", b"[nul]", b"[fals]"] {
            assert_eq!(decode_error(body), err("Expecting value", 1), "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn unicode_escapes_and_surrogate_pairs() {
        let cases: [(&str, Option<usize>); 10] = [
            (r#"["\u12G4"]"#, Some(3)),
            (r#"["\ud83d\uZZZZ"]"#, Some(9)),
            (r#"["\ud83d\ude00"]"#, None),
            (r#"["\ud83d\u0041"]"#, None),
            (r#"["\ud83d\u"]"#, Some(9)),
            (r#"["\ud83d\ude0"]"#, Some(9)),
            (r#"["\ud83d\\"]"#, None),
            (r#""\ud83d\ude00"#, Some(8)),
            (r#""\ud83dx\ude00""#, None),
            (r#"["\ud83d\n"]"#, None),
        ];
        for (body, invalid_at) in cases {
            let expected = invalid_at.map_or(Outcome::Valid, |pos| err(BAD_UNICODE_ESCAPE, pos));
            assert_eq!(decode_error(body.as_bytes()), expected, "{body}");
        }
    }

    #[test]
    fn bad_key() {
        assert_eq!(decode_error(b"{bad"), err("Expecting property name enclosed in double quotes", 1));
    }
    #[test]
    fn missing_colon() {
        assert_eq!(decode_error(b"{\"a\" 1}"), err("Expecting ':' delimiter", 5));
    }
    #[test]
    fn trailing_comma_object() {
        assert_eq!(decode_error(b"{\"a\":1,}"), err("Expecting property name enclosed in double quotes", 7));
    }
    #[test]
    fn trailing_comma_array() {
        assert_eq!(decode_error(b"[1,]"), err("Expecting value", 3));
    }
    #[test]
    fn missing_comma_array() {
        assert_eq!(decode_error(b"[1 2]"), err("Expecting ',' delimiter", 3));
    }
    #[test]
    fn unterminated_string() {
        assert_eq!(decode_error(b"\"abc"), err("Unterminated string starting at", 0));
    }
    #[test]
    fn raw_control_char() {
        assert_eq!(decode_error(b"{\"a\":\"x\x01\"}"), err("Invalid control character at", 7));
    }
    #[test]
    fn raw_newline_in_key() {
        assert_eq!(decode_error(b"{\"a\x0a\":1}"), err("Invalid control character at", 3));
    }
    #[test]
    fn bad_escape() {
        assert_eq!(decode_error(b"\"\\q\""), err("Invalid \\escape", 1));
        assert_eq!(decode_error(br#"["\q"]"#), err("Invalid \\escape", 2));
        assert_eq!(decode_error(br#"{"ab": "x\q"}"#), err("Invalid \\escape", 9));
    }
    #[test]
    fn short_unicode_escape() {
        assert_eq!(decode_error(b"\"\\u12\""), err("Invalid \\uXXXX escape", 2));
    }
    #[test]
    fn unicode_escape_at_end() {
        assert_eq!(decode_error(b"\"\\u1234"), err("Invalid \\uXXXX escape", 2));
    }
    #[test]
    fn bad_low_surrogate_digits() {
        assert_eq!(decode_error(b"\"\\ud800\\u12zz\""), err("Invalid \\uXXXX escape", 8));
    }
    #[test]
    fn high_surrogate_then_escaped_quote() {
        assert_eq!(decode_error(b"\"\\ud800\\\""), err("Unterminated string starting at", 0));
    }
    #[test]
    fn lone_surrogate_escapes_valid() {
        assert_eq!(decode_error(b"[\"\\ud800\", \"\\udc00x\", \"\\ud800\\u0041\"]"), Outcome::Valid);
    }
    #[test]
    fn backslash_at_end() {
        assert_eq!(decode_error(b"\"\\"), err("Unterminated string starting at", 0));
    }
    #[test]
    fn extra_data() {
        assert_eq!(decode_error(b"1 2"), err("Extra data", 2));
    }
    #[test]
    fn empty() {
        assert_eq!(decode_error(b""), err("Expecting value", 0));
    }
    #[test]
    fn only_space() {
        assert_eq!(decode_error(b" "), err("Expecting value", 1));
    }
    #[test]
    fn leading_zero() {
        assert_eq!(decode_error(b"01"), err("Extra data", 1));
    }
    #[test]
    fn lone_minus() {
        assert_eq!(decode_error(b"-"), err("Expecting value", 0));
    }
    #[test]
    fn trailing_dot() {
        assert_eq!(decode_error(b"1."), err("Extra data", 1));
    }
    #[test]
    fn dangling_exponent() {
        assert_eq!(decode_error(b"1e+"), err("Extra data", 1));
    }
    #[test]
    fn open_array() {
        assert_eq!(decode_error(b"["), err("Expecting value", 1));
    }
    #[test]
    fn open_object() {
        assert_eq!(decode_error(b"{ "), err("Expecting property name enclosed in double quotes", 2));
    }
    #[test]
    fn object_missing_value() {
        assert_eq!(decode_error(b"{\"a\":"), err("Expecting value", 5));
    }
    #[test]
    fn object_missing_comma() {
        assert_eq!(decode_error(b"{\"a\":1 \"b\":2}"), err("Expecting ',' delimiter", 7));
    }
    #[test]
    fn object_comma_then_end() {
        assert_eq!(decode_error(b"{\"a\" : 1 , "), err("Expecting property name enclosed in double quotes", 11));
    }
    #[test]
    fn tru() {
        assert_eq!(decode_error(b"tru"), err("Expecting value", 0));
    }
    #[test]
    fn nul() {
        assert_eq!(decode_error(b"nul"), err("Expecting value", 0));
    }
    #[test]
    fn nan_valid() {
        assert_eq!(decode_error(b"NaN"), Outcome::Valid);
    }
    #[test]
    fn infinities_valid() {
        assert_eq!(decode_error(b"[Infinity, -Infinity, -0, 1.5e300, 1E400]"), Outcome::Valid);
    }
    #[test]
    fn partial_neg_infinity() {
        assert_eq!(decode_error(b"-Infinit"), err("Expecting value", 0));
    }
    #[test]
    fn duplicate_keys_valid() {
        assert_eq!(decode_error(b"{\"a\":1,\"a\":2}"), Outcome::Valid);
    }
    #[test]
    fn colon_in_array() {
        assert_eq!(decode_error(b"[1:2]"), err("Expecting ',' delimiter", 2));
    }
    #[test]
    fn comma_first_in_object() {
        assert_eq!(decode_error(b"{,}"), err("Expecting property name enclosed in double quotes", 1));
    }
    #[test]
    fn trailing_garbage() {
        assert_eq!(decode_error(b"{\"a\":1}garbage"), err("Extra data", 7));
    }
    #[test]
    fn all_whitespace_kinds() {
        assert_eq!(decode_error(b" \x09\x0d\x0a[ \x09\x0d\x0a1 \x09\x0d\x0a] \x09\x0d\x0a"), Outcome::Valid);
    }
    #[test]
    fn form_feed_is_not_whitespace() {
        assert_eq!(decode_error(b"\x0c1"), err("Expecting value", 0));
    }
    #[test]
    fn nbsp_is_not_whitespace() {
        assert_eq!(decode_error(b"[1,\xc2\xa02]"), err("Expecting value", 3));
    }
    #[test]
    fn control_outside_string() {
        assert_eq!(decode_error(b"[\x01]"), err("Expecting value", 1));
    }
    #[test]
    fn del_in_string_valid() {
        assert_eq!(decode_error(b"\"a\x7fb\""), Outcome::Valid);
    }
    #[test]
    fn non_ascii_before_error() {
        assert_eq!(decode_error(b"[\"\xc3\xa9\xe2\x82\xac\", x]"), err("Expecting value", 7));
    }
    #[test]
    fn non_ascii_extra_data() {
        assert_eq!(decode_error(b"\"\xc3\xa9\" x"), err("Extra data", 4));
    }
    #[test]
    fn astral_counts_one() {
        assert_eq!(
            decode_error(b"{\"\xf0\x9f\x98\x80\": 1,}"),
            err("Expecting property name enclosed in double quotes", 8)
        );
    }
    #[test]
    fn bom_stripped_valid() {
        assert_eq!(decode_error(b"\xef\xbb\xbf{\"a\": 1}"), Outcome::Valid);
    }
    #[test]
    fn bom_then_error() {
        assert_eq!(decode_error(b"\xef\xbb\xbf{bad"), err("Expecting property name enclosed in double quotes", 1));
    }
    #[test]
    fn double_bom() {
        assert_eq!(decode_error(b"\xef\xbb\xbf\xef\xbb\xbf{}"), err("Expecting value", 0));
    }
    #[test]
    fn invalid_utf8() {
        assert_eq!(decode_error(b"{\"a\": \"\xff\"}"), Outcome::Undecodable);
    }
    #[test]
    fn truncated_utf8() {
        assert_eq!(decode_error(b"\"\xc3"), Outcome::Undecodable);
    }
    #[test]
    fn overlong_utf8() {
        assert_eq!(decode_error(b"\"\xc0\x80\""), Outcome::Undecodable);
    }
    #[test]
    fn utf8_surrogate_passes() {
        assert_eq!(decode_error(b"[\"\xed\xa0\x80\", x]"), err("Expecting value", 6));
    }
    #[test]
    fn utf16le_valid() {
        assert_eq!(
            decode_error(b"{\x00\"\x00a\x00\"\x00:\x00 \x00[\x001\x00,\x00 \x00\"\x00\xe9\x00\"\x00]\x00}\x00"),
            Outcome::Valid
        );
    }
    #[test]
    fn utf16be_error() {
        assert_eq!(decode_error(b"\x00[\x001\x00 \x002\x00]"), err("Expecting ',' delimiter", 3));
    }
    #[test]
    fn utf16_bom_error() {
        assert_eq!(decode_error(b"\xff\xfe{\x00\"\x00\xe9\x00\"\x00:\x00 \x00x\x00}\x00"), err("Expecting value", 6));
    }
    #[test]
    fn utf16_odd_length() {
        assert_eq!(decode_error(b"[\x001\x00]\x00\x00"), Outcome::Undecodable);
    }
    #[test]
    fn utf16_lone_surrogate_passes() {
        assert_eq!(decode_error(b"\"\x00\x00\xd8\"\x00"), Outcome::Valid);
    }
    #[test]
    fn utf32le_error() {
        assert_eq!(decode_error(b"[\x00\x00\x001\x00\x00\x00,\x00\x00\x00]\x00\x00\x00"), err("Expecting value", 3));
    }
    #[test]
    fn utf32_bom_valid() {
        assert_eq!(decode_error(b"\xff\xfe\x00\x00{\x00\x00\x00\"\x00\x00\x00a\x00\x00\x00\"\x00\x00\x00:\x00\x00\x00 \x00\x00\x00n\x00\x00\x00u\x00\x00\x00l\x00\x00\x00l\x00\x00\x00}\x00\x00\x00"), Outcome::Valid);
    }
    #[test]
    fn utf32_out_of_range() {
        assert_eq!(decode_error(b"\x00\x00\x11\x00"), err("Expecting value", 0));
    }
    #[test]
    fn two_byte_utf16() {
        assert_eq!(decode_error(b"\x001"), Outcome::Valid);
    }
    #[test]
    fn nul_byte() {
        assert_eq!(decode_error(b"\x00"), err("Expecting value", 0));
    }
    #[test]
    fn int_4300_digits_valid() {
        assert_eq!(decode_error(&cat(&[b"-", &rep(b"9", 4300)])), Outcome::Valid);
    }
    #[test]
    fn int_4301_digits() {
        assert_eq!(decode_error(&cat(&[b"[", &rep(b"1", 4301), b", x"])), Outcome::IntTooLong);
    }
    #[test]
    fn syntax_error_before_long_int() {
        assert_eq!(decode_error(&cat(&[b"[x, ", &rep(b"1", 4301)])), err("Expecting value", 1));
    }
    #[test]
    fn long_float_valid() {
        assert_eq!(decode_error(&cat(&[&rep(b"1", 5000), b".5"])), Outcome::Valid);
    }
    #[test]
    fn long_int_with_exponent_valid() {
        assert_eq!(decode_error(&cat(&[&rep(b"1", 5000), b"e1"])), Outcome::Valid);
    }
    #[test]
    fn syntax_error_before_depth() {
        assert_eq!(decode_error(&cat(&[&rep(b"[", 500), b"x"])), err("Expecting value", 500));
    }
    #[test]
    fn depth_100000_no_overflow() {
        assert_eq!(decode_error(&rep(b"[", 100_000)), Outcome::TooDeep);
    }
}
