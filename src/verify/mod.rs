//! `identity-mock verify`: runs the scenario library against a live Letta server or orq account
//! and against an in-process identity-mock, request by request, and reports every difference.
//!
//! Safe on a real account: every identity it creates carries the run's prefix
//! (`verify-<12 hex digits>`), every list is scoped to that prefix, and whatever it created is
//! deleted at the end, after a failure or on Ctrl-C too. The same library runs in the project's own
//! tests (`tests/verify.rs`), against a second identity-mock.

mod client;
mod compare;
mod letta;
mod orq;
mod report;
mod scenario;

pub use client::BaseUrl;
pub use compare::COMPARED_HEADERS;
pub use scenario::{Auth, Check, Scenario, Step};

use crate::{Config, FixtureSource, MockServer, Revision};
use client::{Answer, Client, HttpClient, Recorded, Replay};
use compare::{Normalizer, Seen};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Exit statuses.
pub const EXIT_SAME: u8 = 0;
pub const EXIT_DIFFERENT: u8 = 1;
pub const EXIT_COULD_NOT_RUN: u8 = 2;

/// The arguments of `identity-mock verify`.
#[derive(clap::Args, Debug, Clone)]
#[command(
    about = "Run the built-in scenarios against a live Letta server or orq account and against an in-process identity-mock, and report every difference",
    long_about = "Run the built-in scenarios against a live Letta server or orq account and against an in-process \
identity-mock, and report every difference.\n\nIt touches only identities it creates: all carry a unique run prefix \
(verify-<12 hex digits>), every list is scoped to that prefix, and they are deleted at the end, after a failure or \
Ctrl-C too.\n\nExit status: 0 when nothing differs, 1 when something does, 2 when it could not run (or was \
interrupted).",
    group(clap::ArgGroup::new("target").required(true).args(["letta", "orq", "replay"]))
)]
pub struct VerifyArgs {
    /// A Letta server's base URL, e.g. http://127.0.0.1:8283.
    #[arg(long, value_name = "URL")]
    pub letta: Option<String>,
    /// An orq.ai API base URL, e.g. https://api.orq.ai (needs --api-key).
    #[arg(long, value_name = "URL", requires = "api_key")]
    pub orq: Option<String>,
    /// Letta: sent as `Authorization: Bearer TOKEN` (a server started with --secure wants one).
    #[arg(long, value_name = "TOKEN", conflicts_with = "orq")]
    pub token: Option<String>,
    /// Letta: sent as `X-Project-Id` on every request.
    #[arg(long, value_name = "ID", conflicts_with = "orq")]
    pub project_id: Option<String>,
    /// orq: the API key (its workspace is where the run's identities are created and deleted).
    #[arg(long, value_name = "KEY", conflicts_with = "letta")]
    pub api_key: Option<String>,
    /// orq: the API revision the live service is expected to speak.
    #[arg(long, value_enum, value_name = "REVISION", default_value_t = Revision::Current)]
    pub orq_api: Revision,
    /// Print the requests it would send, and send none.
    #[arg(long)]
    pub dry_run: bool,
    /// Show both answers of a difference in full, not shortened.
    #[arg(long)]
    pub verbose: bool,
    /// Write the results as JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the live exchanges to FILE, in the transcript format of
    /// tests/data/letta/identities.real-responses.txt.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Run only the scenarios whose name contains TEXT (repeat for more).
    #[arg(long, value_name = "TEXT")]
    pub only: Vec<String>,
    /// Seconds to wait for one answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// Trust the certificates in this PEM file too, for an https server with a private CA.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Wait this many milliseconds before each request to the live server (for a service with a
    /// rate limit).
    #[arg(long, value_name = "MILLIS", default_value_t = 0)]
    pub pace: u64,
    /// Instead of a live server, take the answers from FILE, a recording made with --record
    /// (say, one a user sent back), and compare them with the mock's.
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
}

/// Which API a run checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    Letta,
    Orq(Revision),
}

impl Api {
    fn name(self) -> &'static str {
        match self {
            Api::Letta => "letta",
            Api::Orq(_) => "orq",
        }
    }

    fn collection(self) -> &'static str {
        match self {
            Api::Letta => "/v1/identities/",
            Api::Orq(_) => "/v2/identities",
        }
    }

    /// The id of the identity an answer holds, if it holds one.
    fn identity_id(self, body: &Value) -> Option<String> {
        let found = match self {
            Api::Letta => body.get("id"),
            Api::Orq(_) => body.get("identity").and_then(|i| i.get("_id")).or_else(|| body.get("_id")),
        };
        found.and_then(Value::as_str).map(str::to_string)
    }

    /// The path that deletes one identity.
    fn one(self, id: &str) -> String {
        match self {
            Api::Letta => format!("/v1/identities/{id}"),
            Api::Orq(_) => format!("/v2/identities/{id}"),
        }
    }

    /// A list of this run's identities, at most 50.
    fn sweep(self, run: &str) -> String {
        match self {
            Api::Letta => format!("/v1/identities/?name={run}&limit=50"),
            Api::Orq(_) => format!("/v2/identities?search={run}&limit=50"),
        }
    }

    /// The identities of a list answer that carry the run's prefix in their key, with their ids.
    fn ours(self, body: &Value, run: &str) -> Vec<String> {
        let items = match self {
            Api::Letta => body.as_array(),
            Api::Orq(_) => body.get("data").and_then(Value::as_array),
        };
        let key = match self {
            Api::Letta => "identifier_key",
            Api::Orq(_) => "external_id",
        };
        let id = match self {
            Api::Letta => "id",
            Api::Orq(_) => "_id",
        };
        items
            .into_iter()
            .flatten()
            .filter(|item| item.get(key).and_then(Value::as_str).is_some_and(|k| k.starts_with(run)))
            .filter_map(|item| item.get(id).and_then(Value::as_str).map(str::to_string))
            .collect()
    }
}

/// A run's settings, once the arguments are checked.
#[derive(Clone, Debug)]
pub struct Options {
    pub api: Api,
    pub live: BaseUrl,
    /// Letta's token or orq's API key.
    pub credential: Option<String>,
    pub project_id: Option<String>,
    pub verbose: bool,
    pub only: Vec<String>,
    pub timeout: Duration,
    /// The run's prefix; a fresh one when `None`.
    pub run_prefix: Option<String>,
    /// PEM certificates to trust besides the Mozilla roots.
    pub ca_file: Option<PathBuf>,
    /// The live side's answers from a recording instead of a server.
    pub replay: Option<Vec<Recorded>>,
    /// A wait before each request to the live server.
    pub pace: Duration,
}

impl Options {
    pub fn from_args(args: &VerifyArgs) -> Result<Options, String> {
        if args.timeout == 0 {
            return Err("--timeout must be at least 1 second".into());
        }
        if let Some(path) = &args.replay {
            let text = std::fs::read_to_string(path).map_err(|e| format!("--replay {}: {e}", path.display()))?;
            let recording = report::parse_transcript(&text).map_err(|e| format!("--replay {}: {e}", path.display()))?;
            return Ok(Options {
                api: recording.api,
                live: recording.live,
                credential: recording.credentials.then(|| "replay-key".to_string()),
                project_id: recording.project_id,
                verbose: args.verbose,
                only: args.only.clone(),
                timeout: Duration::from_secs(args.timeout),
                run_prefix: Some(recording.run),
                ca_file: None,
                replay: Some(recording.exchanges),
                pace: Duration::ZERO,
            });
        }
        let (api, url, credential) = match (&args.letta, &args.orq) {
            (Some(url), None) => (Api::Letta, url, args.token.clone()),
            (None, Some(url)) => {
                let key = args.api_key.clone().ok_or("--orq needs --api-key KEY")?;
                if key.trim().is_empty() {
                    return Err("--api-key is empty".into());
                }
                (Api::Orq(args.orq_api), url, Some(key))
            }
            _ => return Err("give exactly one of --letta URL and --orq URL".into()),
        };
        let live =
            BaseUrl::parse(url).map_err(|e| format!("{}: {e}", if api == Api::Letta { "--letta" } else { "--orq" }))?;
        Ok(Options {
            api,
            live,
            credential,
            project_id: args.project_id.clone(),
            verbose: args.verbose,
            only: args.only.clone(),
            timeout: Duration::from_secs(args.timeout),
            run_prefix: None,
            ca_file: args.ca_file.clone(),
            replay: None,
            pace: Duration::from_millis(args.pace),
        })
    }

    /// The scenarios this run runs.
    pub fn scenarios(&self) -> Vec<Scenario> {
        library(self.api)
            .into_iter()
            .filter(|s| self.only.is_empty() || self.only.iter().any(|o| s.name.contains(o)))
            // A recording holds the scenarios it was made with.
            .filter(|s| self.replay.as_ref().is_none_or(|r| r.iter().any(|e| e.scenario == s.name)))
            .collect()
    }
}

/// Every scenario of an API, in the order they run.
pub fn library(api: Api) -> Vec<Scenario> {
    match api {
        Api::Letta => letta::scenarios(),
        Api::Orq(_) => orq::scenarios(),
    }
}

/// A fresh run prefix: `verify-` and 12 random hex digits (no `_` or `%`, which Letta's name
/// filter would read as wildcards).
pub fn fresh_prefix() -> String {
    let bytes: [u8; 6] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("verify-{hex}")
}

/// One side of the comparison.
struct Side {
    client: Client,
    origin: String,
    origins: Vec<String>,
    /// Ids by the step name that saved them, for the scenario running now.
    saved: HashMap<&'static str, String>,
    counts: HashMap<&'static str, i64>,
    normalizer: Normalizer,
    /// Identities created on this side and not yet deleted.
    created: BTreeSet<String>,
}

impl Side {
    fn new(client: Client) -> Side {
        let origin = client.base().origin();
        let origins = client.base().origins();
        Side {
            client,
            normalizer: Normalizer::new(&origins),
            origins,
            origin,
            saved: HashMap::new(),
            counts: HashMap::new(),
            created: BTreeSet::new(),
        }
    }

    fn start_scenario(&mut self) {
        self.saved.clear();
        self.counts.clear();
        self.normalizer = Normalizer::new(&self.origins);
    }
}

/// One request as it was sent to the live side.
#[derive(Clone, Debug)]
pub struct Sent {
    pub method: String,
    pub path: String,
    pub body: Option<String>,
}

impl Sent {
    pub fn line(&self) -> String {
        match &self.body {
            Some(body) => format!("{} {} body={body}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// A step whose answers differ.
#[derive(Clone, Debug)]
pub struct Difference {
    pub step: usize,
    pub request: String,
    /// `status`, `header location`, `body`, or why a side had no answer.
    pub what: Vec<String>,
    pub live: String,
    pub mock: String,
    /// The README row, when the mock's answer there is inferred.
    pub inferred: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct ScenarioResult {
    pub name: String,
    pub steps: usize,
    pub differences: Vec<Difference>,
    pub seconds: f64,
}

/// A live exchange, for `--record`.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub name: String,
    pub request: Sent,
    pub answer: Result<Answer, String>,
}

/// Runs scenarios against both sides and keeps what it saw.
pub struct Runner {
    options: Options,
    run: String,
    live: Side,
    mock: Side,
    /// Keeps the in-process mock running.
    _mock_server: MockServer,
    pub results: Vec<ScenarioResult>,
    pub exchanges: Vec<Exchange>,
}

impl Runner {
    /// Starts the in-process mock (empty: the scenarios create all they need) and checks that the
    /// live server answers and holds nothing under this run's prefix.
    pub async fn start(options: Options) -> Result<Runner, String> {
        let run = options.run_prefix.clone().unwrap_or_else(fresh_prefix);
        let config = Config {
            port: 0,
            fixtures: FixtureSource::Empty,
            orq_revision: match options.api {
                Api::Orq(revision) => revision,
                Api::Letta => Revision::Current,
            },
            api_keys: options.credential.iter().cloned().collect(),
            journal_size: 0,
            ..Config::default()
        };
        let mock_server = MockServer::start_with(config)
            .await
            .map_err(|e| format!("the in-process identity-mock did not start: {e}"))?;
        let mock_url = BaseUrl::parse(&mock_server.uri())?;
        let extra_roots = match &options.ca_file {
            Some(path) => Some(std::fs::read(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?),
            None => None,
        };
        let live = match options.replay.clone() {
            Some(exchanges) => Client::Replay(Replay::new(options.live.clone(), exchanges)),
            None => Client::Http(HttpClient::new(options.live.clone(), options.timeout, extra_roots.as_deref())?),
        };
        let replaying = matches!(live, Client::Replay(_));
        let live = Side::new(live);
        let mock = Side::new(Client::Http(HttpClient::new(mock_url, options.timeout, None)?));
        let mut runner =
            Runner { options, run, live, mock, _mock_server: mock_server, results: Vec::new(), exchanges: Vec::new() };
        if !replaying {
            runner.preflight().await?;
        }
        Ok(runner)
    }

    pub fn run_prefix(&self) -> &str {
        &self.run
    }

    async fn preflight(&mut self) -> Result<(), String> {
        let path = self.options.api.sweep(&self.run);
        let headers = self.headers(Auth::Configured, false);
        let answer = self
            .live
            .client
            .send("GET", &path, &headers, None)
            .await
            .map_err(|e| format!("the live server at {} does not answer: {e}", self.live.origin))?;
        if answer.status != 200 {
            return Err(format!(
                "the live server answered GET {path} with {} (check the URL and the credentials): {}",
                answer.status,
                compare::shorten(&answer.text(), Some(300))
            ));
        }
        let body: Value = serde_json::from_slice(&answer.body).map_err(|e| {
            format!(
                "the live server's answer to GET {path} is not JSON ({e}): is it a {} server?",
                self.options.api.name()
            )
        })?;
        let listed = match self.options.api {
            Api::Letta => body.as_array().map(Vec::len),
            Api::Orq(_) => body.get("data").and_then(Value::as_array).map(Vec::len),
        };
        match listed {
            Some(0) => Ok(()),
            Some(_) => Err(format!("the live server already holds identities named {}…; not touching them", self.run)),
            None => Err(format!("the live server's answer to GET {path} is not a {} list", self.options.api.name())),
        }
    }

    fn headers(&self, auth: Auth, json_body: bool) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        match auth {
            Auth::Configured => {
                if let Some(credential) = &self.options.credential {
                    headers.push(("authorization".to_string(), format!("Bearer {credential}")));
                }
            }
            Auth::Wrong => headers.push(("authorization".to_string(), format!("Bearer {}-not-a-key", self.run))),
            Auth::Omit => {}
        }
        if let Some(project) = &self.options.project_id {
            headers.push(("x-project-id".to_string(), project.clone()));
        }
        if json_body {
            headers.push(("content-type".to_string(), "application/json".to_string()));
        }
        headers
    }

    /// Runs every scenario, printing one line per scenario to `out` as it ends.
    pub async fn run_all(&mut self, out: &mut (dyn Write + Send)) {
        for scenario in self.options.scenarios() {
            let result = self.run_scenario(&scenario).await;
            let _ = writeln!(out, "{}", report::scenario_block(&result, self.options.verbose));
            let _ = out.flush();
            self.results.push(result);
        }
    }

    async fn run_scenario(&mut self, scenario: &Scenario) -> ScenarioResult {
        let started = std::time::Instant::now();
        self.live.start_scenario();
        self.mock.start_scenario();
        let mut differences = Vec::new();
        for (index, step) in scenario.steps.iter().enumerate() {
            if step.pause_ms > 0 {
                tokio::time::sleep(Duration::from_millis(step.pause_ms)).await;
            }
            let request = step.describe().replace("{s}", &format!("{}-{}", self.run, scenario.slug));
            let live = self.send(true, scenario, step).await;
            let mock = self.send(false, scenario, step).await;
            let name = format!("{}/{}", scenario.name, index + 1);
            if let Some(sent) = &live.sent {
                self.exchanges.push(Exchange { name, request: sent.clone(), answer: live.answer.clone() });
            }
            let request = live.sent.as_ref().map(Sent::line).unwrap_or(request);
            let difference = match (&live.seen, &mock.seen) {
                (Ok(a), Ok(b)) => {
                    let what = compare::differences(a, b);
                    (!what.is_empty()).then(|| (what, a.show(self.limit()), b.show(self.limit())))
                }
                (Err(a), Ok(b)) => Some((vec![format!("live: {a}")], a.clone(), b.show(self.limit()))),
                (Ok(a), Err(b)) => Some((vec![format!("mock: {b}")], a.show(self.limit()), b.clone())),
                (Err(a), Err(b)) if a == b => None,
                (Err(a), Err(b)) => Some((vec!["neither answered alike".to_string()], a.clone(), b.clone())),
            };
            if let Some((what, live, mock)) = difference {
                differences.push(Difference { step: index + 1, request, what, live, mock, inferred: step.inferred });
            }
        }
        ScenarioResult {
            name: scenario.name.clone(),
            steps: scenario.steps.len(),
            differences,
            seconds: started.elapsed().as_secs_f64(),
        }
    }

    fn limit(&self) -> Option<usize> {
        (!self.options.verbose).then_some(240)
    }

    /// Sends one step to one side; what it saw, normalized, or why there is nothing to compare.
    async fn send(&mut self, live: bool, scenario: &Scenario, step: &Step) -> SideOutcome {
        let headers = {
            let mut headers = self.headers(step.auth, step.body.is_some());
            for (name, value) in &step.headers {
                let value = value.replace("{s}", &format!("{}-{}", self.run, scenario.slug)).replace("{p}", &self.run);
                headers.push((name.clone(), value));
            }
            headers
        };
        let run = self.run.clone();
        let api = self.options.api;
        if live && !self.options.pace.is_zero() {
            tokio::time::sleep(self.options.pace).await;
        }
        let side = if live { &mut self.live } else { &mut self.mock };
        let lookup = |name: &str| side.saved.get(name).cloned();
        let path = scenario::fill(&step.path, &run, &scenario.slug, &lookup);
        let body = step.body.as_deref().map(|b| scenario::fill(b, &run, &scenario.slug, &lookup)).transpose();
        let (path, body) = match (path, body) {
            (Ok(path), Ok(body)) => (path, body),
            (Err(name), _) | (_, Err(name)) => {
                return SideOutcome {
                    sent: None,
                    answer: Err(String::new()),
                    seen: Err(format!("not sent: step `{name}` gave no id on this side")),
                }
            }
        };
        let sent = Sent { method: step.method.to_string(), path: path.clone(), body: body.clone() };
        let answer = side.client.send(step.method, &path, &headers, body.as_deref()).await;
        let seen = match &answer {
            Err(error) => Err(format!("no answer: {error}")),
            Ok(answer) => {
                let json: Option<Value> = serde_json::from_slice(&answer.body).ok();
                // Keep track of what exists on this side, whatever the step expected.
                if (200..300).contains(&answer.status) {
                    if let Some(id) = json.as_ref().and_then(|b| api.identity_id(b)) {
                        if matches!(step.method, "POST" | "PUT") {
                            side.created.insert(id.clone());
                        }
                        if let Some(name) = step.save {
                            side.saved.insert(name, id);
                        }
                    }
                    if step.method == "DELETE" {
                        if let Some(id) = path.rsplit('/').next() {
                            side.created.remove(id);
                        }
                    }
                }
                let count = json.as_ref().and_then(Value::as_i64);
                let body = match (&step.check, count) {
                    (Check::Answer, _) => None,
                    (Check::SaveCount(name), Some(count)) => {
                        side.counts.insert(name, count);
                        Some("<a count>".to_string())
                    }
                    (Check::CountSince(name), Some(count)) => match side.counts.get(name) {
                        Some(before) => Some(format!("<count {:+} since the count kept as {name}>", count - before)),
                        None => Some(format!("<a count, but none was kept as {name}>")),
                    },
                    (_, None) => None,
                };
                Ok(Seen::of(answer, &mut side.normalizer, body))
            }
        };
        SideOutcome { sent: Some(sent), answer, seen }
    }

    /// Deletes every identity this run created on the live server, then any other one that
    /// carries the run's prefix (a create whose answer was lost). Returns the ids it could not
    /// delete.
    pub async fn clean_up(&mut self) -> Vec<String> {
        if self.options.replay.is_some() {
            return Vec::new();
        }
        let api = self.options.api;
        let headers = self.headers(Auth::Configured, false);
        let mut failed = Vec::new();
        // An id leaves `created` only once deleted, so a second interrupt can say what is left.
        let created: Vec<String> = self.live.created.iter().cloned().collect();
        for id in created {
            match self.delete(&id, &headers).await {
                Ok(()) => {
                    self.live.created.remove(&id);
                }
                Err(why) => failed.push(format!("{id} ({why})")),
            }
        }
        // Sweep: list what still carries the prefix, delete it, until nothing is left.
        for _ in 0..20 {
            let path = api.sweep(&self.run);
            let Ok(answer) = self.live.client.send("GET", &path, &headers, None).await else { break };
            let Ok(body) = serde_json::from_slice::<Value>(&answer.body) else { break };
            let ours = api.ours(&body, &self.run);
            if ours.is_empty() {
                break;
            }
            let mut progress = false;
            for id in ours {
                match self.delete(&id, &headers).await {
                    Ok(()) => progress = true,
                    Err(why) => failed.push(format!("{id} ({why})")),
                }
            }
            if !progress {
                break;
            }
        }
        failed.sort();
        failed.dedup();
        failed
    }

    async fn delete(&self, id: &str, headers: &[(String, String)]) -> Result<(), String> {
        let answer = self.live.client.send("DELETE", &self.options.api.one(id), headers, None).await?;
        match answer.status {
            200..=299 | 404 => Ok(()),
            status => Err(format!("DELETE answered {status}")),
        }
    }
}

struct SideOutcome {
    sent: Option<Sent>,
    answer: Result<Answer, String>,
    seen: Result<Seen, String>,
}

/// Prints the requests a run would send, sending none.
pub fn dry_run(options: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let run = options.run_prefix.clone().unwrap_or_else(fresh_prefix);
    writeln!(
        out,
        "dry run: these requests would go to {} (and to an in-process identity-mock)",
        options.live.origin()
    )?;
    writeln!(out, "run prefix: {run}; {{id:NAME}} is the id the step saved as NAME handed out")?;
    let scenarios = options.scenarios();
    let mut count = 0;
    for scenario in &scenarios {
        writeln!(out, "{}", scenario.name)?;
        for step in &scenario.steps {
            let line = step
                .describe()
                .replace("{s}", &format!("{run}-{}", scenario.slug))
                .replace("{p}", &run)
                .replace("{hex}", &scenario::run_hex(&run));
            let auth = match step.auth {
                Auth::Configured => "",
                Auth::Omit => "  [without Authorization]",
                Auth::Wrong => "  [with a wrong key]",
            };
            writeln!(out, "  {line}{auth}")?;
            count += 1;
        }
    }
    writeln!(
        out,
        "then: DELETE {}… for every identity the run created, and for any left under {run}",
        options.api.collection()
    )?;
    writeln!(out, "{} scenarios, {count} requests", scenarios.len())
}

/// `identity-mock verify`: the whole command; returns the exit status.
pub async fn main(args: VerifyArgs) -> u8 {
    let options = match Options::from_args(&args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("identity-mock verify: {error}");
            return EXIT_COULD_NOT_RUN;
        }
    };
    let mut stdout = std::io::stdout();
    if args.dry_run {
        return match dry_run(&options, &mut stdout) {
            Ok(()) => EXIT_SAME,
            Err(_) => EXIT_COULD_NOT_RUN,
        };
    }
    // The handlers are in place before the first request, so an interrupt at any point after it
    // still cleans up.
    let interrupted = match crate::shutdown_signal() {
        Ok(signal) => signal,
        Err(error) => {
            eprintln!("identity-mock verify: cannot install signal handlers: {error}");
            return EXIT_COULD_NOT_RUN;
        }
    };
    let mut runner = match Runner::start(options).await {
        Ok(runner) => runner,
        Err(error) => {
            eprintln!("identity-mock verify: {error}");
            return EXIT_COULD_NOT_RUN;
        }
    };
    let _ = writeln!(stdout, "run prefix: {}", runner.run_prefix());
    let was_interrupted = tokio::select! {
        _ = runner.run_all(&mut stdout) => false,
        _ = interrupted => true,
    };
    if was_interrupted {
        let _ = writeln!(stdout, "interrupted: deleting this run's identities (Ctrl-C again stops that)");
    }
    let leftovers = match crate::shutdown_signal() {
        Ok(again) => {
            tokio::select! {
                leftovers = runner.clean_up() => leftovers,
                _ = again => {
                    let _ = writeln!(stdout, "interrupted again: clean-up stopped");
                    let mut left: Vec<String> = runner.live.created.iter().cloned().collect();
                    left.push(format!("any other identity whose key starts with {}", runner.run));
                    left
                }
            }
        }
        Err(_) => runner.clean_up().await,
    };
    let mut status = report::closing(&runner.results, &mut stdout);
    if let Some(path) = &args.junit {
        if let Err(error) = std::fs::write(path, report::junit(&runner.results, runner.options.api.name())) {
            eprintln!("identity-mock verify: cannot write {}: {error}", path.display());
            status = EXIT_COULD_NOT_RUN;
        }
    }
    if let Some(path) = &args.record {
        if let Err(error) = std::fs::write(path, report::transcript(&runner.exchanges, &runner.options, &runner.run)) {
            eprintln!("identity-mock verify: cannot write {}: {error}", path.display());
            status = EXIT_COULD_NOT_RUN;
        }
    }
    if !leftovers.is_empty() {
        eprintln!(
            "identity-mock verify: could not delete these identities of this run; delete them by hand: {}",
            leftovers.join(", ")
        );
        status = EXIT_COULD_NOT_RUN;
    }
    if was_interrupted {
        eprintln!("identity-mock verify: interrupted before every scenario ran");
        status = EXIT_COULD_NOT_RUN;
    }
    status
}
