//! Every error body the Letta API sends, built in one place.

use super::model::{Identity, IdentityType, DEFAULT_ORG_ID, DEFAULT_USER_ID};
use super::validation::{render, PydanticError};
use super::{pyrepr, pyvalues};
use crate::clock::civil_utc;
use crate::http::{json, ApiResponse};
use hyper::StatusCode;
use serde_json::{json, Value};

/// A failed Letta request, before it becomes a response.
#[derive(Debug)]
pub enum LettaError {
    /// 422 `{"trace_id":"","detail":"<repr>"}`, with `examples` (an id of the right shape) when a
    /// path id was malformed.
    Validation { errors: Vec<PydanticError>, path_id_example: Option<&'static str> },
    /// Any other status with `{"detail": "<text>"}`.
    Detail { status: StatusCode, detail: String },
}

impl LettaError {
    pub fn detail(status: StatusCode, detail: impl Into<String>) -> LettaError {
        LettaError::Detail { status, detail: detail.into() }
    }

    pub fn not_found_route() -> LettaError {
        LettaError::detail(StatusCode::NOT_FOUND, "Not Found")
    }

    /// What the real server answers when an exception escapes a handler.
    pub fn unknown() -> LettaError {
        LettaError::detail(StatusCode::INTERNAL_SERVER_ERROR, "An unknown error occurred")
    }

    /// What the real server answers when PostgreSQL refuses a query.
    pub fn database() -> LettaError {
        LettaError::detail(StatusCode::INTERNAL_SERVER_ERROR, "A database error occurred.")
    }

    /// What the real server answers when pydantic's serializer gives up on a deep value (a
    /// `ValueError`, which upstream turns into a 400 with its text).
    pub fn serializer_depth() -> LettaError {
        LettaError::detail(StatusCode::BAD_REQUEST, "Circular reference detected (depth exceeded)")
    }

    pub fn into_response(self) -> ApiResponse {
        match self {
            LettaError::Validation { errors, path_id_example } => {
                let mut body = serde_json::Map::new();
                body.insert("trace_id".into(), Value::from(""));
                body.insert("detail".into(), Value::from(render(&errors)));
                if let Some(example) = path_id_example {
                    body.insert("examples".into(), json!([example]));
                }
                json(StatusCode::UNPROCESSABLE_ENTITY, serde_json::to_vec(&body).unwrap_or_default())
            }
            LettaError::Detail { status, detail } => {
                json(status, serde_json::to_vec(&json!({ "detail": detail })).unwrap_or_default())
            }
        }
    }
}

/// Python's `repr()` of a timezone-aware UTC `datetime`, which drops a zero microsecond and then
/// a zero second.
pub fn python_datetime(micros: i64) -> String {
    let (year, month, day, hour, minute, second, micro) = civil_utc(micros);
    let mut fields = vec![year, i64::from(month), i64::from(day), i64::from(hour), i64::from(minute)];
    if second != 0 || micro != 0 {
        fields.push(i64::from(second));
    }
    if micro != 0 {
        fields.push(i64::from(micro));
    }
    let fields: Vec<String> = fields.iter().map(ToString::to_string).collect();
    format!("datetime.datetime({}, tzinfo=datetime.timezone.utc)", fields.join(", "))
}

/// The messages that embed the default actor, whose creation time is fixed when the server starts.
#[derive(Clone, Debug)]
pub struct Messages {
    actor: String,
}

impl Messages {
    pub fn new(default_user_created_micros: i64) -> Messages {
        let created = python_datetime(default_user_created_micros);
        Messages {
            actor: format!(
                "id='{DEFAULT_USER_ID}' organization_id='{DEFAULT_ORG_ID}' name='default_user' created_at={created} updated_at={created} is_deleted=False"
            ),
        }
    }

    /// The long-form 404 for an identity id that does not exist.
    pub fn identity_not_found(&self, identity_id: &str) -> LettaError {
        self.not_found("Identity", identity_id)
    }

    /// The ORM's long-form 404 for a `kind` (`Identity`, `Agent`, `Block`) that does not exist.
    pub fn not_found(&self, kind: &str, id: &str) -> LettaError {
        LettaError::detail(
            StatusCode::NOT_FOUND,
            format!("{kind} not found with id='['{id}']', access level in ['read'] for actor='{}'", self.actor),
        )
    }

    /// The 404 an upsert answers when nothing matches (the upstream bug).
    pub fn upsert_not_found(&self, identifier_key: &str, project_id: Option<&str>) -> LettaError {
        LettaError::detail(
            StatusCode::NOT_FOUND,
            format!(
                "Identity not found with identifier_key='{identifier_key}', project_id='{}', organization_id='{DEFAULT_ORG_ID}', access level in ['read'] for actor='{}'",
                project_id.unwrap_or("None"),
                self.actor
            ),
        )
    }
}

/// `{"detail":"No Identity found with id <cursor>"}` and the same for agents and blocks.
pub fn cursor_not_found(kind: &str, cursor: &str) -> LettaError {
    LettaError::detail(StatusCode::NOT_FOUND, format!("No {kind} found with id {cursor}"))
}

pub fn cursors_reversed() -> LettaError {
    LettaError::detail(StatusCode::BAD_REQUEST, "'before' reference must be later than 'after' reference")
}

pub fn invalid_user_id(user_id: &str) -> LettaError {
    LettaError::detail(
        StatusCode::BAD_REQUEST,
        format!("INVALID_ARGUMENT: Invalid user ID format: {user_id}. Expected format: 'user-<uuid4>'"),
    )
}

pub fn body_parse_failed() -> LettaError {
    LettaError::detail(StatusCode::BAD_REQUEST, "There was an error parsing the body")
}

/// SQLAlchemy's rendering of one bound parameter: `repr()`, cut in the middle past 300 characters.
fn sql_parameter(repr: String) -> String {
    const MAX: usize = 300;
    let chars: Vec<char> = repr.chars().collect();
    if chars.len() <= MAX {
        return repr;
    }
    let head: String = chars[..MAX / 2].iter().collect();
    let tail: String = chars[chars.len() - MAX / 2..].iter().collect();
    format!("{head} ... ({} characters truncated) ... {tail}", chars.len() - MAX)
}

fn py_str(text: &str) -> String {
    let mut out = String::new();
    pyrepr::write_str(&mut out, text);
    out
}

fn py_optional_str(text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_string(), py_str)
}

fn py_identity_type(kind: IdentityType) -> String {
    format!("<IdentityType.{0}: '{0}'>", kind.as_str())
}

/// Python's `json.dumps()` with its default separators and `ensure_ascii`, as SQLAlchemy hands the
/// JSON column to the driver.
pub fn python_json_dumps(value: &Value) -> String {
    let mut out = String::new();
    write_python_json(&mut out, value);
    out
}

fn write_python_json(out: &mut String, value: &Value) {
    pyvalues::with_stack(|| write_python_json_level(out, value))
}

fn write_python_json_level(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => pyrepr::write_float(out, f),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    ' '..='~' => out.push(c),
                    _ if pyvalues::as_surrogate(c).is_some() => {
                        let unit = pyvalues::as_surrogate(c).unwrap_or_default();
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                    _ => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                }
            }
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_python_json(out, &Value::from(key.as_str()));
                out.push_str(": ");
                write_python_json(out, item);
            }
            out.push('}');
        }
    }
}

fn properties_json(identity: &Identity) -> String {
    python_json_dumps(&identity.properties.text().to_value())
}

/// The 409 for a duplicate `(identifier_key, project_id)`, as PostgreSQL, asyncpg and SQLAlchemy
/// word it. `sql` and `parameters` describe the statement that failed.
fn unique_violation(identifier_key: &str, project_id: Option<&str>, sql: &str, parameters: Vec<String>) -> LettaError {
    let parameters: Vec<String> = parameters.into_iter().map(sql_parameter).collect();
    LettaError::detail(
        StatusCode::CONFLICT,
        format!(
            "A unique constraint was violated for Identity. Check your input for duplicates: (sqlalchemy.dialects.postgresql.asyncpg.IntegrityError) <class 'asyncpg.exceptions.UniqueViolationError'>: duplicate key value violates unique constraint \"unique_identifier_key_project_id_organization_id\"\nDETAIL:  Key (identifier_key, project_id, organization_id)=({identifier_key}, {}, {DEFAULT_ORG_ID}) already exists.\n[SQL: {sql}]\n[parameters: ({})]\n(Background on this error at: https://sqlalche.me/e/20/gkpj)",
            project_id.unwrap_or("null"),
            parameters.join(", ")
        ),
    )
}

/// The 409 of a create whose key is taken; `attempt` is the identity that was not stored.
pub fn create_conflict(attempt: &Identity) -> LettaError {
    unique_violation(
        &attempt.identifier_key,
        attempt.project_id.as_deref(),
        "INSERT INTO identities (id, identifier_key, name, identity_type, properties, _created_by_id, _last_updated_by_id, organization_id, project_id) VALUES ($1::VARCHAR, $2::VARCHAR, $3::VARCHAR, $4::VARCHAR, $5::JSON, $6::VARCHAR, $7::VARCHAR, $8::VARCHAR, $9::VARCHAR) RETURNING identities.created_at, identities.updated_at, identities.is_deleted",
        vec![
            py_str(&attempt.id),
            py_str(&attempt.identifier_key),
            py_str(&attempt.name),
            py_identity_type(attempt.identity_type),
            py_str(&properties_json(attempt)),
            py_str(DEFAULT_USER_ID),
            py_str(DEFAULT_USER_ID),
            py_str(DEFAULT_ORG_ID),
            py_optional_str(attempt.project_id.as_deref()),
        ],
    )
}

/// The 409 of a PATCH whose new key is taken. Only the columns that changed are in the statement.
pub fn update_conflict(before: &Identity, after: &Identity, now_micros: i64) -> LettaError {
    let mut columns = Vec::new();
    let mut parameters = Vec::new();
    if before.identifier_key != after.identifier_key {
        columns.push("identifier_key=$N::VARCHAR");
        parameters.push(py_str(&after.identifier_key));
    }
    if before.name != after.name {
        columns.push("name=$N::VARCHAR");
        parameters.push(py_str(&after.name));
    }
    if before.identity_type != after.identity_type {
        columns.push("identity_type=$N::VARCHAR");
        parameters.push(py_identity_type(after.identity_type));
    }
    if before.properties != after.properties {
        columns.push("properties=$N::JSON");
        parameters.push(py_str(&properties_json(after)));
    }
    columns.push("updated_at=$N::TIMESTAMP WITH TIME ZONE");
    parameters.push(python_datetime(now_micros));
    let set: Vec<String> =
        columns.iter().enumerate().map(|(i, column)| column.replace("$N", &format!("${}", i + 1))).collect();
    let sql = format!("UPDATE identities SET {} WHERE identities.id = ${}::VARCHAR", set.join(", "), set.len() + 1);
    parameters.push(py_str(&after.id));
    unique_violation(&after.identifier_key, after.project_id.as_deref(), &sql, parameters)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_datetime_drops_zero_fields_like_python() {
        assert_eq!(
            python_datetime(1_795_433_889_053_018),
            "datetime.datetime(2026, 11, 23, 11, 38, 9, 53018, tzinfo=datetime.timezone.utc)"
        );
        // 2026-11-23T11:38:09Z and 2026-11-23T11:38:00Z
        assert_eq!(
            python_datetime(1_795_433_889_000_000),
            "datetime.datetime(2026, 11, 23, 11, 38, 9, tzinfo=datetime.timezone.utc)"
        );
        assert_eq!(
            python_datetime(1_795_433_880_000_000),
            "datetime.datetime(2026, 11, 23, 11, 38, tzinfo=datetime.timezone.utc)"
        );
        // A zero second with a non-zero microsecond keeps both.
        assert_eq!(
            python_datetime(1_795_433_880_000_001),
            "datetime.datetime(2026, 11, 23, 11, 38, 0, 1, tzinfo=datetime.timezone.utc)"
        );
    }

    #[test]
    fn python_json_dumps_matches_python() {
        // Expected values printed by CPython 3.11 json.dumps.
        let value =
            serde_json::json!([{"key": "é\"x", "value": 1.0, "type": "string"}, {"a": [1, 2.5, true, null]}, "😀"]);
        assert_eq!(
            python_json_dumps(&value),
            r#"[{"key": "\u00e9\"x", "value": 1.0, "type": "string"}, {"a": [1, 2.5, true, null]}, "\ud83d\ude00"]"#
        );
        // Control characters: the short escapes, else \u; DEL is escaped too.
        let controls = serde_json::json!(["a\nb\r\t\u{8}\u{c}\\\u{1}\u{7f}~"]);
        assert_eq!(python_json_dumps(&controls), r#"["a\nb\r\t\b\f\\\u0001\u007f~"]"#);
        // Floats as Python's repr spells them, whatever spelling was sent.
        let floats: Value = serde_json::from_str("[1E5, 1.0, 2, 1e16]").unwrap();
        assert_eq!(python_json_dumps(&floats), "[100000.0, 1.0, 2, 1e+16]");
    }

    #[test]
    fn long_parameters_are_cut_like_sqlalchemy() {
        let long = format!("'{}'", "x".repeat(400));
        let cut = sql_parameter(long);
        assert!(cut.starts_with(&format!("'{}", "x".repeat(149))));
        assert!(cut.contains(" ... (102 characters truncated) ... "));
        assert!(cut.ends_with(&format!("{}'", "x".repeat(149))));
    }
}
