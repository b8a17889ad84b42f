//! Running the HTTP server: binds, finishes any intent left by a crash,
//! closes rounds at their scheduled time (a ticker every second), and shuts
//! down gracefully — in-flight requests, casts included, run to their end.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::error::{Result, ServerError};

/// A started server.
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Its state.
    pub app: Arc<App>,
    stop: watch::Sender<bool>,
    serve: JoinHandle<()>,
    ticker: JoinHandle<()>,
}

impl Running {
    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections and waits for requests in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.serve.await;
        self.ticker.abort();
    }

    /// Waits until the server stops (after a signal).
    pub async fn wait(self) {
        let _ = self.serve.await;
        self.ticker.abort();
    }

    /// Asks the server to stop.
    pub fn shutdown_handle(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Starts serving `app` on `listen` (port 0 picks a free port).
pub async fn start(app: Arc<App>, listen: SocketAddr) -> Result<Running> {
    app.recover().await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| ServerError::bad_request("server.listen", format!("{listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::internal(e.to_string()))?;
    let (stop, stopped) = watch::channel(false);
    let router = crate::api::router(app.clone());
    let limits = crate::listen::ConnLimits {
        header_timeout: app.config.header_timeout,
        per_ip: app.config.max_connections_ip,
    };
    let serve = tokio::spawn(crate::listen::serve(listener, router, limits, stopped));
    let tick_app = app.clone();
    let ticker = tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        loop {
            interval.tick().await;
            if let Err(e) = tick_app.close_due_rounds().await {
                tracing::warn!(code = %e.code, message = %e.message, "scheduled close");
            }
        }
    });
    tracing::info!(%addr, "listening");
    Ok(Running {
        addr,
        app,
        stop,
        serve,
        ticker,
    })
}

/// Resolves when SIGINT or SIGTERM arrives.
pub async fn signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = ctrl_c => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
