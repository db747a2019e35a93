//! Agents as upstream's `AgentState` shows them: built from a recorded real agent, with the
//! request's fields, the configuration its model and embedding handles stand for, and only the
//! relationships upstream loads for the answer at hand.

use super::blocks::{default_description, new_block};
use super::errors::LettaError;
use super::model::{timestamp, Entity, LettaData, DEFAULT_USER_ID};
use super::routes::Resource;
use super::validation::{CtxValue, ErrorInput, LocPart, PydanticError};
use super::{answer, LettaApi, Outcome, Query, Request};
use crate::http::ApiRequest;
use hyper::StatusCode;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};

/// An agent created on a real Letta 0.16.8 server with the `letta/letta-free` handles (recorded),
/// its id, name, times and message id blanked: every new agent starts from it.
const AGENT_TEMPLATE: &str = include_str!("templates/agent.json");

fn template() -> &'static Map<String, Value> {
    static TEMPLATE: OnceLock<Map<String, Value>> = OnceLock::new();
    TEMPLATE.get_or_init(|| serde_json::from_str(AGENT_TEMPLATE).expect("the bundled agent template is JSON"))
}

/// The relationships an answer loads (upstream's `include=agent.<name>`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loaded(u8);

impl Loaded {
    pub const BLOCKS: Loaded = Loaded(1);
    pub const IDENTITIES: Loaded = Loaded(2);
    pub const MANAGED_GROUP: Loaded = Loaded(4);
    pub const PENDING_APPROVAL: Loaded = Loaded(8);
    pub const SECRETS: Loaded = Loaded(16);
    pub const SOURCES: Loaded = Loaded(32);
    pub const TAGS: Loaded = Loaded(64);
    pub const TOOLS: Loaded = Loaded(128);
    pub const ALL: Loaded = Loaded(255);

    fn has(self, other: Loaded) -> bool {
        self.0 & other.0 != 0
    }

    fn with(self, other: Loaded) -> Loaded {
        Loaded(self.0 | other.0)
    }

    fn named(name: &str) -> Loaded {
        match name.trim_start_matches("agent.") {
            "blocks" | "memory" => Loaded::BLOCKS,
            "identities" | "identity_ids" => Loaded::IDENTITIES,
            "managed_group" | "multi_agent_group" => Loaded::MANAGED_GROUP,
            "pending_approval" => Loaded::PENDING_APPROVAL,
            "secrets" | "tool_exec_environment_variables" => Loaded::SECRETS,
            "sources" => Loaded::SOURCES,
            "tags" => Loaded::TAGS,
            "tools" => Loaded::TOOLS,
            _ => Loaded::default(),
        }
    }

    fn of(names: &[Value]) -> Loaded {
        names.iter().filter_map(Value::as_str).fold(Loaded::default(), |loaded, name| loaded.with(Loaded::named(name)))
    }
}

/// What a GET loads: the legacy `include_relationships` when given; for a "1.0 SDK" client only
/// what `include` names; for any other client everything (upstream's `is_1_0_sdk_version`).
pub fn loaded_for(request: &ApiRequest, query: &Query) -> Loaded {
    if let Some(Value::Array(names)) = query.values.get("include_relationships") {
        return Loaded::of(names);
    }
    if is_1_0_sdk(request) {
        included(query)
    } else {
        Loaded::ALL
    }
}

/// What `include` names (all that `/v1/identities/{id}/agents` ever loads).
pub fn included(query: &Query) -> Loaded {
    match query.values.get("include") {
        Some(Value::Array(names)) => Loaded::of(names),
        _ => Loaded::default(),
    }
}

/// Whether upstream takes the client for one of its 1.x SDKs.
fn is_1_0_sdk(request: &ApiRequest) -> bool {
    if request.header("x-stainless-package-version").is_some() {
        return true;
    }
    let Some(agent) = request.header("user-agent") else { return true };
    let parts: Vec<&str> = agent.split('/').collect();
    let version = match parts.as_slice() {
        ["letta-client", version] => version,
        ["@letta-ai", "letta-client", version] => version,
        _ => return false,
    };
    version.contains('.') && version.split(['.', '-', 'a', 'b']).next() == Some("1")
}

/// Which relationships a create answer shows: only those the request set.
fn loaded_by_create(body: &Value, tools: bool) -> Loaded {
    let non_empty = |name: &str| body.get(name).and_then(Value::as_array).is_some_and(|items| !items.is_empty());
    let mut loaded = Loaded::default();
    if tools {
        loaded = loaded.with(Loaded::TOOLS);
    }
    if non_empty("memory_blocks") || non_empty("block_ids") {
        loaded = loaded.with(Loaded::BLOCKS).with(Loaded::TAGS);
    }
    if non_empty("identity_ids") {
        loaded = loaded.with(Loaded::IDENTITIES);
    }
    if non_empty("tags") {
        loaded = loaded.with(Loaded::TAGS);
    }
    loaded
}

/// An agent as an answer shows it: relationships not `loaded` empty, its identities and blocks as
/// they are now.
pub fn shown(data: &LettaData, agent: &Entity, loaded: Loaded) -> Value {
    let mut shown = agent.json.clone();
    let Value::Object(fields) = &mut shown else { return shown };
    let agent_type = fields.get("agent_type").cloned().unwrap_or(Value::Null);
    if loaded.has(Loaded::BLOCKS) {
        let blocks: Vec<Value> =
            block_ids(fields).iter().filter_map(|id| data.blocks.get(id)).map(|block| block.json.clone()).collect();
        if let Some(Value::Object(memory)) = fields.get_mut("memory") {
            memory.insert("blocks".into(), Value::from(blocks.clone()));
        }
        fields.insert("blocks".into(), Value::from(blocks));
    } else {
        let memory = json!({"agent_type": agent_type, "git_enabled": false, "blocks": [], "file_blocks": [], "prompt_template": ""});
        fields.insert("memory".into(), memory);
        fields.insert("blocks".into(), json!([]));
    }
    let empty: [(&str, Loaded, Value); 8] = [
        ("tools", Loaded::TOOLS, json!([])),
        ("sources", Loaded::SOURCES, json!([])),
        ("tags", Loaded::TAGS.with(Loaded::BLOCKS), json!([])),
        ("tool_exec_environment_variables", Loaded::SECRETS, json!([])),
        ("secrets", Loaded::SECRETS, json!([])),
        ("multi_agent_group", Loaded::MANAGED_GROUP, Value::Null),
        ("managed_group", Loaded::MANAGED_GROUP, Value::Null),
        ("pending_approval", Loaded::PENDING_APPROVAL, Value::Null),
    ];
    for (name, relation, value) in empty {
        if !loaded.has(relation) {
            fields.insert(name.into(), value);
        }
    }
    let (ids, identities) = if loaded.has(Loaded::IDENTITIES) {
        let mut ids = Vec::new();
        let mut identities = Vec::new();
        for (_, identity) in data.identities.snapshot() {
            if identity.agent_ids.iter().any(|id| **id == *agent.id) {
                ids.push(Value::from(&*identity.id));
                let mut out = Vec::new();
                identity.write_json(&mut out);
                identities.push(serde_json::from_slice(&out).unwrap_or(Value::Null));
            }
        }
        (ids, identities)
    } else {
        (Vec::new(), Vec::new())
    };
    fields.insert("identity_ids".into(), Value::from(ids));
    fields.insert("identities".into(), Value::from(identities));
    shown
}

/// The ids of an agent's blocks, as its stored JSON lists them.
fn block_ids(fields: &Map<String, Value>) -> Vec<String> {
    let blocks = fields.get("blocks").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    blocks.iter().filter_map(|block| block.get("id").and_then(Value::as_str)).map(str::to_string).collect()
}

/// `provider/model`, with both sides non-empty.
fn split_handle(handle: &str) -> Option<(&str, &str)> {
    handle.split_once('/').filter(|(provider, model)| !provider.is_empty() && !model.is_empty())
}

/// The providers identity-mock serves handles of, as if their keys were configured.
const PROVIDERS: [(&str, &str); 3] = [
    ("letta", "https://inference.letta.com/v1/"),
    ("openai", "https://api.openai.com/v1"),
    ("anthropic", "https://api.anthropic.com/v1"),
];

fn endpoint(provider: &str) -> Option<&'static str> {
    PROVIDERS.iter().find(|(name, _)| *name == provider).map(|(_, url)| *url)
}

/// The `llm_config` and `model_settings` a model handle stands for, or `None` for a handle of a
/// provider identity-mock does not know (upstream: not configured).
fn llm_config(handle: &str) -> Option<(Value, Value)> {
    let (provider, model) = split_handle(handle)?;
    let url = endpoint(provider)?;
    if provider == "letta" && model != "letta-free" {
        return None;
    }
    let mut config = template()["llm_config"].clone();
    let mut settings = template()["model_settings"].clone();
    if provider != "letta" {
        let max_tokens = if provider == "openai" { 16_384 } else { 8_192 };
        config["model"] = Value::from(model);
        config["model_endpoint_type"] = Value::from(provider);
        config["model_endpoint"] = Value::from(url);
        config["provider_name"] = Value::from(provider);
        // Upstream's provider sync caps an OpenAI or Anthropic model's window at 128,000; the
        // template's `letta-free` keeps its own 30,000.
        config["context_window"] = Value::from(128_000);
        config["handle"] = Value::from(handle);
        config["max_tokens"] = Value::from(max_tokens);
        settings["max_output_tokens"] = Value::from(max_tokens);
        settings["provider_type"] = Value::from(provider);
    }
    Some((config, settings))
}

/// The `embedding_config` an embedding handle stands for, or `None` when unknown.
fn embedding_config(handle: &str) -> Option<Value> {
    let (provider, model) = split_handle(handle)?;
    let url = endpoint(provider)?;
    if provider == "anthropic" || (provider == "letta" && model != "letta-free") {
        return None;
    }
    let mut config = template()["embedding_config"].clone();
    if provider != "letta" {
        config["embedding_endpoint_type"] = Value::from(provider);
        config["embedding_endpoint"] = Value::from(url);
        config["embedding_model"] = Value::from(model);
        config["handle"] = Value::from(handle);
    }
    Some(config)
}

/// The summarizer upstream picks for an agent's provider.
fn compaction_model(config: &Value) -> Value {
    let provider = config["provider_name"].as_str().or(config["model_endpoint_type"].as_str()).unwrap_or_default();
    match provider {
        "letta" => Value::from("letta/auto"),
        "openai" => Value::from("openai/gpt-5-mini"),
        "anthropic" => Value::from("anthropic/claude-haiku-4-5"),
        _ => config["handle"].clone(),
    }
}

/// `max_files_open` and `per_file_view_window_char_limit` from the context window, as upstream.
fn file_defaults(context_window: Option<u64>) -> (u64, u64) {
    match context_window {
        None | Some(0) => (5, 50_000),
        Some(..=8_000) => (3, 5_000),
        Some(..=32_000) => (5, 15_000),
        Some(..=128_000) => (10, 25_000),
        Some(..=200_000) => (10, 40_000),
        Some(_) => (15, 40_000),
    }
}

/// What pydantic's validators of `CreateAgentRequest` raise before the schema's errors count.
/// Upstream's name check escapes as a 500; with `--fix-upstream-bugs` it is a 422.
pub fn create_checks(body: &Value, fix_upstream_bugs: bool) -> Result<(), LettaError> {
    if let Some(name) = body.get("name").and_then(Value::as_str) {
        let allowed = |c: char| c.is_alphanumeric() || c == '_' || c == ' ' || c == '\'' || c == '-';
        if !name.is_empty() && !name.chars().all(allowed) {
            let why = format!(
                "Agent name '{name}' contains invalid characters. Only letters (any language), digits, spaces, \
                 hyphens, underscores, and apostrophes are allowed. Please avoid filesystem-unsafe characters \
                 like: / \\ : * ? \" < > |"
            );
            if fix_upstream_bugs {
                return Err(super::unstorable(Some("name"), &why, &Value::from(name)));
            }
            return Err(LettaError::detail(StatusCode::INTERNAL_SERVER_ERROR, format!("Export failed: {why}")));
        }
    }
    if let Some(model) = body.get("model").and_then(Value::as_str) {
        if split_handle(model).is_none() {
            return Err(invalid_argument("The model handle should be in the format provider/model-name"));
        }
    }
    Ok(())
}

/// `CreateAgentRequest`'s embedding validator raises a `ValueError`: an ordinary 422 item.
pub fn embedding_error(body: &Value) -> Option<PydanticError> {
    let embedding = body.get("embedding")?.as_str()?;
    if split_handle(embedding).is_some() {
        return None;
    }
    const WHY: &str = "The embedding handle should be in the format provider/model-name";
    Some(
        PydanticError::new(
            "value_error",
            "body",
            vec![LocPart::Key("embedding".into())],
            format!("Value error, {WHY}"),
            ErrorInput::Text(embedding.to_string()),
        )
        .with_ctx("error", CtxValue::Repr(format!("ValueError('{WHY}')"))),
    )
}

fn invalid_argument(text: &str) -> LettaError {
    LettaError::detail(StatusCode::BAD_REQUEST, format!("INVALID_ARGUMENT: {text}"))
}

/// The 409 PostgreSQL's foreign key gives an identity id that does not exist.
fn unknown_identity(identity_id: &str, agent_id: &str) -> LettaError {
    LettaError::detail(
        StatusCode::CONFLICT,
        format!(
            "(sqlalchemy.dialects.postgresql.asyncpg.IntegrityError) <class 'asyncpg.exceptions.ForeignKeyViolationError'>: \
             insert or update on table \"identities_agents\" violates foreign key constraint \"identities_agents_identity_id_fkey\"\n\
             DETAIL:  Key (identity_id)=({identity_id}) is not present in table \"identities\".\n\
             [SQL: INSERT INTO identities_agents (identity_id, agent_id) VALUES ($1::VARCHAR, $2::VARCHAR) ON CONFLICT DO NOTHING]\n\
             [parameters: ('{identity_id}', '{agent_id}')]\n\
             (Background on this error at: https://sqlalche.me/e/20/gkpj)"
        ),
    )
}

fn identity_ids(body: &Value) -> Option<Vec<String>> {
    let items = body.get("identity_ids")?.as_array()?;
    let mut ids: Vec<String> = Vec::new();
    for id in items.iter().filter_map(Value::as_str) {
        if !ids.iter().any(|known| known == id) {
            ids.push(id.to_string());
        }
    }
    Some(ids)
}

fn check_identities(data: &LettaData, ids: &[String], agent_id: &str) -> Result<(), LettaError> {
    match ids.iter().find(|id| !data.identities.contains(id)) {
        Some(missing) => Err(unknown_identity(missing, agent_id)),
        None => Ok(()),
    }
}

impl LettaApi {
    pub(super) fn agent_create(&self, request: &Request<'_>) -> Outcome {
        let (data, body, sources) = (request.data, request.body, request.sources);
        let given = |name: &str| body.get(name).filter(|v| !v.is_null());
        let explicit_llm = given("llm_config").cloned();
        let model = given("model").and_then(Value::as_str);
        let (llm, settings) = match (&explicit_llm, model) {
            (None, None) => return Err(invalid_argument("Must specify either model or llm_config in request")),
            (Some(config), _) => (completed(&template()["llm_config"], config, LLM_BLANKS), None),
            (None, Some(handle)) => {
                let (config, settings) = llm_config(handle).ok_or_else(|| {
                    LettaError::detail(
                        StatusCode::NOT_FOUND,
                        format!("NOT_FOUND: Handle {handle} not found, must be one of []"),
                    )
                })?;
                (config, Some(settings))
            }
        };
        let embedding = match (given("embedding_config"), given("embedding").and_then(Value::as_str)) {
            (Some(config), _) => completed(&template()["embedding_config"], config, &["handle"]),
            (None, Some(handle)) => embedding_config(handle)
                .ok_or_else(|| invalid_argument(&format!("Embedding model {handle} not found")))?,
            (None, None) => Value::Null,
        };
        let id: Arc<str> = format!("agent-{}", sources.ids.uuid4()).into();
        // Memory blocks are written in a session of their own, before the agent.
        let mut blocks = Vec::new();
        for block in given("memory_blocks").and_then(Value::as_array).into_iter().flatten() {
            let block_id: Arc<str> = format!("block-{}", sources.ids.uuid4()).into();
            let mut stored = new_block(block, block_id.clone());
            if stored["description"].is_null() {
                if let Some(text) = stored["label"].as_str().and_then(default_description) {
                    stored.insert("description".into(), Value::from(text));
                }
            }
            let stored = Value::Object(stored);
            blocks.push(stored.clone());
            let _ = data.blocks.insert(Entity { id: block_id, json: stored }, sources.clock.now_micros());
        }
        for block_id in given("block_ids").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if let Some(block) = data.blocks.get(block_id) {
                blocks.push(block.json.clone());
            }
        }
        let identities = identity_ids(body).unwrap_or_default();
        check_identities(data, &identities, &id)?;

        let now_micros = sources.clock.now_micros();
        let now = timestamp(now_micros);
        let mut agent = template().clone();
        agent.insert("created_at".into(), Value::from(now.clone()));
        agent.insert("updated_at".into(), Value::from(now));
        agent.insert("id".into(), Value::from(&*id));
        let name = given("name").and_then(Value::as_str).map(str::to_string);
        agent.insert("name".into(), Value::from(name.unwrap_or_else(|| random_name(sources))));
        agent.insert("message_ids".into(), json!([format!("message-{}", sources.ids.uuid4())]));
        for field in [
            "system",
            "agent_type",
            "description",
            "metadata",
            "project_id",
            "template_id",
            "base_template_id",
            "timezone",
            "hidden",
            "message_buffer_autoclear",
            "enable_sleeptime",
        ] {
            if let Some(value) = given(field) {
                agent.insert(field.into(), value.clone());
            }
        }
        let context = llm["context_window"].as_u64();
        let files = file_defaults(context);
        agent.insert("max_files_open".into(), given("max_files_open").cloned().unwrap_or(Value::from(files.0)));
        agent.insert(
            "per_file_view_window_char_limit".into(),
            given("per_file_view_window_char_limit").cloned().unwrap_or(Value::from(files.1)),
        );
        agent.insert("model".into(), model.map(Value::from).unwrap_or(Value::Null));
        agent.insert(
            "embedding".into(),
            given("embedding").filter(|_| !embedding.is_null()).cloned().unwrap_or(Value::Null),
        );
        if let Some(settings) = settings {
            agent.insert("model_settings".into(), settings);
        }
        agent["compaction_settings"]["model"] = compaction_model(&llm);
        agent.insert("llm_config".into(), llm);
        agent.insert("embedding_config".into(), embedding);
        let include_tools = given("include_base_tools").and_then(Value::as_bool).unwrap_or(true);
        if !include_tools {
            agent.insert("tools".into(), json!([]));
        }
        agent.insert("tags".into(), given("tags").cloned().unwrap_or(json!([])));
        agent.insert("blocks".into(), Value::from(blocks.clone()));
        agent["memory"]["blocks"] = Value::from(blocks);
        let created = Entity { id: id.clone(), json: Value::Object(agent.clone()) };
        // Upstream then writes the first message's id, which moves `updated_at` on; the create
        // answer was already taken.
        agent.insert("updated_at".into(), Value::from(timestamp(sources.clock.now_micros())));
        let _ = data.agents.insert(Entity { id: id.clone(), json: Value::Object(agent) }, now_micros);
        for identity_id in &identities {
            data.link(Resource::Agents, identity_id, &id, true);
        }
        answer(&shown(data, &created, loaded_by_create(body, include_tools)))
    }

    pub(super) fn agent_update(&self, id: &str, request: &Request<'_>) -> Outcome {
        let (data, body) = (request.data, request.body);
        if !data.agents.contains(id) {
            return Err(self.messages.not_found("Agent", id));
        }
        let wanted = identity_ids(body);
        if let Some(wanted) = &wanted {
            check_identities(data, wanted, id)?;
        }
        // An unknown block fails the update (a create leaves it out).
        let blocks = body.get("block_ids").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
        if let Some(missing) = blocks.into_iter().find(|block_id| !data.blocks.contains(block_id)) {
            return Err(self.missing_link("Block", missing));
        }
        let now = timestamp(request.sources.clock.now_micros());
        let updated = data
            .agents
            .update(id, |agent| -> Result<(), ()> {
                let Value::Object(fields) = &mut agent.json else { return Ok(()) };
                for field in [
                    "name",
                    "tags",
                    "system",
                    "description",
                    "metadata",
                    "project_id",
                    "template_id",
                    "base_template_id",
                    "message_buffer_autoclear",
                    "enable_sleeptime",
                    "timezone",
                    "max_files_open",
                    "per_file_view_window_char_limit",
                    "hidden",
                    "last_run_completion",
                    "last_run_duration_ms",
                    "last_stop_reason",
                ] {
                    if let Some(value) = body.get(field).filter(|v| !v.is_null()) {
                        fields.insert(field.into(), value.clone());
                    }
                }
                if let Some(ids) = body.get("block_ids").and_then(Value::as_array) {
                    let blocks: Vec<Value> = ids
                        .iter()
                        .filter_map(Value::as_str)
                        .filter_map(|block_id| data.blocks.get(block_id))
                        .map(|block| block.json.clone())
                        .collect();
                    fields.insert("blocks".into(), Value::from(blocks));
                }
                fields.insert("updated_at".into(), Value::from(now.clone()));
                fields.insert("last_updated_by_id".into(), Value::from(DEFAULT_USER_ID));
                Ok(())
            })
            .map_err(|_| self.messages.not_found("Agent", id))?;
        if let Some(wanted) = wanted {
            // The agent's identities become the ones sent.
            for (_, identity) in data.identities.snapshot() {
                let linked = identity.agent_ids.iter().any(|linked| **linked == *updated.id);
                let keep = wanted.iter().any(|w| *w == *identity.id);
                if linked != keep {
                    data.link(Resource::Agents, &identity.id, &updated.id, keep);
                }
            }
        }
        answer(&shown(data, &updated, Loaded::ALL))
    }
}

/// The `llm_config` fields an explicit config leaves to their defaults rather than the
/// template's (which come from a handle).
const LLM_BLANKS: &[&str] = &["handle", "provider_name", "provider_category", "max_tokens"];

/// An explicit configuration completed with the template's other fields; `blanks` are the
/// template's fields that only a handle sets.
fn completed(template: &Value, given: &Value, blanks: &[&str]) -> Value {
    let mut config = template.clone();
    if let Value::Object(fields) = &mut config {
        for blank in blanks {
            fields.insert((*blank).into(), Value::Null);
        }
        if let Value::Object(given) = given {
            for (name, value) in given {
                if fields.contains_key(name) {
                    fields.insert(name.clone(), value.clone());
                }
            }
        }
    }
    config
}

/// A name upstream would draw (an adjective and a noun, capitalized), from the server's seeded
/// ids, so a `--seed` run draws the same ones.
fn random_name(sources: &crate::vendor::Sources<'_>) -> String {
    const ADJECTIVES: [&str; 8] = ["Funny", "Brave", "Quiet", "Swift", "Bright", "Gentle", "Clever", "Lucky"];
    const NOUNS: [&str; 8] = ["Kangaroo", "Falcon", "Otter", "Maple", "River", "Comet", "Badger", "Lantern"];
    let bytes = sources.ids.uuid4().into_bytes();
    format!("{}{}", ADJECTIVES[usize::from(bytes[0]) % 8], NOUNS[usize::from(bytes[1]) % 8])
}
