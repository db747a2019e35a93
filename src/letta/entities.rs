//! `/v1/agents` and `/v1/blocks`, as far as identities reach them: create, retrieve, list, count,
//! update, delete, and attaching identities. An agent or a block is kept as the JSON upstream
//! answers with. Links to identities live on the identities (one relation, seen from both
//! sides), so an agent's `identity_ids` and `identities` are filled in when it is shown, and an
//! agent's blocks are shown as they are now.

use super::errors::LettaError;
use super::model::Entity;
use super::routes::{EntityOperation, Resource};
use super::{agents, answer, blocks, LettaApi, Outcome, Request};
use crate::http::json;
use hyper::StatusCode;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::sync::Arc;

/// The text columns of an agent or a block a request writes: the named fields and the tags.
fn texts(resource: Resource, body: &Value) -> Vec<(&'static str, &str)> {
    let fields: &[&'static str] = match resource {
        Resource::Blocks => &["value", "label", "description", "project_id"],
        _ => &["name", "description", "system", "project_id", "template_id", "base_template_id", "timezone"],
    };
    let mut texts: Vec<(&'static str, &str)> =
        fields.iter().filter_map(|field| Some((*field, body.get(*field)?.as_str()?))).collect();
    let tags = body.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str);
    texts.extend(tags.map(|tag| ("tags", tag)));
    // A block's value loses its NUL characters before it is stored.
    if resource == Resource::Blocks {
        let storable = |text: &str| super::pyvalues::storable_text(&text.replace('\0', ""));
        texts.retain(|(field, text)| *field != "value" || !storable(text));
    }
    texts
}

impl LettaApi {
    pub(super) fn entity(
        &self,
        resource: Resource,
        operation: EntityOperation,
        id: &str,
        identity_id: &str,
        request: Request<'_>,
    ) -> Outcome {
        let data = request.data;
        let collection = data.entities(resource);
        match operation {
            EntityOperation::List => self.list_entities(resource, &request),
            EntityOperation::Count => {
                let count = matching(resource, &request).len();
                Ok(json(StatusCode::OK, count.to_string()))
            }
            EntityOperation::Create | EntityOperation::Update => {
                if operation == EntityOperation::Update && !collection.contains(id) {
                    return Err(self.messages.not_found(resource.kind(), id));
                }
                self.check_texts(texts(resource, request.body))?;
                self.write_entity(resource, operation, id, &request)
            }
            EntityOperation::Retrieve => {
                let entity = collection.get(id).ok_or_else(|| short_not_found(resource, id))?;
                match resource {
                    Resource::Blocks => answer(&entity.json),
                    _ => answer(&agents::shown(data, &entity, agents::loaded_for(request.http, request.query))),
                }
            }
            EntityOperation::Delete => {
                let removed = collection.remove(id).ok_or_else(|| self.messages.not_found(resource.kind(), id))?;
                data.unlink_everywhere(resource, &removed.id);
                match resource {
                    Resource::Blocks => Ok(json(StatusCode::OK, "null")),
                    _ => answer(&Value::from(Map::from_iter([(
                        "message".to_string(),
                        Value::from(format!("Agent id={} successfully deleted", removed.id)),
                    )]))),
                }
            }
            EntityOperation::AttachIdentity | EntityOperation::DetachIdentity => {
                let identity_format = self.schemas.get(crate::schema::SchemaId::LettaIdentityId);
                if !identity_format.validator.is_valid(&Value::from(identity_id)) {
                    return Err(LettaError::detail(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "INVALID_ARGUMENT: Invalid identity ID format: {identity_id}. Expected format: 'identity-<uuid4>'"
                        ),
                    ));
                }
                if !data.identities.contains(identity_id) {
                    return Err(self.messages.identity_not_found(identity_id));
                }
                let entity = collection.get(id).ok_or_else(|| self.messages.not_found(resource.kind(), id))?;
                data.link(resource, identity_id, &entity.id, operation == EntityOperation::AttachIdentity);
                match resource {
                    Resource::Blocks => answer(&entity.json),
                    _ => Ok(json(StatusCode::OK, "null")),
                }
            }
        }
    }

    fn write_entity(&self, resource: Resource, operation: EntityOperation, id: &str, request: &Request<'_>) -> Outcome {
        match (resource, operation) {
            (Resource::Blocks, EntityOperation::Create) => blocks::create(request),
            (Resource::Blocks, _) => self.block_update(id, request),
            (_, EntityOperation::Create) => self.agent_create(request),
            _ => self.agent_update(id, request),
        }
    }

    fn list_entities(&self, resource: Resource, request: &Request<'_>) -> Outcome {
        let query = request.query;
        let mut rows = matching(resource, request);
        // Cursors that name no row are ignored; both cursors keep the rows between them.
        let position = |id: &str| rows.iter().position(|(_, entity)| *entity.id == *id);
        let start = query.filter("after").and_then(position).map_or(0, |at| at + 1);
        let end = query.filter("before").and_then(position).unwrap_or(rows.len());
        rows = rows.drain(start.min(end)..end).collect();
        let limit = query.limit();
        if limit != 0 {
            rows.truncate(super::sql_limit_rows(limit)?);
        }
        let shown: Vec<Value> = match resource {
            Resource::Blocks => rows.iter().map(|(_, entity)| entity.json.clone()).collect(),
            _ => {
                let loaded = agents::loaded_for(request.http, query);
                rows.iter().map(|(_, entity)| agents::shown(request.data, entity, loaded)).collect()
            }
        };
        answer(&Value::from(shown))
    }
}

/// GET of one agent or block answers a short 404, unlike the ORM's long one.
fn short_not_found(resource: Resource, id: &str) -> LettaError {
    let text = match resource {
        Resource::Blocks => format!("Block with id '{id}' not found"),
        _ => format!("Agent with ID {id} not found"),
    };
    LettaError::detail(StatusCode::NOT_FOUND, text)
}

/// The rows a list (or count) of `/v1/agents` or `/v1/blocks` keeps, in the order it shows them.
fn matching(resource: Resource, request: &Request<'_>) -> Vec<(i64, Arc<Entity>)> {
    let (data, query) = (request.data, request.query);
    let texts = |name: &str| -> Vec<&str> {
        query.values.get(name).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
    };
    let tags = texts("tags");
    let match_all = query.values.get("match_all_tags").and_then(Value::as_bool).unwrap_or(false);
    let identifier_keys = texts("identifier_keys");
    // Agents and blocks linked to the identity named, or to those with the keys named.
    let mut linked: Option<Vec<String>> = None;
    if let Some(identity_id) = query.filter("identity_id") {
        linked = Some(
            data.identities.get(identity_id).map(|identity| identity.links(resource).to_vec()).unwrap_or_default(),
        );
    }
    if !identifier_keys.is_empty() {
        let mut ids = Vec::new();
        for (_, identity) in data.identities.snapshot() {
            if identifier_keys.contains(&identity.identifier_key.as_str()) {
                ids.extend(identity.links(resource).iter().cloned());
            }
        }
        linked = Some(match linked {
            Some(first) => first.into_iter().filter(|id| ids.contains(id)).collect(),
            None => ids,
        });
    }
    let (text_field, text_query) = match resource {
        Resource::Blocks => ("label", query.filter("label")),
        _ => ("name", query.filter("name")),
    };
    let query_text = query.filter("query_text").map(super::like::ContainsIgnoringCase::new);
    let hidden_flag = match resource {
        Resource::Blocks => "show_hidden_blocks",
        _ => "show_hidden_agents",
    };
    let show_hidden = query.values.get(hidden_flag).and_then(Value::as_bool).unwrap_or(false);
    let templates_only = query.values.get("templates_only").and_then(Value::as_bool).unwrap_or(false);
    // A block's `name` is its template's name.
    let block_name = query.filter("name").filter(|_| resource == Resource::Blocks);
    let keep = |entity: &Entity| {
        let field = |name: &str| entity.json.get(name).and_then(Value::as_str);
        let own_tags: Vec<&str> =
            entity.json.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let tagged = |tag: &&str| own_tags.contains(tag);
        linked.as_ref().is_none_or(|ids| ids.iter().any(|id| **id == *entity.id))
            && text_query.is_none_or(|wanted| field(text_field) == Some(wanted))
            && query.filter("project_id").is_none_or(|wanted| field("project_id") == Some(wanted))
            && query.filter("template_id").is_none_or(|wanted| field("template_id") == Some(wanted))
            && query.filter("base_template_id").is_none_or(|wanted| field("base_template_id") == Some(wanted))
            && (tags.is_empty() || if match_all { tags.iter().all(tagged) } else { tags.iter().any(tagged) })
            && query_text.as_ref().is_none_or(|pattern| pattern.matches(field("name").unwrap_or_default()))
            && (show_hidden || entity.json.get("hidden") != Some(&Value::Bool(true)))
            && (resource != Resource::Blocks
                || (entity.json.get("is_template") == Some(&Value::Bool(true))) == templates_only)
            && block_name.is_none_or(|wanted| field("template_name") == Some(wanted))
    };
    let mut rows: Vec<(i64, Arc<Entity>)> = data
        .entities(resource)
        .snapshot()
        .into_iter()
        .filter(|(_, entity)| keep(entity))
        .map(|(order, entity)| (order.created_at_micros, entity))
        .collect();
    let descending = match query.text("order") {
        Some(order) => order == "desc",
        // Blocks list oldest first by default, agents newest first.
        None => resource != Resource::Blocks,
    };
    let by_id_first = resource == Resource::Blocks && linked.is_some();
    let sort_key = |(created, entity): &(i64, Arc<Entity>)| -> (Option<i64>, Arc<str>) {
        let time = match query.text("order_by") {
            Some(column @ ("updated_at" | "last_run_completion")) => {
                entity.json.get(column).and_then(Value::as_str).and_then(crate::section::parse_rfc3339_micros)
            }
            _ => Some(*created),
        };
        (time, entity.id.clone())
    };
    rows.sort_by(|a, b| {
        let (a, b) = (sort_key(a), sort_key(b));
        // Upstream's DISTINCT ON (id) lists the blocks of an identity by id first.
        let order =
            if by_id_first { a.1.cmp(&b.1).then(a.0.cmp(&b.0)) } else { nulls_last(&a.0, &b.0).then(a.1.cmp(&b.1)) };
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    rows
}

/// PostgreSQL's order for a nullable column: NULL after every value in ascending order.
fn nulls_last(a: &Option<i64>, b: &Option<i64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
    }
}
