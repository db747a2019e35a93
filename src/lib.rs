//! identity-mock: a contract-testing server for the Letta and orq.ai Identities APIs.
//!
//! The binary is a thin shell over [`MockServer`], which Rust tests can also start in-process, one
//! per test, on a free port:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use identity_mock::MockServer;
//!
//! let server = MockServer::start().await; // bundled fixtures, a free port
//! let count = reqwest_like_get(&format!("{}/v1/identities/count", server.uri())).await;
//! assert_eq!(count, "5");
//! assert_eq!(server.requests().len(), 1);
//! // Dropping the handle shuts the server down.
//! # }
//! # async fn reqwest_like_get(url: &str) -> String {
//! #     use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! #     let rest = url.strip_prefix("http://").unwrap();
//! #     let (host, path) = rest.split_at(rest.find('/').unwrap());
//! #     let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
//! #     stream.write_all(format!("GET {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n").as_bytes()).await.unwrap();
//! #     let mut text = String::new();
//! #     stream.read_to_string(&mut text).await.unwrap();
//! #     text.split("\r\n\r\n").nth(1).unwrap().to_string()
//! # }
//! ```
//!
//! A builder sets fixtures, a seed, a clock and the orq revision:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use identity_mock::{Clock, MockServer, Revision};
//!
//! let server = MockServer::builder()
//!     .fixtures_json(r#"{"orq": {"identities": [{"external_id": "cust_1", "display_name": "Ada"}]}}"#)
//!     .seed(7)
//!     .clock(Clock::parse("fixed:2025-01-01T00:00:00Z").unwrap())
//!     .orq_revision(Revision::V1)
//!     .start()
//!     .await;
//! // Add data while the test runs, then go back to the fixtures without a restart.
//! server
//!     .load_fixtures(r#"{"orq": {"identities": [{"external_id": "cust_2"}]}}"#)
//!     .unwrap();
//! assert!(server.load_fixtures(r#"{"orq": {"identities": [{"display_name": "no external_id"}]}}"#).is_err());
//! server.reset();
//! # }
//! ```

#![deny(unsafe_code)]

mod admin;
mod app;
mod clock;
mod config;
mod data;
mod events;
mod faults;
mod fixtures;
#[doc(hidden)]
pub mod fuzzing;
#[allow(unsafe_code)]
mod heap;
mod http;
mod ids;
mod journal;
mod json_text;
mod letta;
mod namespaces;
mod openapi;
mod origins;
mod orq;
mod persist;
mod schema;
mod section;
mod server;
mod store;
mod ui;
mod vendor;
pub mod verify;

pub use clock::Clock;
pub use config::{Config, DEFAULT_PORT};
pub use fixtures::{FixtureError, FixtureSource};
pub use journal::RecordedRequest;
pub use orq::{Revision, TagMatch};

/// The crate's insides that its own benchmarks and tests measure; not part of its API, and free
/// to change.
#[doc(hidden)]
pub mod internals {
    pub use crate::ids::stable_uuid;
    pub use crate::journal::wildcard_match;
    pub use crate::json_text::JsonText;
    pub use crate::letta::model::{Identity, IdentityType, Properties, Property};
    pub use crate::letta::{pyjson, validation};
    pub use crate::orq::model::{Extras, Metrics, OrqIdentity};
    pub use crate::schema::{SchemaId, Schemas};
    pub use crate::store::{Collection, PageBounds};
}

/// The README's Rust examples, compiled and run as doctests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

use admin::Control;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server. Dropping it stops the server.
pub struct MockServer {
    addr: SocketAddr,
    app: Arc<app::App>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    state_file: Option<std::path::PathBuf>,
    state_writer: Option<JoinHandle<()>>,
    /// Drops idle namespaces, with `--namespace-idle-ttl`.
    sweeper: Option<JoinHandle<()>>,
}

/// Why a server did not start.
#[derive(Debug)]
pub enum Error {
    Start(app::StartError),
    /// The address could not be listened on.
    Bind {
        address: String,
        error: std::io::Error,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Start(e) => e.fmt(f),
            Error::Bind { address, error } if error.kind() == std::io::ErrorKind::AddrInUse => write!(
                f,
                "cannot listen on {address}: {error}; another server (perhaps another identity-mock) uses \
                 that port: stop it, or choose another port (--port 0 picks a free one)"
            ),
            Error::Bind { address, error } => write!(f, "cannot listen on {address}: {error}"),
        }
    }
}

impl std::error::Error for Error {}

/// Sets up a [`MockServer`] for a test: it listens on a free port of 127.0.0.1.
pub struct MockServerBuilder {
    config: Config,
}

impl MockServerBuilder {
    /// Where the starting data comes from (the bundled fixtures by default).
    pub fn fixtures(mut self, source: FixtureSource) -> Self {
        self.config.fixtures = source;
        self
    }

    /// Starts from this fixtures document instead of the bundled one.
    pub fn fixtures_json(self, document: &str) -> Self {
        self.fixtures(FixtureSource::Document(document.to_string()))
    }

    /// Generated ids come from a generator seeded with `seed`.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = Some(seed);
        self
    }

    pub fn clock(mut self, clock: clock::Clock) -> Self {
        self.config.clock = clock;
        self
    }

    pub fn orq_revision(mut self, revision: orq::Revision) -> Self {
        self.config.orq_revision = revision;
        self
    }

    /// Any other setting.
    pub fn config(mut self, change: impl FnOnce(&mut Config)) -> Self {
        change(&mut self.config);
        self
    }

    /// Starts the server; panics with the reason when it cannot, as a test wants.
    pub async fn start(self) -> MockServer {
        match MockServer::start_with(self.config).await {
            Ok(server) => server,
            Err(error) => panic!("identity-mock did not start: {error}"),
        }
    }
}

impl MockServer {
    /// A server with the bundled fixtures on a free port of 127.0.0.1.
    pub async fn start() -> MockServer {
        MockServer::builder().start().await
    }

    pub fn builder() -> MockServerBuilder {
        MockServerBuilder { config: Config { port: 0, ..Config::default() } }
    }

    /// Loads the fixtures, binds the socket and serves in the background. When this returns, the
    /// socket accepts connections.
    pub async fn start_with(config: Config) -> Result<MockServer, Error> {
        let app = Arc::new(app::App::new(&config).map_err(Error::Start)?);
        let bind_error = |error| Error::Bind { address: format!("{}:{}", config.host, config.port), error };
        let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port)).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let (stop, stopped) = oneshot::channel();
        let limits = server::Limits {
            max_body_bytes: config.max_body_bytes,
            max_connections: config.max_connections,
            header_read_timeout: config.header_read_timeout,
        };
        let task = tokio::spawn(server::serve(listener, app.clone(), limits, async {
            let _ = stopped.await;
        }));
        let state_writer = config.state_file.clone().map(|path| {
            let app = app.clone();
            let interval = config.state_interval;
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(interval).await;
                    if app.take_dirty() {
                        // A failed periodic write is retried at the next change; the final write
                        // at shutdown reports its error.
                        let _ = persist::write_atomically(&path, &app.state_document());
                    }
                }
            })
        });
        let sweeper = config.namespace_idle_ttl.map(|idle| {
            let app = app.clone();
            tokio::spawn(async move {
                // Often enough that no namespace outlives its idle time by more than half of it.
                let period = (idle / 2).clamp(std::time::Duration::from_millis(10), std::time::Duration::from_secs(60));
                loop {
                    tokio::time::sleep(period).await;
                    app.drop_idle_namespaces(idle);
                }
            })
        });
        let state_file = config.state_file.clone();
        Ok(MockServer { addr, app, stop: Some(stop), task: Some(task), state_file, state_writer, sweeper })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, e.g. `http://127.0.0.1:8283`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Back to the fixtures the server started with, in every namespace.
    pub fn reset(&self) {
        self.app.reset(None, false);
    }

    /// Adds a fixtures document to the default namespace (and its `namespaces` sections to
    /// theirs), validated as at start; nothing of a bad document is applied.
    pub fn load_fixtures(&self, document: &str) -> Result<(), FixtureError> {
        self.app.load_fixtures("fixtures", document, namespaces::DEFAULT_NAMESPACE).map(|_| ())
    }

    /// The requests in the journal, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.requests()
    }

    /// Stops accepting, lets requests in flight finish, writes the state file (when there is
    /// one), and returns when the server is down.
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.signal_stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        if let Some(writer) = self.state_writer.take() {
            writer.abort();
        }
        match &self.state_file {
            Some(path) => persist::write_atomically(path, &self.app.state_document()),
            None => Ok(()),
        }
    }

    /// Serves until `shutdown` completes, then stops gracefully.
    pub async fn wait_for(self, shutdown: impl std::future::Future<Output = ()>) -> std::io::Result<()> {
        shutdown.await;
        self.stop().await
    }

    fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(writer) = &self.state_writer {
            writer.abort();
        }
        if let Some(sweeper) = &self.sweeper {
            sweeper.abort();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM: what stops the server, and interrupts `verify`.
pub fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
