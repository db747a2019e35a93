//! Where time comes from: the real clock, or a frozen one for deterministic output.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug)]
pub enum Clock {
    Real,
    /// Always the same instant, in microseconds since the Unix epoch.
    Fixed(i64),
    /// Starts at an instant and moves on by `step_micros` each time it is read.
    Step {
        next: Arc<AtomicI64>,
        step_micros: i64,
    },
}

impl Clock {
    /// Now, in microseconds since the Unix epoch.
    pub fn now_micros(&self) -> i64 {
        match self {
            Clock::Real => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Clock::Fixed(micros) => *micros,
            Clock::Step { next, step_micros } => next.fetch_add(*step_micros, Ordering::Relaxed),
        }
    }

    pub fn stepping(start_micros: i64, step_micros: i64) -> Clock {
        Clock::Step {
            next: Arc::new(AtomicI64::new(start_micros)),
            step_micros,
        }
    }
}

/// Splits microseconds since the epoch into UTC calendar fields:
/// (year, month, day, hour, minute, second, microsecond).
pub fn civil_utc(micros: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let seconds = micros.div_euclid(1_000_000);
    let micro = micros.rem_euclid(1_000_000) as u32;
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400) as u32;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60,
        micro,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_fields_match_known_instants() {
        assert_eq!(civil_utc(0), (1970, 1, 1, 0, 0, 0, 0));
        // 2026-11-23T11:38:09.053018Z
        assert_eq!(
            civil_utc(1_795_433_889_053_018),
            (2026, 11, 23, 11, 38, 9, 53_018)
        );
        // 2024-02-29T23:59:59.999999Z
        assert_eq!(
            civil_utc(1_709_251_199_999_999),
            (2024, 2, 29, 23, 59, 59, 999_999)
        );
    }

    #[test]
    fn fixed_clock_does_not_move() {
        let clock = Clock::Fixed(42);
        assert_eq!(clock.now_micros(), 42);
        assert_eq!(clock.now_micros(), 42);
    }

    #[test]
    fn stepping_clock_moves_by_its_step_per_read() {
        let clock = Clock::stepping(1_000, 250);
        assert_eq!(clock.now_micros(), 1_000);
        assert_eq!(clock.clone().now_micros(), 1_250);
        assert_eq!(clock.now_micros(), 1_500);
    }
}
