//! Counters of one running connector, shared between its task and whoever shows them (`peil
//! watch`, `peil serve`). Numbers only: no content, no ids.
//!
//! What the pipeline decided (matched, dropped) is counted by the service and saved with the
//! cursor (`peil status`, `GET /api/v1/connectors`); these counters say what happened on the wire.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use serde::Serialize;

/// Live counters of one connector.
#[derive(Debug, Default)]
pub struct ConnectorMetrics {
    received: AtomicU64,
    forwarded: AtomicU64,
    duplicates: AtomicU64,
    errors: AtomicU64,
    reconnects: AtomicU64,
    throttled: AtomicU64,
    lag_ms: AtomicI64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MetricsSnapshot {
    /// Events (frames, statuses, feed entries) received.
    pub received: u64,
    /// Records handed to the pipeline.
    pub forwarded: u64,
    /// Events dropped as already seen (replays after a reconnect, duplicates of the source).
    pub duplicates: u64,
    /// Events or responses that could not be read, and failed connections.
    pub errors: u64,
    /// Connections made again after a failure or a disconnect.
    pub reconnects: u64,
    /// Times the source asked Peil to slow down (HTTP 429, rate-limit headers).
    pub throttled: u64,
    /// Delay between the newest event's time at the source and its reception, in milliseconds.
    pub lag_ms: i64,
}

impl ConnectorMetrics {
    pub fn received(&self) {
        self.received.fetch_add(1, Ordering::Relaxed);
    }

    pub fn forwarded(&self) {
        self.forwarded.fetch_add(1, Ordering::Relaxed);
    }

    pub fn duplicate(&self) {
        self.duplicates.fetch_add(1, Ordering::Relaxed);
    }

    pub fn error(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
    }

    pub fn reconnect(&self) {
        self.reconnects.fetch_add(1, Ordering::Relaxed);
    }

    pub fn throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    pub fn set_lag_ms(&self, lag_ms: i64) {
        self.lag_ms.store(lag_ms, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> MetricsSnapshot {
        MetricsSnapshot {
            received: self.received.load(Ordering::Relaxed),
            forwarded: self.forwarded.load(Ordering::Relaxed),
            duplicates: self.duplicates.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            reconnects: self.reconnects.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            lag_ms: self.lag_ms.load(Ordering::Relaxed),
        }
    }
}
