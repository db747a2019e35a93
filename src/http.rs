//! The request and response types the API modules work with: a request whose body has been read,
//! and the one way to build a JSON response.

use bytes::Bytes;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{HeaderMap, Method, Response, StatusCode};

/// A response whose body is in memory; the server turns it into a hyper body at the socket.
pub type ApiResponse = Response<Bytes>;

/// A request with its body already read.
pub struct ApiRequest {
    pub method: Method,
    /// The percent-decoded path.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl ApiRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A response with a body and a content type.
pub fn respond(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> ApiResponse {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A JSON response; `content-type: application/json` with no charset, as both vendors send it.
pub fn json(status: StatusCode, body: impl Into<Bytes>) -> ApiResponse {
    respond(status, "application/json", body)
}

/// Decodes `%XX` escapes (and, in query strings, `+` as a space). Invalid escapes stay as they are;
/// bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let has_escapes = text.contains('%') || (plus_is_space && text.contains('+'));
    if !has_escapes {
        // Nothing to decode, as in almost every path.
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `key=value` pairs of a query string, decoded, in order, blank values kept.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key, true), percent_decode(value, true))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_keeps_broken_ones() {
        assert_eq!(percent_decode("identity%2Dabc", false), "identity-abc");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("a+b", true), "a b");
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("%C3%A9", false), "é");
    }

    #[test]
    fn query_pairs_keep_order_repeats_and_blanks() {
        assert_eq!(
            query_pairs("include=a&include=b&name=&flag&x=%20y"),
            vec![
                ("include".to_string(), "a".to_string()),
                ("include".to_string(), "b".to_string()),
                ("name".to_string(), String::new()),
                ("flag".to_string(), String::new()),
                ("x".to_string(), " y".to_string()),
            ]
        );
    }
}
