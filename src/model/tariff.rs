//! Time-of-use electricity tariffs: a base price and daily periods that override it.

use crate::time::{MS_PER_DAY, MS_PER_HOUR, SimTime};

/// A daily period `[from, to)` in milliseconds since midnight; wraps midnight if `from > to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// Start, ms since midnight.
    pub from: SimTime,
    /// End (exclusive), ms since midnight.
    pub to: SimTime,
    /// Price per kWh.
    pub price: f64,
}

impl Period {
    /// Builds a period from hours of day.
    pub fn from_hours(from: f64, to: f64, price: f64) -> Self {
        let ms = |h: f64| (h * MS_PER_HOUR as f64).round() as SimTime;
        Period {
            from: ms(from),
            to: ms(to),
            price,
        }
    }

    fn contains(&self, tod: SimTime) -> bool {
        if self.from <= self.to {
            (self.from..self.to).contains(&tod)
        } else {
            tod >= self.from || tod < self.to
        }
    }
}

/// Price per kWh as a function of time; the first period containing a time wins.
#[derive(Debug, Clone, PartialEq)]
pub struct Tariff {
    /// Price outside every period.
    pub base: f64,
    /// Time-of-use periods.
    pub periods: Vec<Period>,
}

impl Tariff {
    /// A flat tariff.
    pub fn flat(price: f64) -> Self {
        Tariff {
            base: price,
            periods: Vec::new(),
        }
    }

    /// Price per kWh in force at `t`.
    pub fn price_at(&self, t: SimTime) -> f64 {
        let tod = t % MS_PER_DAY;
        self.periods
            .iter()
            .find(|p| p.contains(tod))
            .map_or(self.base, |p| p.price)
    }

    /// The first time after `t` at which the price may change, if the tariff has periods.
    pub fn next_change_after(&self, t: SimTime) -> Option<SimTime> {
        let day = t - t % MS_PER_DAY;
        let tod = t % MS_PER_DAY;
        self.periods
            .iter()
            .flat_map(|p| [p.from, p.to])
            .map(|b| b % MS_PER_DAY)
            .map(|b| {
                if b > tod {
                    day + b
                } else {
                    day + MS_PER_DAY + b
                }
            })
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_period_wraps_midnight() {
        let t = Tariff {
            base: 0.20,
            periods: vec![Period::from_hours(22.0, 6.0, 0.10)],
        };
        assert_eq!(t.price_at(0), 0.10);
        assert_eq!(t.price_at(5 * MS_PER_HOUR + 59 * 60_000), 0.10);
        assert_eq!(t.price_at(6 * MS_PER_HOUR), 0.20);
        assert_eq!(t.price_at(22 * MS_PER_HOUR), 0.10);
        assert_eq!(t.price_at(MS_PER_DAY + 12 * MS_PER_HOUR), 0.20);
    }

    #[test]
    fn next_change_is_the_next_boundary() {
        let t = Tariff {
            base: 0.20,
            periods: vec![Period::from_hours(22.0, 6.0, 0.10)],
        };
        assert_eq!(t.next_change_after(0), Some(6 * MS_PER_HOUR));
        assert_eq!(t.next_change_after(6 * MS_PER_HOUR), Some(22 * MS_PER_HOUR));
        assert_eq!(
            t.next_change_after(23 * MS_PER_HOUR),
            Some(MS_PER_DAY + 6 * MS_PER_HOUR)
        );
        assert_eq!(Tariff::flat(0.1).next_change_after(0), None);
    }
}
