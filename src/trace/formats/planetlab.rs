//! The PlanetLab (CoMon) format: a folder with one file per VM, named after the VM; each file
//! holds one CPU utilisation in percent per line, one line per 5-minute interval, no header.
//! VM ids are the file names sorted by bytes (as CloudSim lists them).
//!
//! A scan reads every file; a trace whose files all have at most [`PRELOAD_MAX_STEPS`]
//! samples (a day) is kept in memory, a longer one is streamed from its files by the replay.

use crate::quote::{excerpt, short};
use crate::trace::files::{io_error, list, shown};
use crate::trace::grid::Series;
use crate::trace::samples::{Data, LineSamples, VmFile};
use crate::trace::{
    Level, NOT_UTF8, TraceError, TraceFormat, TraceIndex, VmInfo, level_from_percent, lines,
};
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The sampling interval the format implies, ms (5 minutes).
pub const INTERVAL_MS: u64 = 300_000;

/// A PlanetLab trace whose files all have at most this many samples is kept in memory by the
/// scan (2 bytes a sample, less than a streaming window of
/// [`crate::trace::samples::CHUNK_ROWS`] rows) instead of being streamed: a day of 288 samples
/// is 576 bytes per VM, and replays open no file.
pub const PRELOAD_MAX_STEPS: u32 = 512;

/// The PlanetLab format, for the registry ([`super::FORMATS`]).
#[derive(Debug, Clone, Copy)]
pub struct PlanetLab;

impl TraceFormat for PlanetLab {
    fn name(&self) -> &'static str {
        "planetlab"
    }

    fn summary(&self) -> &'static str {
        "a folder, one file per VM, one CPU % per line at a fixed step (5 minutes)"
    }

    fn has_timestamps(&self) -> bool {
        false
    }

    fn settings(&self) -> &'static [&'static str] {
        &["interval"]
    }

    fn scan(&self, path: &Path, interval_ms: Option<u64>) -> Result<TraceIndex, TraceError> {
        scan_folder(path, interval_ms.unwrap_or(INTERVAL_MS))
    }
}

/// Decodes the lines of one PlanetLab file. A blank line is allowed only at the end of the
/// file (trailing newlines); the decoder remembers one so that a sample after it is an error.
#[derive(Debug, Clone, Default)]
pub struct Decoder {
    blank_line: Option<u64>,
}

impl Decoder {
    /// Decodes line `line` (1-based) given as bytes, as [`Decoder::line`] decodes it once the
    /// bytes are checked to be UTF-8 (else an error at the line), with the `whole_percent`
    /// shortcut for PlanetLab's usual sample that skips the text checks.
    #[inline]
    pub fn bytes(&mut self, line: u64, bytes: &[u8]) -> Result<Option<Level>, (u64, String)> {
        if self.blank_line.is_none()
            && let Some(level) = whole_percent(bytes)
        {
            return Ok(Some(level));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| (line, NOT_UTF8.to_string()))?;
        self.line(line, text)
    }

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

/// The levels of a whole file in PlanetLab's own form, every line a `whole_percent` ended
/// by `\n`, appended to `out`, in one pass over the bytes; `false` (and `out` as it was) for
/// anything else, which the line [`Decoder`] then reads (and reports, if it is wrong). On
/// such a file both give the same levels.
pub fn whole_percent_lines(bytes: &[u8], out: &mut Vec<Level>) -> bool {
    let before = out.len();
    let mut digits = Digits::default();
    for &b in bytes {
        let more = if b == b'\n' {
            let level = digits.level();
            digits = Digits::default();
            level.map(|level| out.push(level)).is_some()
        } else {
            digits.push(b)
        };
        if !more {
            out.truncate(before);
            return false;
        }
    }
    if digits.count > 0 || out.len() == before {
        out.truncate(before);
        return false;
    }
    true
}

/// A utilisation in percent (integer or decimal) as a [`Level`].
pub fn parse_percent(text: &str) -> Result<Level, String> {
    if let Some(level) = whole_percent(text.as_bytes()) {
        return Ok(level);
    }
    let value: f64 = text.parse().map_err(|_| {
        format!(
            "{} is not a number; expected a CPU utilisation in percent (0-100)",
            excerpt(text)
        )
    })?;
    level_from_percent(value).ok_or_else(|| {
        format!(
            "{} is outside 0-100; expected a CPU utilisation in percent",
            short(value)
        )
    })
}

/// The level of `bytes` when they are a whole percentage written as one to nine ASCII digits
/// worth 0 to 100 (PlanetLab's usual sample): the one shortcut past the general float parser
/// that the whole-file, line and text readers share (see [`Digits`]).
#[inline]
fn whole_percent(bytes: &[u8]) -> Option<Level> {
    let mut digits = Digits::default();
    for &b in bytes {
        if !digits.push(b) {
            return None;
        }
    }
    digits.level()
}

/// A whole percentage read a digit at a time, so that a whole file is read in one pass. At
/// most nine digits: such a number is below 2^53, so `text.parse::<f64>()` gives exactly its
/// value and [`level_from_percent`] exactly n x 100.
#[derive(Debug, Clone, Copy, Default)]
struct Digits {
    value: u32,
    count: u8,
}

impl Digits {
    /// Takes the next byte; `false` if it is not an ASCII digit or would be the tenth.
    #[inline]
    fn push(&mut self, b: u8) -> bool {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 || self.count == 9 {
            return false;
        }
        self.value = self.value * 10 + u32::from(digit);
        self.count += 1;
        true
    }

    /// The level of the digits read, if there is at least one and they are worth 0 to 100.
    #[inline]
    fn level(self) -> Option<Level> {
        (self.count > 0 && self.value <= 100).then(|| self.value as Level * 100)
    }
}

/// Reads every file of the folder `dir`, each sample a step of `interval_ms`.
fn scan_folder(dir: &Path, interval_ms: u64) -> Result<TraceIndex, TraceError> {
    let names = list(dir, &|_| true)?;
    if names.is_empty() {
        return Err(TraceError::file(
            shown(dir),
            "folder has no trace files: a PlanetLab trace is one file per VM",
        ));
    }
    let mut vms = Vec::with_capacity(names.len());
    let mut files = Vec::with_capacity(names.len());
    // Levels kept while every file is short enough to preload; dropped at the first long one.
    let mut preload: Option<Vec<Series>> = Some(Vec::with_capacity(names.len()));
    // Reused from file to file: the bytes read and the levels of the file being read.
    let (mut head, mut buf) = (Vec::new(), Vec::new());
    let mut levels: Vec<Level> = Vec::with_capacity(PRELOAD_MAX_STEPS as usize);
    for (name, path) in names {
        let mut file = File::open(&path).map_err(|e| io_error(&path, e))?;
        let size = file.metadata().map_err(|e| io_error(&path, e))?.len();
        let mut decoder = Decoder::default();
        let mut count: u32 = 0;
        levels.clear();
        // A file of one block (a day of samples is about 1 KB) in PlanetLab's own form is read
        // in one pass; anything else goes line by line through the decoder, from the bytes
        // already read on.
        head.clear();
        (&mut file)
            .take(lines::BLOCK as u64 + 1)
            .read_to_end(&mut head)
            .map_err(|e| io_error(&path, e))?;
        if head.len() <= lines::BLOCK && whole_percent_lines(&head, &mut levels) {
            count = levels.len() as u32;
            if count > PRELOAD_MAX_STEPS {
                preload = None;
            }
        } else {
            lines::each_line(
                &mut (&head[..]).chain(&mut file),
                &mut buf,
                lines::BLOCK,
                |line, bytes| {
                    if let Some(level) = decoder
                        .bytes(line, bytes)
                        .map_err(|(line, msg)| TraceError::at(shown(&path), line, None, msg))?
                    {
                        count += 1;
                        if preload.is_some() {
                            if count <= PRELOAD_MAX_STEPS {
                                levels.push(level);
                            } else {
                                preload = None;
                            }
                        }
                    }
                    Ok(())
                },
                |e| io_error(&path, e),
            )?;
        }
        if let Some(series) = preload.as_mut() {
            series.push(Series {
                first: 0,
                values: levels.clone(),
            });
        }
        if count == 0 {
            return Err(TraceError::file(
                shown(&path),
                "empty file: a PlanetLab file holds one CPU % (0-100) per line",
            ));
        }
        vms.push(VmInfo::new(name, 0, count));
        files.push(VmFile {
            path,
            data_offset: 0,
            data_line: 0,
            size,
            samples: Box::new(Lines::default()),
        });
    }
    let steps = vms.iter().map(|v| v.end_step).max().unwrap_or(0);
    let mut warnings = Vec::new();
    let short: Vec<&VmInfo> = vms.iter().filter(|v| v.end_step < steps).collect();
    if let Some(first) = short.first() {
        warnings.push(format!(
            "{}: {} of {} files have fewer samples than the longest ({steps}), e.g. {:?} with {}: each of those VMs ends after its last sample",
            shown(dir),
            short.len(),
            vms.len(),
            first.id,
            first.end_step
        ));
    }
    let data = match preload {
        Some(series) => Data::Compact(Arc::new(series)),
        None => Data::Files(files),
    };
    Ok(TraceIndex {
        format: PlanetLab.name(),
        source: shown(dir),
        interval_ms,
        steps,
        vms,
        warnings,
        data,
    })
}

/// A streamed file's lines as samples: data row `k` is grid step `k`.
#[derive(Debug, Clone, Default)]
struct Lines {
    decoder: Decoder,
    /// Data rows read so far.
    rows: u32,
}

impl LineSamples for Lines {
    fn sample(
        &mut self,
        path: &Path,
        line: u64,
        text: &str,
    ) -> Result<Option<(u32, Level)>, TraceError> {
        let level = self
            .decoder
            .line(line, text)
            .map_err(|(l, m)| TraceError::at(shown(path), l, None, m))?;
        Ok(level.map(|level| {
            self.rows += 1;
            (self.rows - 1, level)
        }))
    }

    fn boxed_clone(&self) -> Box<dyn LineSamples> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::FULL;
    use proptest::prelude::{Just, Strategy};

    /// The levels the line decoder gives for a whole text, or None where it reports an error.
    fn decoded(text: &[u8]) -> Option<Vec<Level>> {
        let mut decoder = Decoder::default();
        let mut levels = Vec::new();
        let mut body = text;
        if let Some(stripped) = body.strip_suffix(b"\n") {
            body = stripped;
        }
        for (i, line) in body.split(|&b| b == b'\n').enumerate() {
            if let Some(level) = decoder.bytes(i as u64 + 1, line).ok()? {
                levels.push(level);
            }
        }
        Some(levels)
    }

    #[test]
    fn whole_percent_files_read_in_one_pass() {
        let mut out = vec![7];
        assert!(whole_percent_lines(b"0\n5\n100\n042\n0005\n", &mut out));
        assert_eq!(out, vec![7, 0, 500, 10_000, 4_200, 500]);
        for other in [
            &b""[..],
            b"\n",
            b"5",
            b"5\n6",
            b"101\n",
            b"0000000005\n",
            b"5\r\n",
            b"5\n\n",
            b"\n5\n",
            b"2.5\n",
            b"-1\n",
        ] {
            let mut out = vec![7];
            assert!(!whole_percent_lines(other, &mut out), "{other:?}");
            assert_eq!(out, vec![7], "{other:?} leaves the levels as they were");
        }
    }

    proptest::proptest! {
        /// Wherever the one-pass reader takes a file, the line decoder reads the same levels.
        #[test]
        fn one_pass_and_line_decoder_agree(
            text in proptest::collection::vec(
                proptest::prop_oneof![
                    (0u32..=120).prop_map(|n| format!("{n}\n")),
                    Just("\n".to_string()),
                    Just("7.5\n".to_string()),
                    Just("007\n".to_string()),
                    Just("3\r\n".to_string()),
                ],
                0..20,
            )
            .prop_map(|lines| lines.concat())
        ) {
            let mut fast = Vec::new();
            if whole_percent_lines(text.as_bytes(), &mut fast) {
                proptest::prop_assert_eq!(Some(fast), decoded(text.as_bytes()));
            }
        }
    }

    #[test]
    fn whole_percentages_read_as_the_float_parser_reads_them() {
        let texts = (0..=1000)
            .map(|n| n.to_string())
            .chain(["007", "0000", "000000100", "999999999"].map(String::from));
        for text in texts {
            let parsed: f64 = text.parse().unwrap();
            // 0 to 100 take the shortcut to the level the float parser gives; above 100 the
            // float parser reports the value.
            let expected = (parsed <= 100.0).then(|| level_from_percent(parsed).unwrap());
            assert_eq!(whole_percent(text.as_bytes()), expected, "{text}");
        }
        // Anything else is left to the float parser.
        for text in ["", "1.5", "-3", "+3", "1e2", " 4", "0000000100", "١٢"] {
            assert_eq!(whole_percent(text.as_bytes()), None, "{text:?}");
        }
        assert_eq!(
            parse_percent("101").unwrap_err(),
            "101 is outside 0-100; expected a CPU utilisation in percent"
        );
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

    /// The line-by-line replay's decoding: the UTF-8 check, then [`Decoder::line`].
    fn decode_as_text(lines: &[Vec<u8>]) -> Vec<Result<Option<Level>, (u64, String)>> {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        for (i, l) in (1..).zip(lines) {
            let r = match std::str::from_utf8(l) {
                Ok(text) => d.line(i, text),
                Err(_) => Err((i, NOT_UTF8.to_string())),
            };
            let stop = r.is_err();
            out.push(r);
            if stop {
                break;
            }
        }
        out
    }

    fn decode_as_bytes(lines: &[Vec<u8>]) -> Vec<Result<Option<Level>, (u64, String)>> {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        for (i, l) in (1..).zip(lines) {
            let r = d.bytes(i, l);
            let stop = r.is_err();
            out.push(r);
            if stop {
                break;
            }
        }
        out
    }

    #[test]
    fn bytes_shortcut_agrees_on_edge_values() {
        let lines: Vec<Vec<u8>> = ["0", "100", "101", "000000100", "0000000100", "999999999"]
            .iter()
            .map(|t| t.as_bytes().to_vec())
            .collect();
        for l in &lines {
            let one = std::slice::from_ref(l);
            assert_eq!(decode_as_bytes(one), decode_as_text(one), "{l:?}");
        }
        assert_eq!(
            decode_as_bytes(&lines[..2]),
            vec![Ok(Some(0)), Ok(Some(FULL))]
        );
    }

    proptest::proptest! {
        /// Whatever the lines (numbers, blanks, padding, stray bytes), decoding bytes gives
        /// what decoding checked text gives: the same levels and the same first error.
        #[test]
        fn decoding_bytes_matches_decoding_text(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-9]{1,4}",
                    "[0-9]{1,3}\\.[0-9]{1,3}",
                    "[ \t]{0,2}[0-9]{0,3}[ \t]{0,2}",
                    Just(String::new()),
                    "\\PC{0,4}",
                ]
                .prop_map(String::into_bytes)
                .boxed()
                .prop_union(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4).boxed()),
                0..12,
            )
        ) {
            proptest::prop_assert_eq!(decode_as_bytes(&lines), decode_as_text(&lines));
        }
    }
}
