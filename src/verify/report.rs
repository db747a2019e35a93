//! What `verify` prints and writes: a block per scenario, the closing line, JUnit XML, and the
//! live exchanges as a transcript.

use super::client::{Answer, BaseUrl, Recorded};
use super::{Api, Exchange, Options, ScenarioResult, EXIT_DIFFERENT, EXIT_SAME};
use crate::Revision;
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
pub fn transcript(exchanges: &[Exchange], options: &Options, run: &str) -> String {
    let mut out = format!(
        "# Recorded HTTP exchanges with {} by `identity-mock verify` {}\n",
        options.live.origin(),
        env!("CARGO_PKG_VERSION")
    );
    out.push_str(
        "# Requests made in the order shown (state carries over between them). Identity IDs are random per run.\n",
    );
    // What `verify --replay` needs to send the same requests again.
    let api = match options.api {
        Api::Letta => "letta",
        Api::Orq(Revision::Current) => "orq current",
        Api::Orq(Revision::V1) => "orq v1",
    };
    out.push_str(&format!("# api: {api}\n# live server: {}\n# run prefix: {run}\n", options.live.origin()));
    out.push_str(&format!("# credentials: {}\n", if options.credential.is_some() { "given" } else { "none" }));
    if let Some(project) = &options.project_id {
        out.push_str(&format!("# project id: {project}\n"));
    }
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

/// A recording read back: what `verify --replay` needs.
pub struct Recording {
    pub api: Api,
    pub live: BaseUrl,
    pub run: String,
    pub credentials: bool,
    pub project_id: Option<String>,
    pub exchanges: Vec<Recorded>,
}

/// Reads a transcript written by [`transcript`].
pub fn parse_transcript(text: &str) -> Result<Recording, String> {
    let field = |name: &str| {
        text.lines()
            .take_while(|l| l.starts_with('#') && !l.starts_with("###"))
            .find_map(|l| l.strip_prefix(&format!("# {name}: ")).map(str::to_string))
    };
    let missing = |name: &str| format!("no `# {name}:` line: not a recording made by `identity-mock verify --record`");
    let api = match field("api").ok_or_else(|| missing("api"))?.as_str() {
        "letta" => Api::Letta,
        "orq current" => Api::Orq(Revision::Current),
        "orq v1" => Api::Orq(Revision::V1),
        other => return Err(format!("unknown api {other:?}")),
    };
    let live = BaseUrl::parse(&field("live server").ok_or_else(|| missing("live server"))?)?;
    let run = field("run prefix").ok_or_else(|| missing("run prefix"))?;
    let credentials = field("credentials").as_deref() == Some("given");
    let mut exchanges = Vec::new();
    for (index, block) in text.split("\n### ").skip(1).enumerate() {
        let at = |what: &str| format!("exchange {}: {what}", index + 1);
        let mut lines = block.lines();
        let title = lines.next().unwrap_or_default();
        let (name, request) = title.split_once(": ").ok_or_else(|| at("no `name: request` line"))?;
        // `letta_create-retrieve_3`: the api, the scenario's slug (no `_` in it), the step.
        let mut parts = name.splitn(3, '_');
        let (Some(api_name), Some(slug)) = (parts.next(), parts.next()) else {
            return Err(at("a name that is not api_scenario_step"));
        };
        let (method, rest) = request.split_once(' ').ok_or_else(|| at("no method"))?;
        let (path, body) = match rest.split_once(" body=") {
            Some((path, body)) => (path.to_string(), Some(body.to_string())),
            None => (rest.trim_end().to_string(), None),
        };
        let status_line = lines.next().ok_or_else(|| at("no status line"))?;
        let mut words = status_line.splitn(3, ' ');
        let status: u16 = words.nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| at("no status"))?;
        let reason = words.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            let (k, v) = line.split_once(": ").ok_or_else(|| at("a header line without `: `"))?;
            headers.push((k.to_string(), v.to_string()));
        }
        let response = lines.next().unwrap_or_default().to_string();
        let answer = if status == 0 {
            Err(response)
        } else {
            Ok(Answer { status, reason, headers, body: bytes::Bytes::from(response) })
        };
        exchanges.push(Recorded {
            scenario: format!("{api_name}/{slug}"),
            method: method.to_string(),
            path,
            body,
            answer,
        });
    }
    if exchanges.is_empty() {
        return Err("no exchanges in it".into());
    }
    Ok(Recording { api, live, run, credentials, project_id: field("project id"), exchanges })
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
