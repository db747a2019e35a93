//! Where time comes from: the real clock, or a frozen one for deterministic output.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Debug)]
pub enum Clock {
    Real,
    /// Always the same instant, in microseconds since the Unix epoch.
    Fixed(i64),
    /// Starts at an instant and moves on by `step_micros` at every write, before the write reads
    /// it: the n-th write happens at start + n × step, and everything else (the fixtures, the
    /// `date` header of a read) sees the time of the last write.
    Step {
        current: Arc<AtomicI64>,
        step_micros: i64,
    },
}

impl Clock {
    /// The time of a write, in microseconds since the Unix epoch: a stepping clock moves on first.
    pub fn now_micros(&self) -> i64 {
        match self {
            Clock::Step { current, step_micros } => current.fetch_add(*step_micros, Ordering::Relaxed) + step_micros,
            other => other.peek_micros(),
        }
    }

    /// Now, without moving a stepping clock on.
    pub fn peek_micros(&self) -> i64 {
        match self {
            Clock::Real => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Clock::Fixed(micros) => *micros,
            Clock::Step { current, .. } => current.load(Ordering::Relaxed),
        }
    }

    /// Whether the clock is the real one (and not frozen or stepping for deterministic output).
    pub fn is_real(&self) -> bool {
        matches!(self, Clock::Real)
    }

    /// Reads `fixed:RFC3339` or `step:RFC3339:MILLIS`, the forms `--clock` takes.
    pub fn parse(text: &str) -> Result<Clock, String> {
        let instant = |t: &str| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                .map(|at| (at.unix_timestamp_nanos() / 1000) as i64)
                .map_err(|e| format!("{t:?} is not an RFC 3339 time: {e}"))
        };
        if let Some(at) = text.strip_prefix("fixed:") {
            return Ok(Clock::Fixed(instant(at)?));
        }
        if let Some(rest) = text.strip_prefix("step:") {
            let (at, step) = rest.rsplit_once(':').ok_or("step needs a step in milliseconds: step:RFC3339:MILLIS")?;
            let step: i64 = step.parse().map_err(|_| format!("{step:?} is not a whole number of milliseconds"))?;
            return Ok(Clock::stepping(instant(at)?, step * 1000));
        }
        if text == "real" {
            return Ok(Clock::Real);
        }
        Err(format!("{text:?}: expected real, fixed:RFC3339 or step:RFC3339:MILLIS"))
    }

    /// The time as an HTTP `date` header: `Mon, 23 Nov 2026 11:38:18 GMT`.
    pub fn http_date(micros: i64) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let (year, month, day, hour, minute, second, _) = civil_utc(micros);
        let weekday = DAYS[micros.div_euclid(86_400_000_000).rem_euclid(7) as usize];
        format!("{weekday}, {day:02} {} {year} {hour:02}:{minute:02}:{second:02} GMT", MONTHS[(month - 1) as usize])
    }

    pub fn stepping(start_micros: i64, step_micros: i64) -> Clock {
        Clock::Step { current: Arc::new(AtomicI64::new(start_micros)), step_micros }
    }
}

/// The `--clock` form of a clock, which [`Clock::parse`] reads back.
impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Clock::Real => f.write_str("real"),
            Clock::Fixed(micros) => write!(f, "fixed:{}", rfc3339_micros(*micros)),
            Clock::Step { current, step_micros } => {
                write!(f, "step:{}:{}", rfc3339_micros(current.load(Ordering::Relaxed)), step_micros / 1000)
            }
        }
    }
}

/// `2026-01-15T04:13:15.986Z`: milliseconds and `Z`, as JavaScript's `toISOString()` writes.
pub fn rfc3339_millis(micros: i64) -> String {
    let (year, month, day, hour, minute, second, micro) = civil_utc(micros);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{:03}Z", micro / 1000)
}

/// `2026-01-15T04:13:15.986123Z`: RFC 3339 with microseconds, which reads back exactly.
pub fn rfc3339_micros(micros: i64) -> String {
    let (year, month, day, hour, minute, second, micro) = civil_utc(micros);
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{micro:06}Z")
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
    (year, month, day, in_day / 3600, in_day % 3600 / 60, in_day % 60, micro)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_fields_match_known_instants() {
        assert_eq!(civil_utc(0), (1970, 1, 1, 0, 0, 0, 0));
        // 2026-11-23T11:38:09.053018Z
        assert_eq!(civil_utc(1_795_433_889_053_018), (2026, 11, 23, 11, 38, 9, 53_018));
        // 2024-02-29T23:59:59.999999Z
        assert_eq!(civil_utc(1_709_251_199_999_999), (2024, 2, 29, 23, 59, 59, 999_999));
    }

    #[test]
    fn fixed_clock_does_not_move() {
        let clock = Clock::Fixed(42);
        assert_eq!(clock.now_micros(), 42);
        assert_eq!(clock.now_micros(), 42);
    }

    #[test]
    fn clock_flags_parse() {
        assert!(matches!(Clock::parse("fixed:2025-01-01T00:00:00Z"), Ok(Clock::Fixed(1_735_689_600_000_000))));
        let step = Clock::parse("step:2025-01-01T00:00:00Z:250").unwrap();
        assert_eq!(step.peek_micros(), 1_735_689_600_000_000);
        assert_eq!(step.now_micros(), 1_735_689_600_250_000);
        assert_eq!(step.peek_micros(), 1_735_689_600_250_000);
        assert!(Clock::parse("fixed:yesterday").is_err());
        assert!(Clock::parse("step:2025-01-01T00:00:00Z").is_err());
        assert!(Clock::parse("sometimes").is_err());
    }

    #[test]
    fn http_dates_name_the_weekday() {
        assert_eq!(Clock::http_date(1_795_433_898_000_000), "Mon, 23 Nov 2026 11:38:18 GMT");
        assert_eq!(Clock::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn stepping_clock_moves_on_before_each_write_and_peeking_does_not_move_it() {
        let clock = Clock::stepping(1_000, 250);
        assert_eq!(clock.peek_micros(), 1_000, "the start");
        assert_eq!(clock.now_micros(), 1_250, "the first write");
        assert_eq!(clock.peek_micros(), 1_250, "what the first write's date header shows");
        assert_eq!(clock.clone().now_micros(), 1_500, "clones share the time");
        assert_eq!(clock.peek_micros(), 1_500);
    }
}
