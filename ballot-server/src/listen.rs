//! The accept loop (specs/server-api.md §7): HTTP/1.1 connections with a
//! header read timeout, so a slow-loris client that never finishes its
//! headers is disconnected, and a cap on the connections one client IP may
//! hold open — one more is answered `429 rate.connections` and closed.
//! Graceful shutdown: stop accepting, let every connection finish the
//! request it is serving.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Connection limits.
#[derive(Clone, Copy, Debug)]
pub struct ConnLimits {
    /// Time allowed for a request's headers.
    pub header_timeout: Duration,
    /// Open connections per client IP.
    pub per_ip: usize,
}

type Counts = Arc<Mutex<HashMap<IpAddr, usize>>>;

/// One open connection of an IP; the count drops with it.
struct Slot {
    counts: Counts,
    ip: IpAddr,
}

impl Slot {
    fn take(counts: &Counts, ip: IpAddr, cap: usize) -> Option<Slot> {
        let mut map = counts.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(ip).or_insert(0);
        if *n >= cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            counts: counts.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// The fixed answer to a connection over the per-IP cap, with the headers
/// every answer carries (api/mod.rs).
fn refusal() -> Vec<u8> {
    let body = r#"{"error":{"code":"rate.connections","message":"too many open connections from this address"}}"#;
    format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\nx-content-type-options: nosniff\r\n\
         referrer-policy: no-referrer\r\nx-frame-options: DENY\r\n\
         content-security-policy: default-src 'self'; frame-ancestors 'none'\r\n\
         cache-control: no-store\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers 429 and closes, reading (and dropping) what the client sent for
/// up to a second so that it sees the answer rather than a reset.
async fn refuse(mut stream: TcpStream) {
    let _ = stream.write_all(&refusal()).await;
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
    })
    .await;
}

/// Resolves once `stop` is true.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    router: Router,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
) {
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ConnectInfo(remote));
        router.clone().oneshot(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                tracing::debug!(%remote, error = %e, "connection ended");
            }
            return;
        }
        _ = stopped(&mut stop) => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

/// Serves `router` on `listener` until `stop` turns true, then waits for
/// the open connections to finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
) {
    let counts: Counts = Arc::default();
    let mut conns = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stopped(&mut stop) => break,
        };
        let (stream, remote) = match accepted {
            Ok(x) => x,
            Err(e) => {
                // Out of file descriptors and the like: back off.
                tracing::warn!(error = %e, "accept");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while conns.try_join_next().is_some() {}
        let _ = stream.set_nodelay(true);
        match Slot::take(&counts, remote.ip(), limits.per_ip) {
            None => {
                tracing::debug!(%remote, "over the connection cap");
                conns.spawn(refuse(stream));
            }
            Some(slot) => {
                let (router, stop) = (router.clone(), stop.clone());
                conns.spawn(async move {
                    connection(stream, remote, router, limits, stop).await;
                    drop(slot);
                });
            }
        }
    }
    drop(listener);
    while conns.join_next().await.is_some() {}
}
