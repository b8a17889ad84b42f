//! Prometheus metrics served at `/metrics` (specs/server-api.md §11):
//! accepted casts and audits, rejections by error code, verification and
//! cast latency histograms.

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    /// Ballots accepted (new board entries or byte-identical repeats).
    pub casts: IntCounter,
    /// Audited ballots accepted.
    pub audits: IntCounter,
    /// Refused requests by error code.
    pub rejections: IntCounterVec,
    /// Seconds to parse and verify one ballot.
    pub verify_seconds: Histogram,
    /// Seconds from receiving a ballot to its durable receipt.
    pub cast_seconds: Histogram,
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let registry = Registry::new();
        let casts = IntCounter::new("psephos_casts_total", "Ballots accepted").expect("valid");
        let audits =
            IntCounter::new("psephos_audits_total", "Audited ballots accepted").expect("valid");
        let rejections = IntCounterVec::new(
            Opts::new("psephos_rejections_total", "Refused requests by error code"),
            &["code"],
        )
        .expect("valid");
        let buckets = vec![
            0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
        ];
        let verify_seconds = Histogram::with_opts(
            HistogramOpts::new("psephos_verify_seconds", "Ballot verification time")
                .buckets(buckets.clone()),
        )
        .expect("valid");
        let cast_seconds = Histogram::with_opts(
            HistogramOpts::new("psephos_cast_seconds", "Cast latency to a durable receipt")
                .buckets(buckets),
        )
        .expect("valid");
        for c in [
            Box::new(casts.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(audits.clone()),
            Box::new(rejections.clone()),
            Box::new(verify_seconds.clone()),
            Box::new(cast_seconds.clone()),
        ] {
            registry.register(c).expect("unique metric names");
        }
        Metrics {
            registry,
            casts,
            audits,
            rejections,
            verify_seconds,
            cast_seconds,
        }
    }

    /// Counts one refusal.
    pub fn reject(&self, code: &str) {
        self.rejections.with_label_values(&[code]).inc();
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buf = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
