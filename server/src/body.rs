//! A request body read on a blocking thread, by the runtime's record readers: the async side
//! pumps the body's chunks into a channel, and this reads them as a `BufRead`. It also says
//! whether input is at hand, so that a streamed request gets its results as its records come.

use std::io::{BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::{Body, Bytes};
use futures_util::StreamExt;
use tokio::sync::mpsc;

/// Bytes received and not yet consumed by the reader, shared by both sides.
#[derive(Clone, Default)]
pub struct Pending(Arc<AtomicUsize>);

impl Pending {
    pub fn at_hand(&self) -> bool {
        self.0.load(Ordering::Acquire) > 0
    }
}

pub struct ChannelReader {
    chunks: mpsc::Receiver<Result<Bytes, std::io::Error>>,
    current: Bytes,
    offset: usize,
    pending: Pending,
}

/// Starts pumping `body` into a reader; the pump ends with the body, or when the reader is
/// dropped.
/// The pump stops at `deadline`, and the reader then fails with `TimedOut`: a client that
/// stalls cannot hold a thread past the request's time.
pub fn channel_reader(body: Body, deadline: tokio::time::Instant) -> (ChannelReader, Pending) {
    let (sender, chunks) = mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    let pending = Pending::default();
    let counter = pending.clone();
    tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        loop {
            let chunk = match tokio::time::timeout_at(deadline, stream.next()).await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(_) => {
                    let timed_out = std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the body did not arrive in the request's time",
                    );
                    let _ = sender.send(Err(timed_out)).await;
                    break;
                }
            };
            let chunk = chunk.map_err(body_error);
            let length = chunk.as_ref().map_or(0, Bytes::len);
            counter.0.fetch_add(length, Ordering::AcqRel);
            let failed = chunk.is_err();
            if sender.send(chunk).await.is_err() || failed {
                break;
            }
        }
    });
    let reader = ChannelReader {
        chunks,
        current: Bytes::new(),
        offset: 0,
        pending: pending.clone(),
    };
    (reader, pending)
}

impl Read for ChannelReader {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(buffer.len());
        buffer[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

impl BufRead for ChannelReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.offset >= self.current.len() {
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => {
                    self.current = chunk;
                    self.offset = 0;
                }
                Some(Err(error)) => return Err(error),
                None => return Ok(&[]),
            }
        }
        Ok(&self.current[self.offset..])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.current.len() - self.offset);
        self.offset += amount;
        self.pending.0.fetch_sub(amount, Ordering::AcqRel);
    }
}

/// A body error as an I/O error; a body over the size limit is `FileTooLarge`, so that the
/// answer can say so.
pub fn body_error(error: axum::Error) -> std::io::Error {
    let too_large = std::iter::successors(
        Some(&error as &(dyn std::error::Error + 'static)),
        |error| error.source(),
    )
    .any(|error| error.is::<http_body_util::LengthLimitError>());
    if too_large {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            "the body is larger than the limit",
        )
    } else {
        std::io::Error::other(error.to_string())
    }
}
