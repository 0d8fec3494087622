//! Reconnect delays: exponential with full jitter ("AWS full jitter"), capped, so that many Peil
//! installations that lost the same host do not come back in step.

use std::time::Duration;

/// Exponential backoff with full jitter.
#[derive(Debug, Clone)]
pub struct Backoff {
    /// The delay before the first retry (before jitter).
    pub base: Duration,
    /// The longest delay.
    pub cap: Duration,
    attempt: u32,
    state: u64,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Backoff {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Backoff {
            base,
            cap,
            attempt: 0,
            state: seed | 1,
        }
    }

    /// The delay before the next attempt: a random duration between zero and
    /// `min(cap, base * 2^attempt)`, never less than a millisecond.
    pub fn next_delay(&mut self) -> Duration {
        let exponent = self.attempt.min(20);
        self.attempt = self.attempt.saturating_add(1);
        let ceiling = self
            .base
            .saturating_mul(1u32 << exponent)
            .min(self.cap)
            .as_millis()
            .max(1) as u64;
        Duration::from_millis(1 + self.random() % ceiling)
    }

    /// A connection worked: the next failure starts from the base again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The number of failures since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// xorshift64*: enough for jitter, no dependency.
    fn random(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::new(Duration::from_millis(500), Duration::from_secs(60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_within_the_cap_and_reset() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        for attempt in 0..12u32 {
            let ceiling = (100u64 << attempt.min(20)).min(2_000) + 1;
            let delay = backoff.next_delay();
            assert!(delay.as_millis() as u64 <= ceiling, "{attempt}: {delay:?}");
            assert!(delay >= Duration::from_millis(1));
        }
        assert_eq!(backoff.attempts(), 12);
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_millis(101));
    }
}
