//! The PlanetLab (CoMon) format: a folder with one file per VM, named after the VM; each file
//! holds one CPU utilisation in percent per line, one line per 5-minute interval, no header.
//! VM ids are the file names sorted by bytes (as CloudSim lists them).

use super::{Level, level_from_percent};

/// The sampling interval the format implies, ms (5 minutes).
pub const INTERVAL_MS: u64 = 300_000;

/// Decodes the lines of one PlanetLab file. A blank line is allowed only at the end of the
/// file (trailing newlines); the decoder remembers one so that a sample after it is an error.
#[derive(Debug, Clone, Default)]
pub struct Decoder {
    blank_line: Option<u64>,
}

impl Decoder {
    /// Decodes line `line` (1-based): `Ok(Some(level))` for a sample, `Ok(None)` for a blank
    /// line, `Err((line, message))` for anything else.
    pub fn line(&mut self, line: u64, text: &str) -> Result<Option<Level>, (u64, String)> {
        let text = text.trim();
        if text.is_empty() {
            self.blank_line.get_or_insert(line);
            return Ok(None);
        }
        if let Some(blank) = self.blank_line {
            return Err((
                blank,
                "blank line before more samples: every line must hold one CPU % (0-100)".into(),
            ));
        }
        parse_percent(text).map(Some).map_err(|m| (line, m))
    }
}

/// A utilisation in percent (integer or decimal) as a [`Level`].
pub fn parse_percent(text: &str) -> Result<Level, String> {
    let value: f64 = match whole_number(text) {
        Some(v) => v,
        None => text.parse().map_err(|_| {
            format!("{text:?} is not a number; expected a CPU utilisation in percent (0-100)")
        })?,
    };
    level_from_percent(value)
        .ok_or_else(|| format!("{text} is outside 0-100; expected a CPU utilisation in percent"))
}

/// The value of `text` when it is one to nine ASCII digits (PlanetLab's usual sample), as
/// `text.parse::<f64>()` gives it, without the general parser: such a number is below 2^53,
/// so its conversion is exact either way.
fn whole_number(text: &str) -> Option<f64> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = text.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    Some(f64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_read_as_the_float_parser_reads_them() {
        let texts = (0..=1000)
            .map(|n| n.to_string())
            .chain(["007", "0000", "999999999"].map(String::from));
        for text in texts {
            let parsed: f64 = text.parse().unwrap();
            assert_eq!(whole_number(&text), Some(parsed), "{text}");
        }
        // Anything else is left to the float parser.
        for text in ["", "1.5", "-3", "+3", "1e2", " 4", "1000000000", "١٢"] {
            assert_eq!(whole_number(text), None, "{text:?}");
        }
    }

    fn decode(text: &str) -> Result<Vec<Level>, (u64, String)> {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        for (i, l) in text.lines().enumerate() {
            if let Some(v) = d.line(i as u64 + 1, l)? {
                out.push(v);
            }
        }
        Ok(out)
    }

    #[test]
    fn integer_and_decimal_percentages_become_levels() {
        assert_eq!(
            decode("24\n34\n0\n99\n12.5\n").unwrap(),
            vec![2400, 3400, 0, 9900, 1250]
        );
        assert_eq!(
            decode("5\r\n6\r\n").unwrap(),
            vec![500, 600],
            "CRLF endings"
        );
    }

    #[test]
    fn trailing_blank_lines_are_allowed_but_not_inner_ones() {
        assert_eq!(decode("1\n2\n\n\n").unwrap(), vec![100, 200]);
        let (line, msg) = decode("1\n\n2\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("blank line"), "{msg}");
    }

    #[test]
    fn non_numbers_and_out_of_range_values_are_rejected_with_their_line() {
        let (line, msg) = decode("1\nabc\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(msg.contains("\"abc\" is not a number"), "{msg}");
        let (line, msg) = decode("1\n2\n-3\n").unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("outside 0-100"), "{msg}");
        assert_eq!(decode("101\n").unwrap_err().0, 1);
    }
}
