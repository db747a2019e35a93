//! Micro-benchmarks of the hot pieces of a request, apart from HTTP: request validation, the
//! Python-repr error renderer, identity serialization and list-page selection.
//!
//! ```sh
//! cargo bench --bench micro              # everything, well under 2 minutes on 2 cores
//! cargo bench --bench micro -- page      # only the benchmarks whose name contains "page"
//! ```
//!
//! The end-to-end numbers (requests per second against a bare hyper server) come from
//! `benches/load.sh`; these say where the time of one request goes.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use identity_mock::internals::JsonText;
use identity_mock::internals::{pyjson, validation};
use identity_mock::internals::{Collection, PageBounds};
use identity_mock::internals::{Extras, Metrics, OrqIdentity};
use identity_mock::internals::{Identity, IdentityType, Properties, Property};
use identity_mock::internals::{SchemaId, Schemas};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Duration;

/// A create body like the ones the load test sends: every field kind, two properties.
const VALID_CREATE: &str = r#"{"identifier_key":"bench-1-1","name":"Bench User","identity_type":"user","project_id":null,"properties":[{"key":"email","value":"bench@example.com","type":"string"},{"key":"age","value":34,"type":"number"}]}"#;

/// A create body with one mistake of every common kind: wrong type, bad enum, a property value
/// outside the union (one error per union member), an unknown field.
fn invalid_create() -> Value {
    json!({
        "identifier_key": 5,
        "identity_type": "robot",
        "properties": [
            {"key": "email", "value": "bench@example.com", "type": "string"},
            {"key": "n", "value": null, "type": "json"},
            {"value": 1}
        ],
        "zzz": 1
    })
}

/// An identity of the bundled fixtures' size: five properties of every kind.
fn letta_identity(n: usize) -> Identity {
    Identity {
        id: format!("identity-{:08x}-0000-4000-8000-{:012x}", n, n).into(),
        identifier_key: format!("user-{n}"),
        name: format!("Bench User {n}"),
        identity_type: IdentityType::User,
        project_id: None,
        properties: Properties::new(&[
            Property { key: "email".into(), value: json!(format!("user{n}@example.com")), kind: "string".into() },
            Property { key: "age".into(), value: json!(34), kind: "number".into() },
            Property { key: "score".into(), value: json!(1.5), kind: "number".into() },
            Property { key: "verified".into(), value: json!(true), kind: "boolean".into() },
            Property {
                key: "preferences".into(),
                value: json!({"theme": "dark", "languages": ["en", "de"]}),
                kind: "json".into(),
            },
        ]),
        agent_ids: Vec::new(),
        block_ids: Vec::new(),
    }
}

fn orq_identity() -> OrqIdentity {
    OrqIdentity {
        id: "01JJ1HDHN79XAS7A01WB3HYSDB".into(),
        external_id: "customer_12345".into(),
        display_name: Some("Ada Lovelace".into()),
        email: Some("ada@example.com".into()),
        avatar_url: Some("https://example.com/avatars/ada.png".into()),
        tags: vec!["enterprise".into(), "premium".into()],
        metadata: JsonText::encode(
            &json!({"department": "Engineering", "role": "Senior Developer", "subscription_tier": "premium"}),
        ),
        created_millis: 1_768_450_395_986,
        updated_millis: 1_768_450_395_986,
        metrics: Some(Metrics::from_json(
            json!({"total_tokens": 125000, "total_cost": 12.75, "total_requests": 340, "error_rate": 0.02})
                .as_object()
                .expect("an object"),
        )),
        budget: Some(JsonText::encode(&json!({
            "budget_id": "01JJ1HF0000000000000000BUD",
            "scope": {"identity": {"identity_external_id": "customer_12345"}},
            "limits": {"period": "BUDGET_PERIOD_MONTHLY", "amount": 100, "token_limit": 1000000},
            "is_active": true
        }))),
    }
}

fn validation_benches(c: &mut Criterion) {
    let schemas = Schemas::bundled().expect("bundled schemas compile");
    let valid: Value = serde_json::from_str(VALID_CREATE).expect("valid JSON");
    let invalid = invalid_create();
    assert!(validation::validate(schemas, SchemaId::LettaIdentityCreate, "body", &valid).is_empty());
    let errors = validation::validate(schemas, SchemaId::LettaIdentityCreate, "body", &invalid);
    assert!(errors.len() >= 5, "the invalid body should give a realistic error list, got {}", errors.len());

    let mut group = c.benchmark_group("letta_validation");
    group.bench_function("read_body_pyjson_check_and_parse", |b| {
        // What the server does with a create body before validation: Python's json rules, then serde.
        b.iter(|| {
            let body = black_box(VALID_CREATE.as_bytes());
            assert!(matches!(pyjson::decode_error(body), pyjson::Outcome::Valid));
            serde_json::from_slice::<Value>(body).expect("valid JSON")
        })
    });
    group.bench_function("validate_create_valid", |b| {
        b.iter(|| validation::validate(schemas, SchemaId::LettaIdentityCreate, "body", black_box(&valid)))
    });
    group.bench_function("validate_create_invalid", |b| {
        b.iter(|| validation::validate(schemas, SchemaId::LettaIdentityCreate, "body", black_box(&invalid)))
    });
    group.bench_function(BenchmarkId::new("render_python_repr", format!("{}_errors", errors.len())), |b| {
        b.iter(|| validation::render(black_box(&errors)))
    });
    group.finish();
}

fn serialization_benches(c: &mut Criterion) {
    let letta = letta_identity(1);
    let orq = orq_identity();
    let mut group = c.benchmark_group("serialization");
    group.bench_function("letta_identity_write_json", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(512);
            black_box(&letta).write_json(&mut out);
            out
        })
    });
    for (name, extras) in [
        ("orq_identity_write_current", Extras::default()),
        ("orq_identity_write_current_with_metrics_and_budget", Extras { metrics: true, budget: true }),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(1024);
                black_box(&orq).write_current("0b3e1f4a-8d2c-5e6f-9a1b-2c3d4e5f6a7b", extras, &mut out);
                out
            })
        });
    }
    group.finish();
}

fn filled(n: usize) -> Collection<Identity> {
    let collection = Collection::default();
    for i in 0..n {
        let identity = letta_identity(i);
        // Equal timestamps, as fixtures without created_at get: the sequence number orders them.
        collection.insert(identity, 1_700_000_000_000_000).expect("unique ids");
    }
    collection
}

fn page_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("store_page");
    for n in [1_000usize, 1_000_000] {
        let collection = filled(n);
        let middle = collection.order_of(&letta_identity(n / 2).id).expect("middle id is stored");
        // Letta's `?limit=50&after=<middle>` in the default (newest first) order.
        let after_middle = PageBounds { lower: None, upper: Some(middle), descending: true, limit: Some(50) };
        group.bench_with_input(BenchmarkId::new("cursor_page_50", n), &collection, |b, collection| {
            b.iter(|| {
                let page = collection.page(black_box(after_middle), |_| true);
                assert_eq!(page.len(), 50);
                page
            })
        });
        let first = PageBounds { lower: None, upper: None, descending: true, limit: Some(50) };
        group.bench_with_input(BenchmarkId::new("first_page_50", n), &collection, |b, collection| {
            b.iter(|| collection.page(black_box(first), |_| true))
        });
        group.bench_with_input(BenchmarkId::new("get_by_id", n), &collection, |b, collection| {
            let id = letta_identity(n / 2).id;
            b.iter(|| collection.get(black_box(&id)))
        });
        // A filter that matches nothing (a `name=` or `search=` nobody has) walks the whole index.
        let scan_time = Duration::from_secs(if n >= 1_000_000 { 8 } else { 2 });
        group.sample_size(10).sampling_mode(SamplingMode::Flat).measurement_time(scan_time);
        group.bench_with_input(BenchmarkId::new("filter_matching_nothing", n), &collection, |b, collection| {
            b.iter(|| collection.page(black_box(first), |identity| identity.name == "nobody"))
        });
        group.sample_size(30).sampling_mode(SamplingMode::Auto).measurement_time(Duration::from_secs(2));
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args()
}

criterion_group! {
    name = micro;
    config = config();
    targets = validation_benches, serialization_benches, page_benches
}
criterion_main!(micro);
