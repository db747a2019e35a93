use clap::builder::FalseyValueParser;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser};
use identity_mock::{Clock, Config, FixtureSource, MockServer, Revision, TagMatch};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// A contract-testing server for the Letta and orq.ai Identities APIs.
///
/// Every option can also be given as an environment variable (shown with each); an option on the
/// command line wins over its variable.
#[derive(Parser, Debug)]
#[command(name = "identity-mock", version, about, long_about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value_t = defaults().host, env = "IDENTITY_MOCK_HOST")]
    host: String,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = defaults().port, env = "IDENTITY_MOCK_PORT")]
    port: u16,
    /// A fixtures file, or a folder of *.json fixtures files, instead of the bundled set.
    #[arg(long, value_name = "PATH", env = "IDENTITY_MOCK_FIXTURES")]
    fixtures: Option<PathBuf>,
    /// Start with no data at all.
    #[arg(long, env = "IDENTITY_MOCK_EMPTY", value_parser = FalseyValueParser::new())]
    empty: bool,
    /// Where the real server has a bug, answer with the documented intent instead.
    #[arg(long, env = "IDENTITY_MOCK_FIX_UPSTREAM_BUGS", value_parser = FalseyValueParser::new())]
    fix_upstream_bugs: bool,
    /// The orq API revision served when a request does not pick one with X-Mock-Orq-Api.
    #[arg(long, value_enum, default_value_t = defaults().orq_revision, env = "IDENTITY_MOCK_ORQ_API")]
    orq_api: Revision,
    /// Whether the orq tag filter needs every tag asked for (all) or one of them (any).
    #[arg(long, value_enum, default_value_t = defaults().orq_tag_match, env = "IDENTITY_MOCK_ORQ_TAG_MATCH")]
    orq_tag_match: TagMatch,
    /// Accept only this API key (repeat for more; in the variable, separate them with commas). orq
    /// refuses other keys; Letta then wants one, as a Letta server started with --secure does.
    #[arg(long = "api-key", value_name = "KEY", env = "IDENTITY_MOCK_API_KEY", value_delimiter = ',')]
    api_keys: Vec<String>,
    /// Generate ids from a generator seeded with N, so the same requests give the same bytes.
    #[arg(long, value_name = "N", env = "IDENTITY_MOCK_SEED")]
    seed: Option<u64>,
    /// real, fixed:RFC3339 (frozen), or step:RFC3339:MILLIS (moves on by MILLIS per write).
    #[arg(long, value_name = "CLOCK", default_value_t = defaults().clock, value_parser = Clock::parse, env = "IDENTITY_MOCK_CLOCK")]
    clock: Clock,
    /// How many requests the journal keeps (GET /__admin/requests); 0 turns it off.
    #[arg(long, value_name = "N", default_value_t = defaults().journal_size, env = "IDENTITY_MOCK_JOURNAL_SIZE")]
    journal_size: usize,
    /// Answer CORS preflights and add CORS headers for allowed origins (any localhost or loopback
    /// origin, any port, and those given with --cors-origin).
    #[arg(long, value_enum, default_value_t = Switch::from(defaults().cors), env = "IDENTITY_MOCK_CORS")]
    cors: Switch,
    /// Also allow this origin to call the APIs from a browser, e.g. http://192.168.1.20:5173
    /// (repeat for more; in the variable, separate them with commas); * allows any.
    #[arg(long = "cors-origin", value_name = "ORIGIN", env = "IDENTITY_MOCK_CORS_ORIGIN", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// Let pages on this origin call the admin API (by default only the server's own page may).
    #[arg(long = "admin-cors", value_name = "ORIGIN", env = "IDENTITY_MOCK_ADMIN_CORS", value_delimiter = ',')]
    admin_cors: Vec<String>,
    /// Also answer requests whose Host is this name (a leading dot: the name and its subdomains).
    /// Bound to a loopback address, other Hosts than localhost and loopback addresses get 403.
    #[arg(long = "allowed-host", value_name = "NAME", env = "IDENTITY_MOCK_ALLOWED_HOST", value_delimiter = ',')]
    allowed_hosts: Vec<String>,
    /// Largest request body in bytes; a larger one gets 413.
    #[arg(long, value_name = "BYTES", default_value_t = defaults().max_body_bytes, env = "IDENTITY_MOCK_MAX_BODY")]
    max_body: usize,
    /// Connections served at once; more wait until one closes.
    #[arg(long, value_name = "N", default_value_t = defaults().max_connections, env = "IDENTITY_MOCK_MAX_CONNECTIONS")]
    max_connections: usize,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, value_name = "SECONDS", default_value_t = defaults().header_read_timeout.as_secs(), env = "IDENTITY_MOCK_HEADER_READ_TIMEOUT")]
    header_read_timeout: u64,
    /// Protect /__admin: it then needs `Authorization: Bearer TOKEN` or `X-Admin-Token: TOKEN`.
    #[arg(long, value_name = "TOKEN", env = "IDENTITY_MOCK_ADMIN_TOKEN")]
    admin_token: Option<String>,
    /// Keep the state in this file across restarts (written atomically).
    #[arg(long, value_name = "PATH", env = "IDENTITY_MOCK_STATE_FILE")]
    state_file: Option<PathBuf>,
    /// At most this many seconds between two writes of the state file while the state changes.
    #[arg(long, value_name = "SECONDS", default_value_t = defaults().state_interval.as_secs(), env = "IDENTITY_MOCK_STATE_INTERVAL")]
    state_interval: u64,
    /// Print one line per request to stderr (off: nothing, as CI wants).
    #[arg(long, value_enum, default_value_t = LogArg::from(defaults().log_requests), env = "IDENTITY_MOCK_LOG")]
    log: LogArg,
    /// At most this many namespaces; a request that would create one more gets 503.
    #[arg(long, value_name = "N", default_value_t = defaults().max_namespaces, env = "IDENTITY_MOCK_MAX_NAMESPACES")]
    max_namespaces: usize,
    /// Drop namespaces nobody used for this many seconds (never `default`); off by default.
    #[arg(long, value_name = "SECONDS", env = "IDENTITY_MOCK_NAMESPACE_IDLE_TTL")]
    namespace_idle_ttl: Option<u64>,
    /// Let a Letta request's bearer key name its namespace, as orq's does (by default only
    /// X-Mock-Namespace does: the real Letta server ignores Authorization).
    #[arg(long, env = "IDENTITY_MOCK_LETTA_NAMESPACE_BY_KEY", value_parser = FalseyValueParser::new())]
    letta_namespace_by_key: bool,
    /// The admin web page at /__admin/ui/ (identities, live requests, faults, namespaces).
    #[arg(long, value_enum, default_value_t = Switch::from(defaults().admin_ui), env = "IDENTITY_MOCK_ADMIN_UI")]
    admin_ui: Switch,
    /// Serve the admin page's files from this folder instead of the built-in copy (for working
    /// on the page without rebuilding).
    #[arg(long, value_name = "PATH", env = "IDENTITY_MOCK_UI_DIR", hide = true)]
    ui_dir: Option<PathBuf>,
    /// Serve test-only routes (a route that panics, to test panic isolation).
    #[arg(long, hide = true)]
    enable_test_routes: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Without a subcommand, identity-mock serves.
#[derive(clap::Subcommand, Debug)]
enum Command {
    Verify(identity_mock::verify::VerifyArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Switch {
    On,
    Off,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogArg {
    Off,
    Requests,
}

impl From<bool> for Switch {
    fn from(on: bool) -> Switch {
        if on {
            Switch::On
        } else {
            Switch::Off
        }
    }
}

impl From<bool> for LogArg {
    fn from(requests: bool) -> LogArg {
        if requests {
            LogArg::Requests
        } else {
            LogArg::Off
        }
    }
}

/// The defaults of every option: the library's, declared once in `Config::default`.
fn defaults() -> Config {
    Config::default()
}

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    if let Some(Command::Verify(args)) = cli.command {
        return ExitCode::from(identity_mock::verify::main(args).await);
    }
    let fixtures = match (cli.fixtures, cli.empty) {
        (Some(path), true) => {
            // An option on the command line wins over a variable; two of the same kind conflict.
            let from_env = |id| matches.value_source(id) == Some(ValueSource::EnvVariable);
            match (from_env("fixtures"), from_env("empty")) {
                (false, true) => FixtureSource::Path(path),
                (true, false) => FixtureSource::Empty,
                _ => Cli::command()
                    .error(clap::error::ErrorKind::ArgumentConflict, "--fixtures and --empty exclude each other")
                    .exit(),
            }
        }
        (None, true) => FixtureSource::Empty,
        (Some(path), false) => FixtureSource::Path(path),
        (None, false) => FixtureSource::Bundled,
    };
    let config = Config {
        host: cli.host,
        port: cli.port,
        fixtures,
        fix_upstream_bugs: cli.fix_upstream_bugs,
        orq_revision: cli.orq_api,
        orq_tag_match: cli.orq_tag_match,
        api_keys: cli.api_keys,
        seed: cli.seed,
        clock: cli.clock,
        journal_size: cli.journal_size,
        cors: cli.cors == Switch::On,
        cors_origins: cli.cors_origins,
        admin_cors: cli.admin_cors,
        allowed_hosts: cli.allowed_hosts,
        log_requests: cli.log == LogArg::Requests,
        max_body_bytes: cli.max_body,
        max_connections: cli.max_connections,
        header_read_timeout: std::time::Duration::from_secs(cli.header_read_timeout.max(1)),
        admin_token: cli.admin_token,
        state_file: cli.state_file,
        state_interval: std::time::Duration::from_secs(cli.state_interval.max(1)),
        test_routes: cli.enable_test_routes,
        max_namespaces: cli.max_namespaces,
        namespace_idle_ttl: cli.namespace_idle_ttl.map(std::time::Duration::from_secs),
        letta_namespace_by_key: cli.letta_namespace_by_key,
        admin_ui: cli.admin_ui == Switch::On,
        ui_dir: cli.ui_dir,
    };
    // Signal handlers are in place before the start line, so a signal sent as soon as the line
    // appears still shuts down gracefully.
    let shutdown = match identity_mock::shutdown_signal() {
        Ok(shutdown) => shutdown,
        Err(error) => {
            eprintln!("identity-mock: cannot install signal handlers: {error}");
            return ExitCode::FAILURE;
        }
    };
    let server = match MockServer::start_with(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("identity-mock: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening on {}", server.uri());
    let _ = std::io::stdout().flush();
    match server.wait_for(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("identity-mock: could not write the state file: {error}");
            ExitCode::FAILURE
        }
    }
}
