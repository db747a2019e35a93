//! README.md stays true. Every code block is either run here, run elsewhere by the test command,
//! or is plain text; a comment on the line before a block says which:
//!
//! - `<!-- readme-sh: tour -->`: shell commands run in order against one server with the bundled
//!   fixtures (its address replaces `127.0.0.1:8283`); a following `<!-- readme-output -->` text
//!   block is what they print, one line per command, `…` matching anything;
//! - `<!-- readme-sh: server -->`: a command that starts a server: it must say it listens, answer,
//!   and exit 0 on SIGTERM (`--port N` becomes `--port 0`);
//! - `<!-- readme-sh: elsewhere (where) -->`: a command the test command runs in another way;
//! - `<!-- readme-json: faults -->` / `fixtures`: each line a fault the admin API accepts / a
//!   fixtures document it loads;
//! - `<!-- readme-example: PATH -->`: an excerpt of an example file that tests/packages.sh runs;
//! - ```rust blocks run as doctests (src/lib.rs includes the README); ```text blocks are prose.
//!
//! The package file names the README gives must carry Cargo.toml's version.

mod support;

use std::path::Path;
use std::process::Command;
use support::process::{request, Process};

const README: &str = include_str!("../README.md");
const BIN: &str = env!("CARGO_BIN_EXE_identity-mock");

struct Block {
    /// The comment on the line before the opening fence, without `<!--` and `-->`.
    marker: Option<String>,
    language: String,
    body: String,
    line: usize,
}

fn blocks() -> Vec<Block> {
    let lines: Vec<&str> = README.lines().collect();
    let mut found = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let Some(language) = lines[index].strip_prefix("```") else {
            index += 1;
            continue;
        };
        let marker = index
            .checked_sub(1)
            .and_then(|before| lines[before].trim().strip_prefix("<!--")?.strip_suffix("-->"))
            .map(|m| m.trim().to_string());
        let start = index + 1;
        let end = (start..lines.len()).find(|&i| lines[i].starts_with("```")).expect("every block is closed");
        found.push(Block {
            marker,
            language: language.trim().to_string(),
            body: lines[start..end].join("\n"),
            line: start,
        });
        index = end + 1;
    }
    found
}

/// `…` in `pattern` matches any run of characters; the rest matches itself.
fn matches_with_ellipses(pattern: &str, text: &str) -> bool {
    identity_mock::internals::wildcard_match(pattern, text, '…')
}

/// A server started from a shell command line, with the binary on `PATH` and a free port unless
/// the command names one.
fn start_server(command: &str) -> Process {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    Process::start(Command::new("bash").args(["-c", command]).env("PATH", path).env("IDENTITY_MOCK_PORT", "0"))
}

/// The commands of a shell block: lines joined where they end in a backslash.
fn commands(body: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        match line.strip_suffix('\\') {
            Some(start) => current.push_str(start),
            None => {
                current.push_str(line);
                commands.push(std::mem::take(&mut current));
            }
        }
    }
    commands.into_iter().filter(|c| !c.trim().is_empty()).collect()
}

#[test]
fn every_code_block_is_run_or_says_where_it_is() {
    let blocks = blocks();
    let fixed_port = regex::Regex::new(r"--port \d+").unwrap();
    let tour = start_server(&format!("exec {BIN} --port 0"));
    let tour_address = tour.address.clone();
    let mut counts = std::collections::BTreeMap::new();
    for (index, block) in blocks.iter().enumerate() {
        let at = format!("README line {}", block.line);
        let marker = block.marker.as_deref().unwrap_or_default();
        let kind = match (block.language.as_str(), marker) {
            ("", _) => panic!("{at}: a code block names its language"),
            ("rust", _) => "rust: a doctest",
            ("text", _) => "text",
            ("python" | "js", m) if m.starts_with("readme-example: ") => {
                let path = &m["readme-example: ".len()..];
                let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
                let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{at}: {path}: {e}"));
                assert!(text.contains(&block.body), "{at}: the example is not an excerpt of {path} any more");
                "an excerpt of a tested example"
            }
            ("sh", "readme-sh: tour") => {
                let output: Vec<String> = commands(&block.body)
                    .iter()
                    .map(|command| {
                        let command = command.replace("127.0.0.1:8283", &tour_address);
                        let run = Command::new("bash").args(["-euo", "pipefail", "-c", &command]).output().unwrap();
                        assert!(run.status.success(), "{at}: `{command}` failed: {run:?}");
                        String::from_utf8_lossy(&run.stdout).trim_end().to_string()
                    })
                    .collect();
                let next = blocks.get(index + 1).filter(|b| b.marker.as_deref() == Some("readme-output"));
                if let Some(expected) = next {
                    let expected: Vec<&str> = expected.body.lines().collect();
                    assert_eq!(expected.len(), output.len(), "{at}: one output line per command: {output:#?}");
                    for (want, got) in expected.iter().zip(&output) {
                        assert!(matches_with_ellipses(want, got), "{at}: printed\n{got}\nnot\n{want}");
                    }
                }
                "shell, run against the tour server"
            }
            ("sh", "readme-sh: server") => {
                let command = fixed_port.replace_all(&block.body, "--port 0");
                let server = start_server(&command);
                assert_eq!(request(&server.address, "GET", "/__admin/health", "").0, 200, "{at}: the server answers");
                request(&server.address, "GET", "/v1/identities/count", "");
                let (status, stderr) = server.stop();
                assert!(status.success(), "{at}: exit status {status:?} after SIGTERM; stderr: {stderr}");
                if command.contains("LOG=requests") || command.contains("--log requests") {
                    assert!(stderr.contains(" GET /v1/identities/count 200 "), "{at}: no request line in {stderr:?}");
                }
                "shell, a server started and stopped"
            }
            ("sh", m) if m.starts_with("readme-sh: elsewhere (") && m.len() > "readme-sh: elsewhere ()".len() => {
                "shell, run by the test command in another way"
            }
            ("json", "readme-json: faults") => {
                for line in block.body.lines().filter(|l| !l.trim().is_empty()) {
                    let (status, body) = request(&tour_address, "POST", "/__admin/faults", line);
                    assert_eq!(status, 201, "{at}: fault {line} refused: {body}");
                }
                assert_eq!(request(&tour_address, "DELETE", "/__admin/faults", "").0, 200);
                "JSON faults the admin API takes"
            }
            ("json", "readme-json: fixtures") => {
                let empty = format!("/__admin/reset?namespace=readme-{index}&empty=true");
                assert_eq!(request(&tour_address, "POST", &empty, "").0, 200);
                let (status, body) =
                    request(&tour_address, "POST", &format!("/__admin/fixtures?namespace=readme-{index}"), &block.body);
                assert_eq!(status, 200, "{at}: the fixtures document is refused: {body}");
                "JSON fixtures the admin API loads"
            }
            (language, marker) => panic!("{at}: a ```{language} block with marker {marker:?}: see tests/readme.rs"),
        };
        *counts.entry(kind).or_insert(0) += 1;
    }
    let (status, _) = tour.stop();
    assert!(status.success());
    for kind in ["shell, run against the tour server", "shell, a server started and stopped", "rust: a doctest"] {
        assert!(counts.get(kind).copied().unwrap_or(0) >= 1, "no block of kind {kind}: {counts:?}");
    }
}

#[test]
fn package_file_names_carry_the_crate_version() {
    let version = env!("CARGO_PKG_VERSION");
    let names =
        regex::Regex::new(r"dist/(identity_mock-|identity-mock-|identity-mock-linux-x64-gnu-)(\d+\.\d+\.\d+[^-.]*)")
            .unwrap();
    let mut seen = 0;
    for capture in names.captures_iter(README) {
        assert_eq!(&capture[2], version, "README names {} with another version", &capture[0]);
        seen += 1;
    }
    assert!(seen >= 3, "the install table names the wheel and both tarballs");
}

#[test]
fn ellipses_match_any_run() {
    assert!(matches_with_ellipses("a…c", "abbbc"));
    assert!(matches_with_ellipses("{…\"k\":1}", "{\"x\":2,\"k\":1}"));
    assert!(!matches_with_ellipses("a…c", "abd"));
    assert!(matches_with_ellipses("exact", "exact"));
}
