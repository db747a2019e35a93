//! What `verify` prints and writes: a block per scenario, the closing line, JUnit XML, and the
//! live exchanges as a transcript.

use super::{Exchange, Options, ScenarioResult, EXIT_DIFFERENT, EXIT_SAME};
use std::io::Write;

/// `ok   letta/create-retrieve (3 requests)`, or `DIFF …` followed by each differing request and
/// both answers.
pub fn scenario_block(result: &ScenarioResult, verbose: bool) -> String {
    if result.differences.is_empty() {
        return format!("ok   {} ({})", result.name, requests(result.steps));
    }
    let differ = if result.differences.len() == 1 { "differs" } else { "differ" };
    let mut text =
        format!("DIFF {} ({} of {} {differ})", result.name, result.differences.len(), requests(result.steps));
    for difference in &result.differences {
        let request =
            if verbose { difference.request.clone() } else { super::compare::shorten(&difference.request, Some(240)) };
        text.push_str(&format!("\n  request {}: {request}", difference.step));
        if let Some(row) = difference.inferred {
            text.push_str(&format!(
                "\n    inferred behaviour differs (README, orq compatibility table, row \"{row}\"): the live answer is the one to believe"
            ));
        }
        text.push_str(&format!("\n    differs in: {}", difference.what.join(", ")));
        text.push_str(&format!("\n    live: {}", difference.live));
        text.push_str(&format!("\n    mock: {}", difference.mock));
    }
    text
}

fn requests(n: usize) -> String {
    if n == 1 {
        "1 request".to_string()
    } else {
        format!("{n} requests")
    }
}

/// Prints `N passed, M failed` and returns the exit status.
pub fn closing(results: &[ScenarioResult], out: &mut dyn Write) -> u8 {
    let failed = results.iter().filter(|r| !r.differences.is_empty()).count();
    let passed = results.len() - failed;
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    let _ = out.flush();
    if failed == 0 {
        EXIT_SAME
    } else {
        EXIT_DIFFERENT
    }
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no place for other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test case per scenario, a failure per scenario with differences.
pub fn junit(results: &[ScenarioResult], api: &str) -> String {
    let failures = results.iter().filter(|r| !r.differences.is_empty()).count();
    let time: f64 = results.iter().map(|r| r.seconds).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"identity-mock verify\" tests=\"{}\" failures=\"{failures}\" time=\"{time:.3}\">\n",
        results.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"identity-mock verify {api}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"{time:.3}\">\n",
        results.len()
    ));
    for result in results {
        out.push_str(&format!(
            "    <testcase classname=\"verify.{api}\" name=\"{}\" time=\"{:.3}\"",
            xml(&result.name),
            result.seconds
        ));
        if result.differences.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        let first = &result.differences[0];
        let message =
            format!("{} of {} requests differ; first: {}", result.differences.len(), result.steps, first.request);
        out.push_str(&format!(
            ">\n      <failure message=\"{}\" type=\"difference\">{}</failure>\n    </testcase>\n",
            xml(&super::compare::shorten(&message, Some(300))),
            xml(&scenario_block(result, true))
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The live exchanges in the format of `tests/data/letta/identities.real-responses.txt`, which
/// `tests/letta_replay.rs` reads: `### name: METHOD PATH[ body=BODY]`, the status line, the
/// headers, an empty line, the body on one line, an empty line.
pub fn transcript(exchanges: &[Exchange], options: &Options) -> String {
    let mut out = format!(
        "# Recorded HTTP exchanges with {} by `identity-mock verify` {}\n",
        options.live.origin(),
        env!("CARGO_PKG_VERSION")
    );
    out.push_str(
        "# Requests made in the order shown (state carries over between them). Identity IDs are random per run.\n",
    );
    for exchange in exchanges {
        let name = exchange.name.replace(['/', ' '], "_");
        let path = format!("{}{}", options.live.path, exchange.request.path);
        match &exchange.request.body {
            Some(body) => {
                out.push_str(&format!("\n### {name}: {} {path} body={}\n", exchange.request.method, one_line(body)))
            }
            None => out.push_str(&format!("\n### {name}: {} {path} \n", exchange.request.method)),
        }
        match &exchange.answer {
            Ok(answer) => {
                out.push_str(&format!("HTTP/1.1 {} {}\n", answer.status, answer.reason));
                for (name, value) in &answer.headers {
                    out.push_str(&format!("{name}: {value}\n"));
                }
                out.push('\n');
                out.push_str(&one_line(&answer.text()));
                out.push('\n');
            }
            Err(error) => out.push_str(&format!("HTTP/1.1 000 No Answer\n\n{}\n", one_line(error))),
        }
    }
    out
}

/// The transcript keeps a body on one line; JSON answers are, a text with a line break is not.
fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;\\u0001");
    }
}
