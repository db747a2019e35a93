//! identity-mock: a contract-testing server for the Letta and orq.ai Identities APIs.
//!
//! The binary is a thin shell over [`Server`]; tests in Rust can start one in-process:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use identity_mock::{Config, Server};
//!
//! let server = Server::start(Config { port: 0, ..Config::default() }).await.unwrap();
//! let uri = server.uri(); // e.g. http://127.0.0.1:40123
//! assert!(uri.starts_with("http://127.0.0.1:"));
//! server.stop().await;
//! # }
//! ```

pub mod app;
pub mod clock;
pub mod config;
pub mod fixtures;
pub mod http;
pub mod ids;
pub mod letta;
pub mod namespaces;
pub mod orq;
pub mod schema;
pub mod server;
pub mod store;

pub use config::Config;
pub use fixtures::FixtureSource;

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server. Dropping it stops the server.
pub struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Why a server did not start.
#[derive(Debug)]
pub enum Error {
    Start(app::StartError),
    Bind(std::io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Start(e) => e.fmt(f),
            Error::Bind(e) => write!(f, "cannot listen: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl Server {
    /// Loads the fixtures, binds the socket and serves in the background. When this returns, the
    /// socket accepts connections.
    pub async fn start(config: Config) -> Result<Server, Error> {
        let app = Arc::new(app::App::new(&config).map_err(Error::Start)?);
        let listener = tokio::net::TcpListener::bind((config.host.as_str(), config.port))
            .await
            .map_err(Error::Bind)?;
        let addr = listener.local_addr().map_err(Error::Bind)?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, app, config.max_body_bytes, async {
            let _ = stopped.await;
        }));
        Ok(Server {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, e.g. `http://127.0.0.1:8283`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish, and returns when the server is down.
    pub async fn stop(mut self) {
        self.signal_stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until `shutdown` completes, then stops gracefully.
    pub async fn wait_for(self, shutdown: impl std::future::Future<Output = ()>) {
        shutdown.await;
        self.stop().await;
    }

    fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.signal_stop();
    }
}
