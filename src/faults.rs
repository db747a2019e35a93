//! Injected faults: for requests that match a method and path pattern, a delay, a given response,
//! or a dropped connection, for the next N matching requests or until removed.

use crate::journal::glob_match;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A delay in milliseconds: fixed, or drawn evenly from a range.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Delay {
    Fixed(u64),
    Range { min: u64, max: u64 },
}

/// A fault as the admin API takes and shows it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Assigned by the server.
    #[serde(default, skip_deserializing)]
    pub id: u64,
    /// Any method when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// A path, or a pattern where `*` matches any run of characters.
    pub path: String,
    /// Only requests of this namespace; any namespace when absent. Lets parallel tests that
    /// share a server each inject their own faults.
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub delay_ms: Option<Delay>,
    /// Answer with this status instead of the real response.
    #[serde(default)]
    pub status: Option<u16>,
    /// The body sent with `status`: a JSON value, or a string sent as it is.
    #[serde(default)]
    pub body: Option<Value>,
    /// Close the connection without answering.
    #[serde(default)]
    pub drop_connection: bool,
    /// Applies to this many matching requests, then removes itself; forever when absent.
    #[serde(default)]
    pub times: Option<u64>,
}

/// What to do to one request.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultAction {
    pub delay_ms: u64,
    pub respond: Option<(u16, Value)>,
    pub drop_connection: bool,
}

#[derive(Default)]
pub struct Faults {
    rules: Mutex<(u64, Vec<FaultSpec>)>,
}

impl Faults {
    /// Adds a fault; returns it with its id.
    pub fn add(&self, mut spec: FaultSpec) -> Result<FaultSpec, String> {
        if let Some(status) = spec.status {
            if !(100..=599).contains(&status) {
                return Err(format!("status must be between 100 and 599, got {status}"));
            }
        }
        if let Some(Delay::Range { min, max }) = spec.delay_ms {
            if min > max {
                return Err(format!("delay_ms.min ({min}) is larger than delay_ms.max ({max})"));
            }
        }
        if spec.times == Some(0) {
            return Err("times must be at least 1".into());
        }
        if spec.delay_ms.is_none() && spec.status.is_none() && !spec.drop_connection {
            return Err("a fault needs delay_ms, status or drop_connection".into());
        }
        let mut rules = self.rules.lock();
        rules.0 += 1;
        spec.id = rules.0;
        rules.1.push(spec.clone());
        Ok(spec)
    }

    pub fn list(&self) -> Vec<FaultSpec> {
        self.rules.lock().1.clone()
    }

    /// Removes one fault, or all when `id` is `None`; returns how many went.
    pub fn remove(&self, id: Option<u64>) -> usize {
        let mut rules = self.rules.lock();
        let before = rules.1.len();
        match id {
            Some(id) => rules.1.retain(|rule| rule.id != id),
            None => rules.1.clear(),
        }
        before - rules.1.len()
    }

    /// The fault for a request, if one matches: the first added wins, and its count goes down.
    /// `namespace` is asked for only when there are faults, as this runs for every request.
    pub fn take<'a>(&self, method: &str, path: &str, namespace: impl FnOnce() -> &'a str) -> Option<FaultAction> {
        let mut rules = self.rules.lock();
        if rules.1.is_empty() {
            return None;
        }
        let namespace = namespace();
        let index = rules.1.iter().position(|rule| {
            rule.method.as_ref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && rule.namespace.as_ref().is_none_or(|n| n == namespace)
                && glob_match(&rule.path, path)
        })?;
        let rule = rules.1[index].clone();
        if let Some(times) = rule.times {
            if times <= 1 {
                rules.1.remove(index);
            } else {
                rules.1[index].times = Some(times - 1);
            }
        }
        let delay_ms = match rule.delay_ms {
            None => 0,
            Some(Delay::Fixed(ms)) => ms,
            Some(Delay::Range { min, max }) => rand::Rng::gen_range(&mut rand::thread_rng(), min..=max),
        };
        Some(FaultAction {
            delay_ms,
            respond: rule.status.map(|status| (status, rule.body.unwrap_or(Value::Null))),
            drop_connection: rule.drop_connection,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> FaultSpec {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_counted_fault_removes_itself() {
        let faults = Faults::default();
        faults.add(spec(r#"{"method": "GET", "path": "/v1/*", "status": 503, "times": 2}"#)).unwrap();
        assert_eq!(faults.take("POST", "/v1/identities/", || "default"), None);
        assert_eq!(faults.take("GET", "/v1/identities/", || "default").unwrap().respond.unwrap().0, 503);
        assert!(faults.take("get", "/v1/x", || "default").is_some());
        assert_eq!(faults.take("GET", "/v1/identities/", || "default"), None);
    }

    #[test]
    fn delays_stay_in_their_range_and_bad_specs_are_refused() {
        let faults = Faults::default();
        faults.add(spec(r#"{"path": "*", "delay_ms": {"min": 5, "max": 7}}"#)).unwrap();
        for _ in 0..20 {
            let delay = faults.take("GET", "/x", || "default").unwrap().delay_ms;
            assert!((5..=7).contains(&delay));
        }
        assert!(faults.add(spec(r#"{"path": "*"}"#)).is_err());
        assert!(faults.add(spec(r#"{"path": "*", "status": 1000}"#)).is_err());
        assert!(faults.add(spec(r#"{"path": "*", "delay_ms": {"min": 9, "max": 1}}"#)).is_err());
        assert!(serde_json::from_str::<FaultSpec>(r#"{"path": "*", "stauts": 500}"#).is_err());
        assert_eq!(faults.remove(None), 1);
    }

    #[test]
    fn a_fault_with_a_namespace_spares_the_others() {
        let faults = Faults::default();
        faults.add(spec(r#"{"path": "*", "namespace": "test-a", "status": 500}"#)).unwrap();
        assert_eq!(faults.take("GET", "/v1/identities/", || "test-b"), None);
        assert_eq!(faults.take("GET", "/v1/identities/", || "default"), None);
        assert_eq!(faults.take("GET", "/v1/identities/", || "test-a").unwrap().respond.unwrap().0, 500);
    }
}
