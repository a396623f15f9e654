//! The Bitbrains GWA-T-12 format: a folder with one CSV file per VM (`1.csv`, `2.csv`, ...),
//! fields separated by `;` followed by a tab, and a header row:
//! `Timestamp [ms]; CPU cores; CPU capacity provisioned [MHZ]; CPU usage [MHZ];
//! CPU usage [%]; Memory capacity provisioned [KB]; ...`.
//!
//! Two quirks of the published data: the timestamp column says `[ms]` but holds Unix
//! seconds, and rows of a VM that is not provisioned yet report 0 cores (and zeros
//! everywhere). nightshift reads timestamps as seconds, and skips 0-core rows (the VM's replay
//! starts at its first row with cores), counting them in a warning.

use super::{Level, duplicate, level_from_percent};
use crate::quote::{excerpt, short};

/// The header column holding the timestamp (Unix seconds, whatever its label says).
pub const TIME: &str = "Timestamp [ms]";
/// The header column holding the number of cores.
pub const CORES: &str = "CPU cores";
/// The header column holding the CPU utilisation in percent.
pub const CPU: &str = "CPU usage [%]";

/// Where the columns nightshift reads are, from the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Number of fields in every row.
    pub count: usize,
    /// Index of the timestamp.
    pub time: usize,
    /// Index of the core count.
    pub cores: usize,
    /// Index of the CPU utilisation.
    pub cpu: usize,
}

/// One row: time (Unix seconds), cores and CPU level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Timestamp, seconds.
    pub time_s: i64,
    /// Cores provisioned (0 = VM not provisioned at that time).
    pub cores: u32,
    /// CPU utilisation.
    pub cpu: Level,
}

fn fields(line: &str) -> impl Iterator<Item = &str> {
    line.split(';').map(str::trim)
}

/// Reads the header row; fails naming the missing column.
pub fn header(line: &str) -> Result<Columns, String> {
    let names: Vec<&str> = fields(line).collect();
    if let Some(dup) = duplicate(&names) {
        return Err(format!(
            "column {} appears twice in the header: each column is named once",
            excerpt(dup)
        ));
    }
    let find = |name: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| {
            format!(
                "header has no {name:?} column; a GWA-T-12 header starts \"{TIME};\\t{CORES};\\t...\" and has {CPU:?} (got {} columns: {})",
                names.len(),
                excerpt(&names.join(" | "))
            )
        })
    };
    Ok(Columns {
        count: names.len(),
        time: find(TIME)?,
        cores: find(CORES)?,
        cpu: find(CPU)?,
    })
}

/// Reads a data row; on failure returns the column at fault and what is wrong.
pub fn row(line: &str, cols: &Columns) -> Result<Row, (Option<&'static str>, String)> {
    let values: Vec<&str> = fields(line).collect();
    if values.len() != cols.count {
        return Err((
            None,
            format!(
                "has {} fields but the header has {} (fields are separated by \";\")",
                values.len(),
                cols.count
            ),
        ));
    }
    let number = |i: usize, name: &'static str, what: &str| {
        values[i]
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                (
                    Some(name),
                    format!("{} is not a number; expected {what}", excerpt(values[i])),
                )
            })
    };
    let time = number(cols.time, TIME, "Unix seconds")?;
    if time.fract() != 0.0 || time < 0.0 {
        return Err((
            Some(TIME),
            format!(
                "{} is not a whole, non-negative number of Unix seconds",
                short(time)
            ),
        ));
    }
    let cores = number(cols.cores, CORES, "a whole number of cores")?;
    if cores.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&cores) {
        return Err((
            Some(CORES),
            format!(
                "{} is not a whole, non-negative number of cores",
                short(cores)
            ),
        ));
    }
    let cpu_pct = number(cols.cpu, CPU, "a CPU utilisation in percent (0-100)")?;
    let cpu = level_from_percent(cpu_pct).ok_or_else(|| {
        (
            Some(CPU),
            format!(
                "{} is outside 0-100; expected a CPU utilisation in percent",
                short(cpu_pct)
            ),
        )
    })?;
    Ok(Row {
        time_s: time as i64,
        cores: cores as u32,
        cpu,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\tMemory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

    #[test]
    fn header_locates_the_columns() {
        let c = header(HEADER).unwrap();
        assert_eq!(
            c,
            Columns {
                count: 11,
                time: 0,
                cores: 1,
                cpu: 4
            }
        );
        let e = header("Timestamp [ms];\tCPU cores").unwrap_err();
        assert!(e.contains("no \"CPU usage [%]\" column"), "{e}");
    }

    #[test]
    fn rows_read_seconds_cores_and_percent() {
        let c = header(HEADER).unwrap();
        let r = row("1372629804;\t2;\t5851.9989;\t87.7799835;\t1.5;\t8218624.0;\t1034592.8;\t160.86;\t21.73;\t0.26;\t1.46", &c).unwrap();
        assert_eq!(
            r,
            Row {
                time_s: 1_372_629_804,
                cores: 2,
                cpu: 150
            }
        );
    }

    #[test]
    fn bad_rows_name_the_column() {
        let c = header(HEADER).unwrap();
        let ok = "1;\t2;\t3;\t4;\t5;\t6;\t7;\t8;\t9;\t10;\t11";
        assert!(row(ok, &c).is_ok());
        let (col, msg) = row("1;\t2;\t3", &c).unwrap_err();
        assert_eq!(col, None);
        assert!(msg.contains("has 3 fields but the header has 11"), "{msg}");
        let (col, msg) = row(&ok.replacen("5;", "x;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CPU));
        assert!(msg.contains("\"x\" is not a number"), "{msg}");
        let (col, _) = row(&ok.replacen("5;", "-1;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CPU));
        let (col, _) = row(&ok.replacen("5;", "100.5;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CPU));
        let (col, _) = row(&ok.replacen("2;", "1.5;", 1), &c).unwrap_err();
        assert_eq!(col, Some(CORES));
        let (col, _) = row(&ok.replacen("1;", "1e3x;", 1), &c).unwrap_err();
        assert_eq!(col, Some(TIME));
    }
}
