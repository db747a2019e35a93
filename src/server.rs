//! The only module that knows sockets: the accept loop, one task per connection, the body limit,
//! and graceful shutdown. It knows nothing of identities.

use crate::admin::Opening;
use crate::app::App;
use crate::events::EventBody;
use crate::http::{percent_decode, ApiRequest, ApiResponse};
use crate::vendor::GenericError;
use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How long in-flight requests may take to finish after shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// What one client may cost the server.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body, in bytes; a larger one gets 413.
    pub max_body_bytes: usize,
    /// Connections served at once; more wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers (a slow client is cut off; the
    /// others are not delayed, since each connection is its own task).
    pub header_read_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and lets the
/// requests in flight finish.
pub async fn serve(listener: TcpListener, app: Arc<App>, limits: Limits, shutdown: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let max_body_bytes = limits.max_body_bytes;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of file descriptors or the like: wait rather than spin.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let service = service_fn(move |request| {
                    let app = app.clone();
                    async move {
                        match answer(&app, request, max_body_bytes).await {
                            Some(response) => Ok(response),
                            // Returning an error makes hyper close the connection unanswered.
                            None => Err(DroppedByFault),
                        }
                    }
                });
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(limits.header_read_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                    drop(permit);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    app.close_streams();
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}

/// A fault asked for the connection to be dropped.
#[derive(Debug)]
struct DroppedByFault;

impl std::fmt::Display for DroppedByFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedByFault {}

/// A whole response, or the live journal's stream.
type Answer = Response<Either<Full<Bytes>, EventBody>>;

fn whole(response: ApiResponse) -> Answer {
    response.map(|body| Either::Left(Full::new(body)))
}

async fn answer(app: &Arc<App>, request: Request<Incoming>, max_body_bytes: usize) -> Option<Answer> {
    let (parts, body) = request.into_parts();
    let body: Bytes = match Limited::new(body, max_body_bytes).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            let error = match error.is::<http_body_util::LengthLimitError>() {
                true => GenericError::BodyTooLarge { max_bytes: max_body_bytes },
                false => GenericError::UnreadableBody,
            };
            return Some(whole(app.generic_error(parts.uri.path(), &parts.headers, error)));
        }
    };
    let request = ApiRequest {
        method: parts.method,
        path: percent_decode(parts.uri.path(), false),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts.headers,
        body,
    };
    match app.open_stream(&request) {
        Some(Opening::Open(start)) => {
            let body = crate::events::stream(app.clone(), start);
            let mut response = Response::new(Either::Right(body));
            let headers = response.headers_mut();
            headers.insert(hyper::header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
            headers.insert(hyper::header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            Some(response)
        }
        Some(Opening::Refused(refused)) => Some(whole(refused)),
        None => app.answer(request).await.map(whole),
    }
}
