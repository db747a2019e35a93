//! The orq scenarios. Every identity's `external_id` and `display_name` start with `{s}`, every
//! list is scoped by `search={s}` (display name and email, case-insensitively), and every scenario
//! deletes what it created; the runner deletes whatever is left.
//!
//! Where the README's orq compatibility table marks the mock's answer as *inferred*, the step
//! names that row, so a difference there is reported as "inferred behaviour differs".

use super::scenario::{Auth, Scenario, Step};
use serde_json::json;

const BASE: &str = "/v2/identities";

const DUPLICATE: &str = "Duplicate `external_id`";
const MALFORMED: &str = "Malformed body, bad query value";
const ERROR_BODY: &str = "Error body (current)";
const LIMIT: &str = "`limit`";
const SEARCH: &str = "`search`";
const BOTH_CURSORS: &str = "`starting_after` and `ending_before` together";
const UNKNOWN_CURSOR: &str = "A cursor that is not an `_id` in the workspace";
const METHOD: &str = "Wrong method on a known path";
const UNKNOWN_PATH: &str = "Unknown path under `/v2`";
const SORT: &str = "`sort_by` direction";
const TAGS: &str = "Tag filter with several tags";
const METRICS: &str = "Metrics without fixtures";
const UNKNOWN_FIELDS: &str = "Unknown fields in a body";
const NULL_FIELD: &str = "`null` in a request body";

/// A create a few milliseconds after the step before, so that no two identities of a scenario
/// share a millisecond: orq's `created` and `_id` (a ULID) both have millisecond resolution, and
/// the list order of identities created within one is the service's own business.
fn create(name: &'static str, tags: &[&str]) -> Step {
    let tags: Vec<String> = tags.iter().map(|t| format!("{{s}}-{t}")).collect();
    Step::new("POST", BASE)
        .json(json!({"external_id": format!("{{s}}-{name}"), "display_name": format!("{{s}}-{name}"), "tags": tags}))
        .save(name)
        .pause(3)
}

fn one(name: &str) -> String {
    format!("{BASE}/{{id:{name}}}")
}

fn delete(name: &str) -> Step {
    Step::new("DELETE", one(name))
}

fn list(query: &str) -> Step {
    Step::new("GET", format!("{BASE}?search={{s}}{}{query}", if query.is_empty() { "" } else { "&" }))
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "orq",
            "create-retrieve",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"external_id": "{s}-a", "display_name": "{s}-Ada Lovelace", "email": "{s}@example.com",
                        "avatar_url": "https://example.com/a.png", "tags": ["{s}-pro"], "metadata": {"plan": "pro", "seats": 3}}))
                    .save("a"),
                Step::new("GET", one("a")),
                Step::new("GET", format!("{BASE}/{{s}}-a")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "orq",
            "create-minimal",
            vec![
                Step::new("POST", BASE).json(json!({"external_id": "{s}-a"})).save("a"),
                Step::new("GET", one("a")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "orq",
            "create-duplicate",
            vec![
                create("a", &[]),
                Step::new("POST", BASE)
                    .json(json!({"external_id": "{s}-a", "display_name": "{s}-again"}))
                    .save("dup")
                    .inferred(DUPLICATE),
                delete("a"),
            ],
        ),
        Scenario::new(
            "orq",
            "create-validation",
            vec![
                Step::new("POST", BASE).json(json!({"display_name": "{s}-x"})).save("x1").inferred(MALFORMED),
                Step::new("POST", BASE).json(json!({"external_id": "{s}-y", "tags": "{s}-t"})).save("x2").inferred(MALFORMED),
                Step::new("POST", BASE).text("{bad").save("x3").inferred(MALFORMED),
                Step::new("POST", BASE).json(json!({"external_id": 7})).save("x4").inferred(MALFORMED),
                list(""),
            ],
        ),
        Scenario::new(
            "orq",
            "not-found",
            vec![
                create("a", &[]),
                delete("a"),
                Step::new("GET", one("a")).inferred(ERROR_BODY),
                Step::new("PATCH", one("a")).json(json!({"display_name": "{s}-z"})).inferred(ERROR_BODY),
                delete("a").inferred(ERROR_BODY),
            ],
        ),
        Scenario::new(
            "orq",
            "update",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"external_id": "{s}-a", "display_name": "{s}-A", "email": "{s}@example.com",
                        "tags": ["{s}-x"], "metadata": {"a": 1}}))
                    .save("a"),
                Step::new("PATCH", one("a")).json(json!({"display_name": "{s}-A renamed"})),
                Step::new("PATCH", one("a")).json(json!({"tags": [], "email": "", "metadata": {"b": true}})),
                Step::new("PATCH", one("a")).json(json!({"external_id": "{s}-other"})).inferred(UNKNOWN_FIELDS),
                Step::new("PATCH", format!("{BASE}/{{s}}-a")).json(json!({"avatar_url": "https://example.com/b.png"})),
                Step::new("PATCH", one("a")).json(json!({"tags": "nope"})).inferred(MALFORMED),
                Step::new("PATCH", one("a")).json(json!({"avatar_url": null})).inferred(NULL_FIELD),
                Step::new("GET", one("a")),
                delete("a"),
            ],
        ),
        Scenario::new(
            "orq",
            "list-search",
            vec![
                Step::new("POST", BASE)
                    .json(json!({"external_id": "{s}-a", "display_name": "{s}-Grace"}))
                    .save("a"),
                Step::new("POST", BASE)
                    .json(json!({"external_id": "{s}-b", "display_name": "{s}-Ada", "email": "{s}-mail@example.com"}))
                    .save("b"),
                list(""),
                Step::new("GET", format!("{BASE}?search={{s}}-GRACE")),
                Step::new("GET", format!("{BASE}?search={{s}}-mail")),
                // Scoped by a tag of the run's too, in case a server takes a 1-letter search.
                Step::new("GET", format!("{BASE}?search=x&filter_by.tags={{s}}-none")).inferred(SEARCH),
                delete("a"),
                delete("b"),
            ],
        ),
        Scenario::new(
            "orq",
            "list-tags",
            vec![
                create("a", &["t1", "t2"]),
                create("b", &["t1"]),
                create("c", &[]),
                list("filter_by.tags={s}-t1"),
                list("filter_by.tags={s}-t1&filter_by.tags={s}-t2").inferred(TAGS),
                list("filter_by.tags={s}-none"),
                delete("a"),
                delete("b"),
                delete("c"),
            ],
        ),
        Scenario::new(
            "orq",
            "list-limits",
            vec![
                create("a", &[]),
                create("b", &[]),
                create("c", &[]),
                list(""),
                list("limit=1"),
                list("limit=50"),
                list("limit=0").inferred(LIMIT),
                list("limit=51").inferred(LIMIT),
                list("limit=abc").inferred(MALFORMED),
                delete("a"),
                delete("b"),
                delete("c"),
            ],
        ),
        Scenario::new(
            "orq",
            "list-pagination",
            vec![
                create("a", &[]),
                create("b", &[]),
                create("c", &[]),
                create("d", &[]),
                create("e", &[]),
                list("limit=2"),
                list("limit=2&starting_after={id:d}"),
                list("limit=2&starting_after={id:b}"),
                list("limit=2&starting_after={id:a}"),
                list("limit=2&ending_before={id:b}"),
                list("limit=2&ending_before={id:d}"),
                list("limit=2&ending_before={id:e}"),
                list("starting_after={id:d}&ending_before={id:b}").inferred(BOTH_CURSORS),
                delete("e"),
                list("starting_after={id:e}").inferred(UNKNOWN_CURSOR),
                delete("a"),
                delete("b"),
                delete("c"),
                delete("d"),
            ],
        ),
        Scenario::new(
            "orq",
            "list-sort",
            vec![
                create("b", &[]),
                create("c", &[]),
                create("a", &[]),
                Step::new("PATCH", one("c")).json(json!({"display_name": "{s}-c2"})).pause(20),
                list("sort_by=IDENTITY_SORT_FIELD_DISPLAY_NAME").inferred(SORT),
                list("sort_by=IDENTITY_SORT_FIELD_UPDATED").inferred(SORT),
                delete("a"),
                delete("b"),
                delete("c"),
            ],
        ),
        Scenario::new(
            "orq",
            "list-metrics",
            vec![
                create("a", &[]),
                list("include_metrics=true").inferred(METRICS),
                list("include_budget=true"),
                list("include_metrics=maybe").inferred(MALFORMED),
                delete("a"),
            ],
        ),
        Scenario::new(
            "orq",
            "auth",
            vec![
                list("").auth(Auth::Omit).inferred(ERROR_BODY),
                list("").auth(Auth::Wrong).inferred(ERROR_BODY),
                Step::new("POST", BASE)
                    .json(json!({"external_id": "{s}-a", "display_name": "{s}-a"}))
                    .save("a")
                    .auth(Auth::Omit)
                    .inferred(ERROR_BODY),
            ],
        ),
        Scenario::new(
            "orq",
            "unknown-routes",
            vec![
                create("a", &[]),
                Step::new("PUT", one("a")).json(json!({"display_name": "{s}-x"})).inferred(METHOD),
                Step::new("GET", format!("{}/nope", one("a"))).inferred(UNKNOWN_PATH),
                Step::new("GET", "/v2/nope").inferred(UNKNOWN_PATH),
                delete("a"),
            ],
        ),
        Scenario::new(
            "orq",
            "contacts",
            vec![
                Step::new("POST", "/v2/contacts")
                    .json(json!({"external_id": "{s}-a", "display_name": "{s}-Contact"}))
                    .save("a"),
                list(""),
            ],
        ),
        Scenario::new("orq", "delete", vec![create("a", &[]), delete("a"), list("")]),
    ]
}
