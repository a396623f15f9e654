//! `host_utilisation.csv`: every host's CPU utilisation at every control tick, as a wide CSV
//! (one row per tick, one column per host) so that a day of 800 hosts stays about a megabyte.
//! Written by hand rather than through `csv::Writer`: every field is a number or empty, and the
//! fixed-point formatting below is several times faster than formatting `f64`s with `{}`.

use super::files::HOST_UTILISATION_FILE;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Streams per-host utilisations: `time_s,host_0,host_1,...`; a value is the host's load over
/// its capacity with three decimals (above 1 when over-loaded), empty when the host is not on.
pub struct HostUtilisationCsv {
    out: BufWriter<File>,
    line: String,
}

impl HostUtilisationCsv {
    /// Creates the file in `dir` for a fleet of `hosts` hosts and writes its header.
    pub fn create(dir: &Path, hosts: usize) -> io::Result<Self> {
        let mut out =
            BufWriter::with_capacity(1 << 16, File::create(dir.join(HOST_UTILISATION_FILE))?);
        let mut header = String::from("time_s");
        for h in 0..hosts {
            header.push_str(",host_");
            push_uint(&mut header, h as u64);
        }
        header.push('\n');
        out.write_all(header.as_bytes())?;
        Ok(HostUtilisationCsv {
            out,
            line: String::with_capacity(8 * hosts + 16),
        })
    }

    /// Writes one tick's row.
    pub fn write_row(&mut self, time_s: f64, hosts: &[Option<f64>]) -> io::Result<()> {
        self.line.clear();
        push_fixed3(&mut self.line, time_s);
        for u in hosts {
            self.line.push(',');
            if let Some(u) = u {
                push_fixed3(&mut self.line, *u);
            }
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    /// Flushes the file.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn push_uint(s: &mut String, v: u64) {
    s.push_str(itoa::Buffer::new().format(v));
}

/// Appends `v` rounded to three decimals (`0.257`, `1.000`, `-0.010`); non-finite values,
/// which the simulation never produces, are written as `nan` so pandas still reads them.
fn push_fixed3(s: &mut String, v: f64) {
    if !v.is_finite() {
        s.push_str("nan");
        return;
    }
    let milli = (v.abs() * 1000.0).round() as u64;
    if v < 0.0 && milli > 0 {
        s.push('-');
    }
    push_uint(s, milli / 1000);
    s.push('.');
    let frac = milli % 1000;
    s.push((b'0' + (frac / 100) as u8) as char);
    s.push((b'0' + (frac / 10 % 10) as u8) as char);
    s.push((b'0' + (frac % 10) as u8) as char);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(v: f64) -> String {
        let mut s = String::new();
        push_fixed3(&mut s, v);
        s
    }

    /// Three decimals, rounded half away from zero, with no sign on a value that rounds to 0.
    #[test]
    fn fixed_point_formatting_rounds_to_three_decimals() {
        assert_eq!(fixed(0.0), "0.000");
        assert_eq!(fixed(0.2574), "0.257");
        assert_eq!(fixed(0.2575), "0.258");
        assert_eq!(fixed(1.0), "1.000");
        assert_eq!(fixed(12.3456), "12.346");
        assert_eq!(fixed(-0.0004), "0.000");
        assert_eq!(fixed(-0.01), "-0.010");
        assert_eq!(fixed(86400.0), "86400.000");
        assert_eq!(fixed(f64::NAN), "nan");
    }

    /// Header names every host; a host that is not on gets an empty field.
    #[test]
    fn rows_have_one_field_per_host_and_empty_when_off() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = HostUtilisationCsv::create(dir.path(), 3).unwrap();
        w.write_row(0.0, &[Some(0.5), None, Some(1.25)]).unwrap();
        w.write_row(300.0, &[None, None, Some(0.0)]).unwrap();
        w.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join(HOST_UTILISATION_FILE)).unwrap();
        assert_eq!(
            text,
            "time_s,host_0,host_1,host_2\n0.000,0.500,,1.250\n300.000,,,0.000\n"
        );
    }
}
