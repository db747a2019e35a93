//! How a server is set up: everything the command line can say, as a plain value.

use crate::clock::Clock;
use crate::fixtures::FixtureSource;
use crate::orq::{Revision, TagMatch};

/// The default port: Letta's own, so SDKs configured for a local Letta find the mock.
pub const DEFAULT_PORT: u16 = 8283;

#[derive(Clone, Debug)]
pub struct Config {
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    pub fixtures: FixtureSource,
    /// Answer with the documented intent where the real server has a bug.
    pub fix_upstream_bugs: bool,
    /// Seed for generated ids; `None` uses the system's randomness.
    pub seed: Option<u64>,
    pub clock: Clock,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The orq revision served when a request does not pick one.
    pub orq_revision: Revision,
    /// How the orq tag filter combines several tags.
    pub orq_tag_match: TagMatch,
    /// When not empty, the only orq API keys accepted.
    pub api_keys: Vec<String>,
    /// How many requests the journal keeps; 0 turns it off.
    pub journal_size: usize,
    /// Answer CORS preflights and add `access-control-allow-origin` (for allowed origins).
    pub cors: bool,
    /// API origins allowed besides the local ones (`localhost`, loopback addresses, any port);
    /// `*` allows any.
    pub cors_origins: Vec<String>,
    /// Origins the admin API serves besides the server's own (none by default).
    pub admin_cors: Vec<String>,
    /// Host names answered besides `localhost` and loopback addresses. Bound to a loopback
    /// address, other `Host`s get 403; bound to another address, the check is on only when this
    /// names hosts.
    pub allowed_hosts: Vec<String>,
    /// Print one line per request to stderr.
    pub log_requests: bool,
    /// Connections served at once.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout: std::time::Duration,
    /// When set, `/__admin` needs `Authorization: Bearer <token>` (or `X-Admin-Token: <token>`).
    pub admin_token: Option<String>,
    /// Where the state is kept across restarts; `None` keeps it in memory only.
    pub state_file: Option<std::path::PathBuf>,
    /// At most this long between two writes of the state file while the state changes.
    pub state_interval: std::time::Duration,
    /// Serve `/__admin/test/panic`, a route that panics, for testing that a panic costs one request.
    pub test_routes: bool,
    /// At most this many namespaces; a request that would create one more is refused.
    pub max_namespaces: usize,
    /// Namespaces unused for this long are dropped (never `default`); `None` keeps them.
    pub namespace_idle_ttl: Option<std::time::Duration>,
    /// Whether a Letta request's bearer key names its namespace (by default only
    /// `X-Mock-Namespace` does, as the real server ignores `Authorization`).
    pub letta_namespace_by_key: bool,
    /// Serve the admin web page at `/__admin/ui/`.
    pub admin_ui: bool,
    /// Serve the admin page's files from this folder instead of the copy compiled in (for working
    /// on the page).
    pub ui_dir: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: DEFAULT_PORT,
            fixtures: FixtureSource::Bundled,
            fix_upstream_bugs: false,
            seed: None,
            clock: Clock::Real,
            max_body_bytes: 1024 * 1024,
            orq_revision: Revision::Current,
            orq_tag_match: TagMatch::All,
            api_keys: Vec::new(),
            journal_size: 1000,
            cors: true,
            cors_origins: Vec::new(),
            admin_cors: Vec::new(),
            allowed_hosts: Vec::new(),
            log_requests: false,
            max_connections: 1024,
            header_read_timeout: std::time::Duration::from_secs(10),
            admin_token: None,
            state_file: None,
            state_interval: std::time::Duration::from_secs(5),
            test_routes: false,
            max_namespaces: 10_000,
            namespace_idle_ttl: None,
            letta_namespace_by_key: false,
            admin_ui: true,
            ui_dir: None,
        }
    }
}
