//! CSV lines built straight into bytes, for the files a run writes most rows to
//! (`migrations.csv`, `conflicts.csv`). Their fields are numbers and fixed words that seldom
//! need quoting, so serde and the CSV writer's quoting pass per field are wasted work (7 % of
//! the reference day's instructions, measured when this replaced them). The text is byte for
//! byte what the `csv` crate writes for the same row: integers as `itoa` writes them, floats
//! as `ryu` does (shortest round-trip, `613.0`, `9.808`), which the tests check.

use std::io::{self, Write};

/// One CSV line being built: fields are appended in order, then the line is written out.
#[derive(Debug, Default)]
pub(crate) struct CsvLine {
    buf: Vec<u8>,
}

impl CsvLine {
    /// Appends an integer field.
    pub fn uint(&mut self, v: u64) -> &mut Self {
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
        self.buf.push(b',');
        self
    }

    /// Appends a float field, in ryu's shortest round-trip form.
    pub fn float(&mut self, v: f64) -> &mut Self {
        push_shortest(&mut self.buf, v);
        self.buf.push(b',');
        self
    }

    /// Appends a text field, quoted as the `csv` crate quotes it: only when it holds a
    /// comma, a quote or a line break, its quotes doubled.
    pub fn text(&mut self, s: &str) -> &mut Self {
        if needs_quotes(s.as_bytes()) {
            self.buf.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(s.as_bytes());
        }
        self.buf.push(b',');
        self
    }

    /// Appends an empty field.
    pub fn empty(&mut self) -> &mut Self {
        self.buf.push(b',');
        self
    }

    /// Writes the line (its last separator turned into the line end) to `out` and starts a
    /// new one.
    pub fn write_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        if let Some(last) = self.buf.last_mut() {
            *last = b'\n';
        }
        let written = out.write_all(&self.buf);
        self.buf.clear();
        written
    }
}

/// Appends `v` as ryu writes it. Multiples of a thousandth (times in milliseconds, sizes in
/// MB to three places: most of what a run writes) take a short exact path: when `v` is the
/// double nearest `k / 1000` and below 10^9, no decimal with fewer digits, nor another with
/// as many, lies within half a unit of `v`'s last place (under 10^-7), so `k / 1000` with its
/// trailing zeros dropped is the shortest round-trip form ryu finds.
fn push_shortest(buf: &mut Vec<u8>, v: f64) {
    if v.abs() < 1e9 {
        // The nearest whole number of thousandths (a cast, where `round` is a call to libm);
        // it is below 2^53, so exact as a double, and the division is correctly rounded: the
        // equality means `v` is the double nearest `k / 1000`.
        let k = (v.abs() * 1000.0 + 0.5) as u64;
        if k as f64 / 1000.0 == v.abs() {
            if v.is_sign_negative() {
                buf.push(b'-');
            }
            buf.extend_from_slice(itoa::Buffer::new().format(k / 1000).as_bytes());
            buf.push(b'.');
            let frac = k % 1000;
            if frac == 0 {
                buf.push(b'0');
            } else {
                let digits = [
                    b'0' + (frac / 100) as u8,
                    b'0' + (frac / 10 % 10) as u8,
                    b'0' + (frac % 10) as u8,
                ];
                let len = if digits[2] != b'0' {
                    3
                } else if digits[1] != b'0' {
                    2
                } else {
                    1
                };
                buf.extend_from_slice(&digits[..len]);
            }
            return;
        }
    }
    buf.extend_from_slice(ryu::Buffer::new().format(v).as_bytes());
}

/// Whether a field holding `bytes` must be quoted (it holds a comma, a quote or a line break).
/// Looked at sixteen bytes at a time with no early exit inside, so that the check runs on whole
/// vectors (a conflict row's action is some sixty bytes).
fn needs_quotes(bytes: &[u8]) -> bool {
    let special = |b: u8| (b == b',') | (b == b'"') | (b == b'\n') | (b == b'\r');
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, &b| any | special(b)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| special(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shortest(v: f64) -> String {
        let mut buf = Vec::new();
        push_shortest(&mut buf, v);
        String::from_utf8(buf).unwrap()
    }

    fn ryu(v: f64) -> String {
        ryu::Buffer::new().format(v).to_string()
    }

    #[test]
    fn thousandths_and_specials_match_ryu() {
        for v in [
            0.0,
            -0.0,
            1.0,
            613.0,
            9.808,
            300.1,
            0.001,
            -0.5,
            0.1,
            0.2,
            0.3,
            1e-7,
            1e9,
            999999999.999,
            123456.789,
            86400.0,
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
        ] {
            assert_eq!(shortest(v), ryu(v), "{v:e}");
        }
        assert_eq!(shortest(309.908), "309.908");
        assert_eq!(shortest(613.0), "613.0");
        assert_eq!(shortest(-0.0), "-0.0");
    }

    #[test]
    fn every_thousandth_below_a_hundred_thousand_matches_ryu() {
        for k in 0..100_000_000u64 / 997 {
            let k = k * 997;
            let v = k as f64 / 1000.0;
            assert_eq!(shortest(v), ryu(v), "{k} thousandths");
        }
    }

    #[test]
    fn a_line_is_what_the_csv_crate_writes() {
        let mut line = CsvLine::default();
        let mut out = Vec::new();
        line.uint(7)
            .float(300.1)
            .text("done")
            .empty()
            .float(f64::NAN)
            .float(1.0 / 3.0);
        line.write_to(&mut out).unwrap();
        line.uint(0).text("a;b").empty();
        line.write_to(&mut out).unwrap();
        line.text("x, \"y\"").text("two\nlines").text("");
        line.write_to(&mut out).unwrap();
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        w.serialize((7u64, 300.1, "done", None::<u64>, f64::NAN, 1.0 / 3.0))
            .unwrap();
        w.serialize((0u64, "a;b", None::<u64>)).unwrap();
        w.serialize(("x, \"y\"", "two\nlines", "")).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(w.into_inner().unwrap()).unwrap()
        );
    }

    #[test]
    fn a_special_byte_is_found_in_every_position_of_long_fields() {
        let plain = "migration continues; the next control tick relieves it";
        assert!(!needs_quotes(plain.as_bytes()));
        for special in [b',', b'"', b'\n', b'\r'] {
            for at in 0..plain.len() {
                let mut bytes = plain.as_bytes().to_vec();
                bytes[at] = special;
                assert!(needs_quotes(&bytes), "{:?} at {at}", special as char);
            }
        }
    }

    proptest! {
        #[test]
        fn any_field_is_quoted_as_the_csv_crate_quotes_it(s in "[a-z ,;\"\n\r]{0,40}") {
            let mut line = CsvLine::default();
            let mut out = Vec::new();
            line.text(&s).uint(1);
            line.write_to(&mut out).unwrap();
            let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
            w.serialize((s.as_str(), 1u64)).unwrap();
            prop_assert_eq!(out, w.into_inner().unwrap());
        }

        #[test]
        fn any_double_matches_ryu(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assert_eq!(shortest(v), ryu(v));
        }

        #[test]
        fn any_thousandth_matches_ryu(k in -1_000_000_000_000i64..1_000_000_000_000) {
            let v = k as f64 / 1000.0;
            prop_assert_eq!(shortest(v), ryu(v));
        }

        #[test]
        fn near_thousandths_match_ryu(k in 0i64..1_000_000_000, ulps in -3i64..=3) {
            let v = f64::from_bits(((k as f64 / 1000.0).to_bits() as i64 + ulps) as u64);
            prop_assert_eq!(shortest(v), ryu(v));
        }
    }
}
