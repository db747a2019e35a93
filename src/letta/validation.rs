//! Letta's validation errors: the bundled JSON Schemas find what is wrong with a request, and this
//! module turns each violation into the error pydantic 2 would report (`type`, `loc`, `msg`,
//! `input`, `ctx`), in the order pydantic reports them, and renders the list as Python's `repr()`,
//! which is what the real server puts in the `detail` string of its 422 bodies.

use super::pyrepr::{self, LocItem};
use crate::schema::{SchemaId, Schemas};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

/// One element of an error's `loc`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocPart {
    Key(String),
    Index(usize),
    /// The member of a union that was tried (`'str'`, `'int'`, ...); sorts by its position.
    Tag(&'static str, u64),
}

/// The `input` of an error, as Python would hold it.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorInput {
    Json(Value),
    Text(String),
    Bytes(Vec<u8>),
    /// `None`, for a body that is missing.
    Nothing,
    /// `{}`, which FastAPI reports for a body that is not valid JSON.
    EmptyDict,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CtxValue {
    Int(u64),
    Text(String),
    /// Written as it is: a Python repr such as `ValueError('…')`.
    Repr(String),
}

/// One entry of pydantic's error list.
#[derive(Clone, Debug, PartialEq)]
pub struct PydanticError {
    pub kind: &'static str,
    /// `body`, `query` or `path`.
    pub section: &'static str,
    pub loc: Vec<LocPart>,
    pub msg: String,
    pub input: ErrorInput,
    /// Every error identity-mock reports has at most one `ctx` entry.
    pub ctx: Option<(&'static str, CtxValue)>,
}

impl PydanticError {
    pub fn new(
        kind: &'static str,
        section: &'static str,
        loc: Vec<LocPart>,
        msg: impl Into<String>,
        input: ErrorInput,
    ) -> Self {
        PydanticError { kind, section, loc, msg: msg.into(), input, ctx: None }
    }

    pub fn with_ctx(mut self, key: &'static str, value: CtxValue) -> Self {
        self.ctx = Some((key, value));
        self
    }
}

/// Renders the error list as Python's `repr(exc.errors())`.
pub fn render(errors: &[PydanticError]) -> String {
    let mut out = String::from("[");
    for (i, error) in errors.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("{'type': ");
        pyrepr::write_str(&mut out, error.kind);
        out.push_str(", 'loc': ");
        let mut loc = vec![LocItem::Key(error.section)];
        loc.extend(error.loc.iter().map(|part| match part {
            LocPart::Key(key) => LocItem::Key(key),
            LocPart::Index(index) => LocItem::Index(*index),
            LocPart::Tag(tag, _) => LocItem::Key(tag),
        }));
        pyrepr::write_loc(&mut out, &loc);
        out.push_str(", 'msg': ");
        pyrepr::write_str(&mut out, &error.msg);
        out.push_str(", 'input': ");
        match &error.input {
            ErrorInput::Json(value) => pyrepr::write_value(&mut out, value),
            ErrorInput::Text(text) => pyrepr::write_str(&mut out, text),
            ErrorInput::Bytes(bytes) => pyrepr::write_bytes(&mut out, bytes),
            ErrorInput::Nothing => out.push_str("None"),
            ErrorInput::EmptyDict => out.push_str("{}"),
        }
        if let Some((key, value)) = &error.ctx {
            out.push_str(", 'ctx': {");
            pyrepr::write_str(&mut out, key);
            out.push_str(": ");
            match value {
                CtxValue::Int(n) => out.push_str(&n.to_string()),
                CtxValue::Text(text) => pyrepr::write_str(&mut out, text),
                CtxValue::Repr(repr) => out.push_str(repr),
            }
            out.push('}');
        }
        out.push('}');
    }
    out.push(']');
    out
}

/// pydantic's way of listing choices: `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
pub fn expected_choices(options: &[Value]) -> String {
    let quoted: Vec<String> = options
        .iter()
        .map(|option| {
            let mut text = String::new();
            pyrepr::write_value(&mut text, option);
            text
        })
        .collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// Validates `instance` against the schema `schema_name` and returns pydantic's errors,
/// located under `section`, in pydantic's order.
pub fn validate(
    schemas: &Schemas,
    schema_name: SchemaId,
    section: &'static str,
    instance: &Value,
) -> Vec<PydanticError> {
    let schema = schemas.get(schema_name);
    let mut errors = Vec::new();
    for error in schema.validator.iter_errors(instance) {
        convert(schemas, &schema.document, section, &error, &mut errors);
    }
    order(schemas, &schema.document, errors)
}

fn path_of(error: &ValidationError<'_>) -> Vec<LocPart> {
    error
        .instance_path()
        .iter()
        .map(|segment| match segment {
            LocationSegment::Property(key) => LocPart::Key(key.to_string()),
            LocationSegment::Index(index) => LocPart::Index(index),
        })
        .collect()
}

/// The schema that describes the value at `path`, following `$ref` and nullable wrappers.
fn schema_at<'a>(schemas: &'a Schemas, root: &'a Value, path: &[LocPart]) -> Option<&'a Value> {
    let mut schema = schemas.resolve("letta", root);
    for part in path {
        schema = match part {
            LocPart::Key(key) => schemas.resolve("letta", schema.get("properties")?.get(key)?),
            LocPart::Index(_) => schemas.resolve("letta", schema.get("items")?),
            LocPart::Tag(..) => schema,
        };
    }
    Some(schema)
}

fn type_error(schemas: &Schemas, root: &Value, path: &[LocPart], expected: JsonType) -> (&'static str, &'static str) {
    match expected {
        JsonType::String => ("string_type", "Input should be a valid string"),
        JsonType::Integer => ("int_type", "Input should be a valid integer"),
        JsonType::Number => ("float_type", "Input should be a valid number"),
        JsonType::Boolean => ("bool_type", "Input should be a valid boolean"),
        JsonType::Array => ("list_type", "Input should be a valid list"),
        JsonType::Null => ("none_required", "Input should be None"),
        JsonType::Object => {
            // A model (it declares fields) is validated with from_attributes, which words it so.
            let is_model = schema_at(schemas, root, path).is_some_and(|s| s.get("properties").is_some());
            if is_model {
                ("model_attributes_type", "Input should be a valid dictionary or object to extract fields from")
            } else {
                ("dict_type", "Input should be a valid dictionary")
            }
        }
    }
}

fn union_tag(expected: JsonType) -> &'static str {
    match expected {
        JsonType::String => "str",
        JsonType::Integer => "int",
        JsonType::Number => "float",
        JsonType::Boolean => "bool",
        JsonType::Object => "dict[any,any]",
        JsonType::Array => "list[any]",
        JsonType::Null => "none",
    }
}

fn first_type(kind: &TypeKind) -> JsonType {
    match kind {
        TypeKind::Single(single) => *single,
        TypeKind::Multiple(set) => set.iter().find(|t| *t != JsonType::Null).unwrap_or(JsonType::Null),
    }
}

fn is_null_arm(arm: &[ValidationError<'_>]) -> bool {
    matches!(arm, [only] if matches!(only.kind(), ValidationErrorKind::Type { kind: TypeKind::Single(JsonType::Null) }))
}

fn convert(
    schemas: &Schemas,
    root: &Value,
    section: &'static str,
    error: &ValidationError<'_>,
    out: &mut Vec<PydanticError>,
) {
    let path = path_of(error);
    let input = || ErrorInput::Json(error.instance().clone().into_owned());
    let at = |extra: LocPart| {
        let mut loc = path.clone();
        loc.push(extra);
        loc
    };
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let (kind, msg) = type_error(schemas, root, &path, first_type(kind));
            out.push(PydanticError::new(kind, section, path, msg, input()));
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_string();
            out.push(PydanticError::new("missing", section, at(LocPart::Key(name)), "Field required", input()));
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let value = error.instance().get(key.as_str()).cloned().unwrap_or(Value::Null);
                out.push(PydanticError::new(
                    "extra_forbidden",
                    section,
                    at(LocPart::Key(key.clone())),
                    "Extra inputs are not permitted",
                    ErrorInput::Json(value),
                ));
            }
        }
        ValidationErrorKind::Enum { options } => {
            let literal = schema_at(schemas, root, &path)
                .and_then(|s| s.get("x-error-type"))
                .is_some_and(|t| t == "literal_error");
            let choices = expected_choices(options.as_array().map(Vec::as_slice).unwrap_or_default());
            let kind = if literal { "literal_error" } else { "enum" };
            out.push(
                PydanticError::new(kind, section, path, format!("Input should be {choices}"), input())
                    .with_ctx("expected", CtxValue::Text(choices)),
            );
        }
        ValidationErrorKind::MinLength { limit } => {
            out.push(length_error("string_too_short", "at least", "min_length", *limit, section, path, input()))
        }
        ValidationErrorKind::MaxLength { limit } => {
            out.push(length_error("string_too_long", "at most", "max_length", *limit, section, path, input()))
        }
        ValidationErrorKind::Pattern { pattern } => {
            out.push(
                PydanticError::new(
                    "string_pattern_mismatch",
                    section,
                    path,
                    format!("String should match pattern '{pattern}'"),
                    input(),
                )
                .with_ctx("pattern", CtxValue::Text(pattern.clone())),
            );
        }
        ValidationErrorKind::AnyOf { context } => {
            let arms: Vec<&Vec<ValidationError<'static>>> = context.iter().filter(|arm| !is_null_arm(arm)).collect();
            if arms.len() == 1 {
                // Optional[X]: pydantic reports X's errors with no extra loc element.
                for inner in arms[0] {
                    convert(schemas, root, section, inner, out);
                }
                return;
            }
            // A real union: one error per member, tagged with the member's name.
            for (rank, arm) in arms.iter().enumerate() {
                for inner in arm.iter() {
                    let mut converted = Vec::new();
                    convert(schemas, root, section, inner, &mut converted);
                    let tag = match inner.kind() {
                        ValidationErrorKind::Type { kind } => union_tag(first_type(kind)),
                        _ => "any",
                    };
                    for mut error in converted {
                        error.loc.insert(path.len(), LocPart::Tag(tag, rank as u64));
                        out.push(error);
                    }
                }
            }
        }
        other => {
            // No request schema uses other keywords; report them plainly rather than drop them.
            out.push(PydanticError::new(
                "value_error",
                section,
                path,
                format!("Value error, {}", other.keyword()),
                input(),
            ));
        }
    }
}

fn length_error(
    kind: &'static str,
    bound: &str,
    ctx_key: &'static str,
    limit: u64,
    section: &'static str,
    path: Vec<LocPart>,
    input: ErrorInput,
) -> PydanticError {
    let unit = if limit == 1 { "character" } else { "characters" };
    PydanticError::new(kind, section, path, format!("String should have {bound} {limit} {unit}"), input)
        .with_ctx(ctx_key, CtxValue::Int(limit))
}

/// Where an error sorts: pydantic validates fields in declaration order (the schema's `properties`
/// order), list items in index order, and reports unknown keys after all fields, in input order.
/// The validator already lists an object's unknown keys in input order, and the sort is stable,
/// so they all share one rank.
fn rank_of(schemas: &Schemas, root: &Value, loc: &[LocPart]) -> Vec<u64> {
    const EXTRA: u64 = 1 << 32;
    let mut ranks = Vec::with_capacity(loc.len());
    for (depth, part) in loc.iter().enumerate() {
        let rank = match part {
            LocPart::Index(index) => *index as u64,
            LocPart::Tag(_, rank) => *rank,
            LocPart::Key(key) => schema_at(schemas, root, &loc[..depth])
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .and_then(|fields| fields.keys().position(|k| k == key))
                .map_or(EXTRA, |index| index as u64),
        };
        ranks.push(rank);
    }
    ranks
}

fn order(schemas: &Schemas, root: &Value, errors: Vec<PydanticError>) -> Vec<PydanticError> {
    // A constrained string stops at its first failed check: length before pattern.
    let length_failed: Vec<Vec<LocPart>> = errors
        .iter()
        .filter(|e| e.kind == "string_too_short" || e.kind == "string_too_long")
        .map(|e| e.loc.clone())
        .collect();
    let mut ranked: Vec<(Vec<u64>, PydanticError)> = errors
        .into_iter()
        .filter(|e| !(e.kind == "string_pattern_mismatch" && length_failed.contains(&e.loc)))
        .map(|e| (rank_of(schemas, root, &e.loc), e))
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    ranked.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn detail(schema: SchemaId, body: Value) -> String {
        let schemas = Schemas::bundled().unwrap();
        render(&validate(schemas, schema, "body", &body))
    }

    /// Each error's type and loc, in the order reported.
    fn kinds_and_locs(schema: SchemaId, body: Value) -> Vec<String> {
        let errors = validate(Schemas::bundled().unwrap(), schema, "body", &body);
        errors.iter().map(|e| format!("{}:{:?}", e.kind, e.loc)).collect()
    }

    #[test]
    fn missing_fields_come_in_declaration_order() {
        assert_eq!(
            detail(SchemaId::LettaIdentityCreate, json!({"name": "X"})),
            "[{'type': 'missing', 'loc': ('body', 'identifier_key'), 'msg': 'Field required', 'input': {'name': 'X'}}, {'type': 'missing', 'loc': ('body', 'identity_type'), 'msg': 'Field required', 'input': {'name': 'X'}}]"
        );
    }

    #[test]
    fn extra_fields_come_after_field_errors() {
        assert_eq!(
            detail(SchemaId::LettaIdentityCreate, json!({"zzz": 1, "identifier_key": "x", "name": 5, "identity_type": "user"})),
            "[{'type': 'string_type', 'loc': ('body', 'name'), 'msg': 'Input should be a valid string', 'input': 5}, {'type': 'extra_forbidden', 'loc': ('body', 'zzz'), 'msg': 'Extra inputs are not permitted', 'input': 1}]"
        );
    }

    #[test]
    fn unknown_keys_come_last_in_input_order_at_every_depth() {
        let body = json!({
            "zz": 1,
            "properties": [{"key": "k", "value": "v", "type": "string", "qq": 1, "bb": 2}],
            "name": 3,
            "aa": 2,
        });
        assert_eq!(
            kinds_and_locs(SchemaId::LettaIdentityUpdate, body),
            vec![
                "string_type:[Key(\"name\")]",
                "extra_forbidden:[Key(\"properties\"), Index(0), Key(\"qq\")]",
                "extra_forbidden:[Key(\"properties\"), Index(0), Key(\"bb\")]",
                "extra_forbidden:[Key(\"zz\")]",
                "extra_forbidden:[Key(\"aa\")]",
            ]
        );
    }

    #[test]
    fn an_id_of_the_right_length_reports_its_pattern_and_a_long_one_its_length_only() {
        let wrong = format!("agent-{}", "z".repeat(36));
        let long = format!("agent-{}", "0".repeat(37));
        let errors = validate(
            Schemas::bundled().unwrap(),
            SchemaId::LettaIdentityUpdate,
            "body",
            &json!({"agent_ids": [wrong, long]}),
        );
        let kinds: Vec<(&str, &[LocPart])> = errors.iter().map(|e| (e.kind, e.loc.as_slice())).collect();
        let at = |index| vec![LocPart::Key("agent_ids".into()), LocPart::Index(index)];
        assert_eq!(kinds, vec![("string_pattern_mismatch", at(0).as_slice()), ("string_too_long", at(1).as_slice())]);
        assert!(render(&errors).contains("'ctx': {'pattern': '^agent-"), "{}", render(&errors));
    }

    #[test]
    fn enum_error_lists_the_choices() {
        assert_eq!(
            detail(SchemaId::LettaIdentityCreate, json!({"identifier_key": "x", "name": "X", "identity_type": "robot"})),
            "[{'type': 'enum', 'loc': ('body', 'identity_type'), 'msg': \"Input should be 'org', 'user' or 'other'\", 'input': 'robot', 'ctx': {'expected': \"'org', 'user' or 'other'\"}}]"
        );
    }

    #[test]
    fn short_id_reports_length_only() {
        assert_eq!(
            detail(SchemaId::LettaIdentityUpdate, json!({"agent_ids": ["agent-1"]})),
            "[{'type': 'string_too_short', 'loc': ('body', 'agent_ids', 0), 'msg': 'String should have at least 42 characters', 'input': 'agent-1', 'ctx': {'min_length': 42}}]"
        );
    }

    #[test]
    fn property_value_union_reports_every_member() {
        assert_eq!(
            detail(SchemaId::LettaIdentityPropertyList, json!([{"key": "n", "value": null, "type": "json"}])),
            "[{'type': 'string_type', 'loc': ('body', 0, 'value', 'str'), 'msg': 'Input should be a valid string', 'input': None}, {'type': 'int_type', 'loc': ('body', 0, 'value', 'int'), 'msg': 'Input should be a valid integer', 'input': None}, {'type': 'float_type', 'loc': ('body', 0, 'value', 'float'), 'msg': 'Input should be a valid number', 'input': None}, {'type': 'bool_type', 'loc': ('body', 0, 'value', 'bool'), 'msg': 'Input should be a valid boolean', 'input': None}, {'type': 'dict_type', 'loc': ('body', 0, 'value', 'dict[any,any]'), 'msg': 'Input should be a valid dictionary', 'input': None}]"
        );
    }

    #[test]
    fn wrong_container_types() {
        assert_eq!(
            detail(SchemaId::LettaIdentityPropertyList, json!({"key": "a", "value": "1", "type": "string"})),
            "[{'type': 'list_type', 'loc': ('body',), 'msg': 'Input should be a valid list', 'input': {'key': 'a', 'value': '1', 'type': 'string'}}]"
        );
        assert_eq!(
            detail(SchemaId::LettaIdentityCreate, json!([1])),
            "[{'type': 'model_attributes_type', 'loc': ('body',), 'msg': 'Input should be a valid dictionary or object to extract fields from', 'input': [1]}]"
        );
        assert_eq!(
            detail(SchemaId::LettaIdentityUpdate, json!({"properties": [3]})),
            "[{'type': 'model_attributes_type', 'loc': ('body', 'properties', 0), 'msg': 'Input should be a valid dictionary or object to extract fields from', 'input': 3}]"
        );
    }

    #[test]
    fn nested_errors_sort_by_field_then_index() {
        let body = json!({"properties": [{"key": 1, "value": "v", "type": "bad"}, {"value": 1}], "name": 3});
        assert_eq!(
            kinds_and_locs(SchemaId::LettaIdentityUpdate, body),
            vec![
                "string_type:[Key(\"name\")]",
                "string_type:[Key(\"properties\"), Index(0), Key(\"key\")]",
                "enum:[Key(\"properties\"), Index(0), Key(\"type\")]",
                "missing:[Key(\"properties\"), Index(1), Key(\"key\")]",
                "missing:[Key(\"properties\"), Index(1), Key(\"type\")]",
            ]
        );
    }

    #[test]
    fn choices_are_worded_like_pydantic() {
        assert_eq!(expected_choices(&[json!("a")]), "'a'");
        assert_eq!(expected_choices(&[json!("a"), json!("b")]), "'a' or 'b'");
        assert_eq!(expected_choices(&[json!("a"), json!("b"), json!("c")]), "'a', 'b' or 'c'");
    }
}
