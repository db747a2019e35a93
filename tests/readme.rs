//! README.md stays true: its code blocks marked `<!-- readme-example: PATH -->` are excerpts of
//! example files that the test command runs (tests/packages.sh), and the package file names it
//! gives carry the version of Cargo.toml.

use std::path::Path;

const README: &str = include_str!("../README.md");

/// The marked blocks: (path, the lines between the fences).
fn marked_examples() -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut lines = README.lines();
    while let Some(line) = lines.next() {
        let Some(path) = line.trim().strip_prefix("<!-- readme-example: ").and_then(|r| r.strip_suffix(" -->")) else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(fence.starts_with("```"), "the marker for {path} is not followed by a code block");
        let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        found.push((path.to_string(), body.join("\n")));
    }
    found
}

#[test]
fn marked_code_blocks_are_excerpts_of_the_tested_examples() {
    let examples = marked_examples();
    assert!(examples.len() >= 4, "the pytest, Vitest and Jest examples are marked");
    for (path, block) in examples {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(&path);
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            text.contains(&block),
            "README's example from {path} is not an excerpt of that file any more:\n{block}"
        );
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
