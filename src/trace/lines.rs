//! Splitting a whole file into lines a block at a time, for scans that read every line of
//! many small files (a PlanetLab day is 1,052 files of about 1 KB): one buffer reused from
//! file to file, no allocation or copy per line, and the same lines as the line-by-line
//! reader of replays (`\n` ends a line, trailing `\r`s are stripped, a last line without
//! `\n` counts).

use std::io::{self, ErrorKind, Read};

/// Bytes read at a time: a day of PlanetLab samples fits in one read, and a scan of a long
/// file holds this much of it (more only for a line longer than this).
pub const BLOCK: usize = 64 * 1024;

/// Calls `each(number, bytes)` for every line of `reader` in order, numbered from 1, with
/// the line's bytes minus its `\n` and any `\r`s before it; stops at the first error of
/// `each` or of reading (`io_error` converts the latter). `buf` is the caller's buffer, kept
/// between calls so that reading many files allocates once; it grows to `block` bytes, or
/// to twice the longest line when a line does not fit.
pub fn each_line<E>(
    reader: &mut impl Read,
    buf: &mut Vec<u8>,
    block: usize,
    mut each: impl FnMut(u64, &[u8]) -> Result<(), E>,
    io_error: impl Fn(io::Error) -> E,
) -> Result<(), E> {
    if buf.len() < block.max(1) {
        buf.resize(block.max(1), 0);
    }
    let mut number = 0;
    // buf[start..filled] is the line being read: no `\n` in it yet.
    let mut start = 0;
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            if start > 0 {
                buf.copy_within(start..filled, 0);
                filled -= start;
                start = 0;
            } else {
                buf.resize(buf.len() * 2, 0);
            }
        }
        let n = match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        };
        let end = filled + n;
        let mut from = filled;
        while let Some(i) = buf[from..end].iter().position(|&b| b == b'\n') {
            number += 1;
            each(number, without_cr(&buf[start..from + i]))?;
            start = from + i + 1;
            from = start;
        }
        filled = end;
    }
    if start < filled {
        each(number + 1, without_cr(&buf[start..filled]))?;
    }
    Ok(())
}

/// `line` without its trailing `\r`s.
fn without_cr(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && line[end - 1] == b'\r' {
        end -= 1;
    }
    &line[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::BufRead;

    /// Reads at most `max` bytes per call, and fails with `Interrupted` every other call, to
    /// exercise lines split across reads and the retry.
    struct Trickle<'a> {
        data: &'a [u8],
        max: usize,
        interrupt: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::Error::from(ErrorKind::Interrupted));
            }
            let n = self.data.len().min(self.max).min(out.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn split(data: &[u8], block: usize, max_read: usize) -> Vec<(u64, Vec<u8>)> {
        let mut out = Vec::new();
        let mut reader = Trickle {
            data,
            max: max_read,
            interrupt: false,
        };
        let mut buf = Vec::new();
        each_line(
            &mut reader,
            &mut buf,
            block,
            |n, line| {
                out.push((n, line.to_vec()));
                Ok::<(), io::Error>(())
            },
            |e| e,
        )
        .unwrap();
        out
    }

    /// The lines `read_until(b'\n')` gives with trailing `\n` and `\r`s stripped: what the
    /// replay's line reader sees.
    fn by_read_until(data: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut reader = io::BufReader::with_capacity(8, data);
        let mut out = Vec::new();
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap() > 0 {
            while matches!(line.last(), Some(b'\n' | b'\r')) {
                line.pop();
            }
            out.push((out.len() as u64 + 1, std::mem::take(&mut line)));
        }
        out
    }

    fn lines(list: &[&str]) -> Vec<(u64, Vec<u8>)> {
        (1..)
            .zip(list.iter().map(|l| l.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn lines_end_at_newlines_without_their_carriage_returns() {
        assert_eq!(split(b"24\n34\r\n\n5", 4, 3), lines(&["24", "34", "", "5"]));
        assert_eq!(split(b"1\n2\n\n\n", 2, 1), lines(&["1", "2", "", ""]));
        assert_eq!(split(b"a\rb\r\r\n\r", 64, 64), lines(&["a\rb", ""]));
        assert_eq!(split(b"", 4, 4), lines(&[]));
    }

    #[test]
    fn a_line_longer_than_the_block_grows_the_buffer() {
        let long = "7".repeat(100);
        let text = format!("1\n{long}\n2");
        assert_eq!(split(text.as_bytes(), 8, 5), lines(&["1", &long, "2"]));
    }

    #[test]
    fn the_first_error_stops_the_reading() {
        let mut seen = Vec::new();
        let r = each_line(
            &mut &b"1\n2\n3\n"[..],
            &mut Vec::new(),
            BLOCK,
            |n, _| {
                seen.push(n);
                if n == 2 { Err(n) } else { Ok(()) }
            },
            |_| 0,
        );
        assert_eq!((r, seen), (Err(2), vec![1, 2]));
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::from(ErrorKind::PermissionDenied))
            }
        }
        let failing = each_line(
            &mut Broken,
            &mut Vec::new(),
            BLOCK,
            |_, _| Ok(()),
            |e| e.kind(),
        );
        assert_eq!(failing, Err(ErrorKind::PermissionDenied));
    }

    proptest! {
        /// Any bytes, any block and read sizes: the same lines as the replay's reader.
        #[test]
        fn lines_match_the_replays_line_reader(
            data in proptest::collection::vec(
                prop_oneof![Just(b'\n'), Just(b'\r'), Just(b'1'), any::<u8>()], 0..300),
            block in 1usize..40,
            max_read in 1usize..50,
        ) {
            prop_assert_eq!(split(&data, block, max_read), by_read_until(&data));
        }
    }
}
