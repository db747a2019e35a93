//! The live journal, `GET /__admin/requests/stream`: every request the journal records from then
//! on, as server-sent events, for the admin page and for test tools that wait for a request.
//!
//! Each event is `id: <seq>`, `event: request` and the entry as `GET /__admin/requests` gives it,
//! on one `data:` line. A comment every [`KEEP_ALIVE`] keeps proxies from closing a quiet stream;
//! the stream ends when the client goes or the server shuts down.

use crate::admin::{Control, StreamStart};
use crate::app::App;
use bytes::Bytes;
use hyper::body::{Body, Frame};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// How long a quiet stream waits before it sends a comment.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// At most this many events are read from the journal at once (and wait for a slow client).
const BATCH: usize = 64;

/// A response body fed by a task: ends when the task drops its sender.
pub struct EventBody(mpsc::Receiver<Bytes>);

impl Body for EventBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// Starts the task that follows the journal for one client, and the body that carries what it
/// sends, until the client goes or the server shuts down.
pub fn stream(app: Arc<App>, start: StreamStart) -> EventBody {
    let (sender, receiver) = mpsc::channel(BATCH);
    let closing = app.closing();
    tokio::spawn(follow(app, start, sender, closing));
    EventBody(receiver)
}

async fn follow(app: Arc<App>, start: StreamStart, sender: mpsc::Sender<Bytes>, mut closing: watch::Receiver<bool>) {
    let journal = app.journal();
    let follower = journal.follow();
    // A reconnecting EventSource waits this long; the comment makes the client see the stream open.
    if sender.send(Bytes::from_static(b"retry: 1000\n: connected\n\n")).await.is_err() {
        return;
    }
    let mut after = start.after;
    loop {
        let next = follower.next_record();
        let entries = journal.after(after, &start.filter, BATCH);
        if let Some(last) = entries.last() {
            after = last.seq;
            let mut chunk = String::new();
            for entry in &entries {
                push_event(&mut chunk, entry);
            }
            if sender.send(Bytes::from(chunk)).await.is_err() {
                return;
            }
            if entries.len() == BATCH {
                // More may be waiting: read on before waiting.
                continue;
            }
        }
        if *closing.borrow() {
            return;
        }
        tokio::select! {
            () = next => {}
            _ = closing.changed() => return,
            () = tokio::time::sleep(KEEP_ALIVE) => {
                if sender.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                    return;
                }
            }
            () = sender.closed() => return,
        }
    }
}

/// One journal entry as an event.
fn push_event(chunk: &mut String, entry: &crate::RecordedRequest) {
    use std::fmt::Write;
    // serde_json writes no raw line breaks (they are escaped in strings), so one `data:` line holds it.
    let data = serde_json::to_string(entry).unwrap_or_else(|_| "{}".into());
    let _ = write!(chunk, "id: {}\nevent: request\ndata: {data}\n\n", entry.seq);
}
