//! The trace readers on the bundled samples (counts and first/last samples read by hand with
//! awk from the files) and on malformed traces.

use nightshift::trace::{self, Level, TraceError, TraceIndex};
use std::path::{Path, PathBuf};

fn traces() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("traces")
}

fn vm<'a>(index: &'a TraceIndex, id: &str) -> (usize, &'a trace::VmInfo) {
    index
        .vms
        .iter()
        .enumerate()
        .find(|(_, v)| v.id == id)
        .unwrap_or_else(|| panic!("no VM {id}"))
}

/// Levels of VM `i` at `steps` through a fresh replay.
fn levels(index: &TraceIndex, i: usize, steps: &[u32]) -> Vec<Level> {
    let mut replay = trace::open(index);
    let mut out = vec![0; index.vms.len()];
    steps
        .iter()
        .map(|&s| {
            replay.seek(s, &mut out).unwrap();
            out[i]
        })
        .collect()
}

#[test]
fn planetlab_day_has_1052_vms_of_288_five_minute_samples_sorted_by_bytes() {
    let index = trace::scan("planetlab", &traces().join("planetlab/20110303"), None).unwrap();
    assert_eq!(index.vms.len(), 1052);
    assert_eq!(index.interval_ms, 300_000);
    assert_eq!(index.steps, 288);
    assert!(index.warnings.is_empty(), "{:?}", index.warnings);
    // `ls | LC_ALL=C sort`: first and last names.
    assert_eq!(
        index.vms[0].id,
        "146-179_surfsnel_dsl_internl_net_colostate_557"
    );
    assert_eq!(index.vms[1051].id, "vn5_cse_wustl_edu_uw_oneswarm");
    let ids: Vec<&[u8]> = index.vms.iter().map(|v| v.id.as_bytes()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "byte order");
    // head -1 / tail -1 of two files.
    let (i, v) = vm(&index, "146-179_surfsnel_dsl_internl_net_colostate_557");
    assert_eq!((v.first_step, v.end_step), (0, 288));
    assert_eq!(levels(&index, i, &[0, 287]), vec![2400, 5100]);
    let (i, _) = vm(&index, "vn5_cse_wustl_edu_uw_oneswarm");
    assert_eq!(levels(&index, i, &[0, 287, 288]), vec![1500, 400, 0]);
}

#[test]
fn planetlab_replay_reproduces_the_published_day_mean() {
    // awk over all 302,976 samples of 20110303: sum 3,730,979 %, mean 12.314437 % (the
    // README gives 12.31).
    let index = trace::scan("planetlab", &traces().join("planetlab/20110303"), None).unwrap();
    let mut replay = trace::open(&index);
    let mut out = vec![0; index.vms.len()];
    let mut sum: u64 = 0;
    for step in 0..index.steps {
        replay.seek(step, &mut out).unwrap();
        sum += out.iter().map(|&l| u64::from(l)).sum::<u64>();
    }
    assert_eq!(sum, 3_730_979 * 100);
}

#[test]
fn bitbrains_reads_16_vms_at_300_s_with_seconds_timestamps() {
    let index = trace::scan("bitbrains", &traces().join("bitbrains-rnd"), None).unwrap();
    assert_eq!(index.vms.len(), 16);
    assert_eq!(index.interval_ms, 300_000, "median gap between rows");
    let ids: Vec<&str> = index.vms.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "1", "10", "11", "12", "13", "14", "15", "16", "2", "3", "4", "5", "6", "7", "8", "9"
        ]
    );
    // 1.csv: first row 1372629804 (2 cores, 1.5 %), last row 1375221457 (12.433333 %);
    // (1375221457 - 1372629804) / 300 = 8638.84 -> step 8639.
    let (i, v) = vm(&index, "1");
    assert_eq!((v.first_step, v.end_step), (0, 8640));
    assert_eq!(v.cores.as_deref(), Some("2"));
    assert_eq!(levels(&index, i, &[0, 8639]), vec![150, 1243]);
    assert_eq!(index.steps, 8640, "30 days at 300 s");
    // 9.csv: 23.466667 % first, 22.2 % last.
    let (i, _) = vm(&index, "9");
    assert_eq!(levels(&index, i, &[0, 8639]), vec![2347, 2220]);
}

#[test]
fn bitbrains_zero_core_rows_are_skipped_with_a_warning() {
    let index = trace::scan("bitbrains", &traces().join("bitbrains-rnd"), None).unwrap();
    // 14.csv: rows 2-9 report 0 cores; line 10 is the first provisioned row, 1375095746,
    // 17.5 %: (1375095746 - 1372629804) / 300 = 8219.8 -> step 8220.
    let (i, v) = vm(&index, "14");
    assert_eq!((v.first_step, v.end_step), (8220, 8640));
    assert_eq!(v.cores.as_deref(), Some("1"));
    assert_eq!(levels(&index, i, &[8219, 8220, 8639]), vec![0, 1750, 67]);
    let w: Vec<&String> = index
        .warnings
        .iter()
        .filter(|w| w.contains("14.csv"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", index.warnings);
    assert!(w[0].contains("8 rows report 0 CPU cores"), "{}", w[0]);
}

#[test]
fn azure_reads_20_vms_whose_rows_span_27_files() {
    let index = trace::scan("azure", &traces().join("azure-2019"), None).unwrap();
    assert_eq!(index.vms.len(), 20);
    assert_eq!(index.interval_ms, 300_000);
    // Timestamps 0 .. 1799700 s: 6000 steps.
    assert_eq!(index.steps, 6000);
    let id = "AEPuB1nuIBMmVIc5OlpI9Wk6Im5ZH4wVEnqZxbtFl63ZGDwS8rzfJJdRYDz0ox6b";
    let (i, v) = vm(&index, id);
    assert_eq!((v.first_step, v.end_step), (0, 6000));
    // avg_cpu 3.5863332518631985 at 0 (batch_1) and 4.137920363328623 at 1799700 (batch_27).
    assert_eq!(levels(&index, i, &[0, 5999]), vec![359, 414]);
    // deep_study_vms_metadata.csv: Delay-insensitive, 2 cores, 2 GB.
    assert_eq!(v.category.as_deref(), Some("Delay-insensitive"));
    assert_eq!(v.cores.as_deref(), Some("2"));
    assert_eq!(v.memory_gb.as_deref(), Some("2"));
    assert_eq!(
        index.vms[0].id,
        "+Iipd7vDjjEp/QdGlnk0SxnsdypsdteYwDDa0KZGY/E/Mi0TnQq/QDlRfmGxUgI3"
    );
    // Every VM misses 45 steps in each of two 13,500 s holes.
    assert!(
        index.warnings.iter().any(|w| w.contains("longest 13500 s")),
        "{:?}",
        index.warnings
    );
}

#[test]
fn generic_csv_converted_from_bitbrains_replays_the_same_levels() {
    // traces/csv-example/bitbrains-first-day.csv is the first 288 rows of 1.csv and 9.csv,
    // converted by the awk one-liner in docs/traces.md.
    let csv = trace::scan(
        "csv",
        &traces().join("csv-example/bitbrains-first-day.csv"),
        None,
    )
    .unwrap();
    assert_eq!(csv.vms.len(), 2);
    assert_eq!(csv.interval_ms, 300_000);
    let bb = trace::scan("bitbrains", &traces().join("bitbrains-rnd"), None).unwrap();
    let (c1, v1) = vm(&csv, "1");
    let (b1, _) = vm(&bb, "1");
    let (c9, _) = vm(&csv, "9");
    let (b9, _) = vm(&bb, "9");
    let steps: Vec<u32> = (0..v1.end_step).collect();
    assert_eq!(v1.end_step, 288);
    assert_eq!(levels(&csv, c1, &steps), levels(&bb, b1, &steps));
    assert_eq!(levels(&csv, c9, &steps), levels(&bb, b9, &steps));
    assert_eq!(levels(&csv, c1, &[0]), vec![150]);
}

// ---- malformed traces ----------------------------------------------------------------

fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn scan_err(format: &str, path: &Path) -> TraceError {
    trace::scan(format, path, None).unwrap_err()
}

const BB_HEADER: &str = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%]\n";

#[test]
fn missing_folder_is_an_error_naming_it() {
    let e = scan_err("planetlab", Path::new("/nonexistent/planetlab/day"));
    assert_eq!(e.file, "/nonexistent/planetlab/day");
    assert!(e.message.contains("no such folder"), "{e}");
    let e = scan_err("azure", Path::new("/nonexistent/azure"));
    assert!(e.message.contains("no such folder"), "{e}");
}

#[test]
fn empty_files_are_errors() {
    let d = folder(&[("a", "1\n2\n"), ("b", "")]);
    let e = scan_err("planetlab", d.path());
    assert!(e.file.ends_with("/b"), "{e}");
    assert!(e.message.contains("empty file"), "{e}");
    let d = folder(&[("1.csv", "")]);
    assert!(
        scan_err("bitbrains", d.path())
            .message
            .contains("empty file")
    );
    let d = folder(&[("r.csv", "")]);
    assert!(scan_err("azure", d.path()).message.contains("empty file"));
    let d = folder(&[]);
    assert!(
        scan_err("planetlab", d.path())
            .message
            .contains("no trace files")
    );
}

#[test]
fn non_numbers_and_out_of_range_values_name_file_and_line() {
    let d = folder(&[("a", "1\n2\nabc\n")]);
    let e = scan_err("planetlab", d.path());
    assert_eq!(e.line, Some(3));
    assert!(
        e.to_string().contains("/a:3: \"abc\" is not a number"),
        "{e}"
    );
    let d = folder(&[("a", "1\n-2\n")]);
    assert_eq!(scan_err("planetlab", d.path()).line, Some(2));
    let d = folder(&[("a", "100.5\n")]);
    assert!(
        scan_err("planetlab", d.path())
            .message
            .contains("outside 0-100")
    );
    let text = format!("{BB_HEADER}0;\t1;\t2600;\t10;\t5\n300;\t1;\t2600;\t10;\t-5\n");
    let d = folder(&[("1.csv", &text)]);
    let e = scan_err("bitbrains", d.path());
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(3), Some("CPU usage [%]"))
    );
    let d = folder(&[(
        "r.csv",
        "timestamp,vm_id,min_cpu,max_cpu,avg_cpu\n0,a,1,2,150\n",
    )]);
    let e = scan_err("azure", d.path());
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("avg_cpu")));
}

fn bytes_folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

#[test]
fn planetlab_crlf_endings_padding_and_trailing_blank_lines_read_as_plain_samples() {
    // The same three samples (24 %, 34 %, 12.5 %) written five ways; the scan keeps them in
    // memory (3 samples per file).
    let d = folder(&[
        ("a", "24\n34\n12.5\n"),
        ("b", "24\r\n34\r\n12.5\r\n\r\n\n"),
        ("c", "24\n34\n12.5"),
        ("d", " 24\t\n034 \n12.50\n\n\n"),
        ("e", "000000024\n0000000034\n12.5\r"),
    ]);
    let index = trace::scan("planetlab", d.path(), None).unwrap();
    assert!(
        trace::samples::FileReplay::of(&index).is_none(),
        "preloaded"
    );
    assert_eq!(index.steps, 3);
    for i in 0..5 {
        assert_eq!(index.vms[i].end_step, 3, "{}", index.vms[i].id);
        assert_eq!(levels(&index, i, &[0, 1, 2]), vec![2400, 3400, 1250]);
    }
    // 600 CRLF lines and two blank ones at the end: streamed, read the same by the replay.
    let long: String = (0..600).map(|i| format!("{}\r\n", i % 101)).collect();
    let d = folder(&[("a", &format!("{long}\r\n\r\n"))]);
    let index = trace::scan("planetlab", d.path(), None).unwrap();
    assert!(trace::samples::FileReplay::of(&index).is_some(), "streamed");
    assert_eq!(index.steps, 600);
    let steps: Vec<u32> = (0..600).collect();
    let want: Vec<Level> = (0..600).map(|i| (i % 101) as Level * 100).collect();
    assert_eq!(levels(&index, 0, &steps), want);
}

#[test]
fn planetlab_blank_line_between_samples_is_an_error_at_the_blank_line() {
    for (text, line) in [
        ("1\n2\n\n3\n", 3),
        ("1\r\n\r\n3\r\n", 2),
        ("1\n \t\n2\n", 2),
        ("1\n\n\n\n50.5\n", 2),
    ] {
        let d = folder(&[("a", "1\n"), ("b", text)]);
        let e = scan_err("planetlab", d.path());
        assert!(e.file.ends_with("/b"), "{e}");
        assert_eq!(e.line, Some(line), "{text:?}: {e}");
        assert!(e.message.contains("blank line before more samples"), "{e}");
    }
}

#[test]
fn planetlab_non_utf8_bytes_are_an_error_naming_file_and_line() {
    let d = bytes_folder(&[("a", b"10\n20\n"), ("b", b"10\n20\n\xff\xfe\n30\n")]);
    let e = scan_err("planetlab", d.path());
    assert!(e.to_string().ends_with("/b:3: is not UTF-8 text"), "{e}");
    // A stray byte inside a number, and after a blank line (the bytes are checked first).
    let d = bytes_folder(&[("a", b"1\n2\xe9\n")]);
    assert_eq!(scan_err("planetlab", d.path()).line, Some(2));
    let d = bytes_folder(&[("a", b"1\n\n\x80\n")]);
    let e = scan_err("planetlab", d.path());
    assert_eq!((e.line, e.message.as_str()), (Some(3), "is not UTF-8 text"));
}

#[test]
fn ragged_rows_are_errors_and_ragged_planetlab_lengths_a_warning() {
    let text = format!("{BB_HEADER}0;\t1;\t2600;\t10;\t5\n300;\t1;\t2600\n");
    let d = folder(&[("1.csv", &text)]);
    let e = scan_err("bitbrains", d.path());
    assert_eq!(e.line, Some(3));
    assert!(
        e.message.contains("has 3 fields but the header has 5"),
        "{e}"
    );
    let d = folder(&[("r.csv", "time,vm,cpu\n0,a,1\n300,a\n")]);
    assert_eq!(scan_err("csv", d.path()).line, Some(3));
    // PlanetLab files of different lengths: each VM ends after its own last sample.
    let d = folder(&[("a", "10\n20\n30\n"), ("b", "40\n")]);
    let index = trace::scan("planetlab", d.path(), None).unwrap();
    assert_eq!(index.steps, 3);
    assert_eq!((index.vms[1].first_step, index.vms[1].end_step), (0, 1));
    assert!(
        index.warnings[0].contains("1 of 2 files have fewer samples"),
        "{:?}",
        index.warnings
    );
    assert_eq!(levels(&index, 1, &[0, 1, 2]), vec![4000, 0, 0]);
}

#[test]
fn a_vm_with_no_rows_is_an_error_and_an_all_zero_core_vm_too() {
    let d = folder(&[("1.csv", BB_HEADER)]);
    let e = scan_err("bitbrains", d.path());
    assert!(e.message.contains("header but no rows"), "{e}");
    let text = format!("{BB_HEADER}0;\t0;\t0;\t0;\t0\n300;\t0;\t0;\t0;\t0\n");
    let d = folder(&[("1.csv", &text)]);
    let e = scan_err("bitbrains", d.path());
    assert!(e.message.contains("all 2 rows report 0 CPU cores"), "{e}");
    // Long formats: a readings file with a header only is skipped with a warning; a VM listed
    // in the metadata without readings is ignored with a warning.
    let d = folder(&[
        (
            "a.csv",
            "timestamp,vm_id,min_cpu,max_cpu,avg_cpu\n0,x,1,2,1\n300,x,1,2,1\n",
        ),
        ("b.csv", "timestamp,vm_id,min_cpu,max_cpu,avg_cpu\n"),
        (
            "vm_metadata.csv",
            "vm_id,vm_virtual_core_count_bucket\nx,2\nghost,4\n",
        ),
    ]);
    let index = trace::scan("azure", d.path(), None).unwrap();
    assert_eq!(index.vms.len(), 1);
    let w = index.warnings.join("\n");
    assert!(w.contains("b.csv: header but no rows"), "{w}");
    assert!(w.contains("1 VMs listed have no readings"), "{w}");
}

#[test]
fn time_going_backwards_is_an_error_naming_both_places() {
    let d = folder(&[
        (
            "1.csv",
            "timestamp,vm_id,min_cpu,max_cpu,avg_cpu\n0,x,1,2,1\n600,x,1,2,1\n",
        ),
        (
            "2.csv",
            "timestamp,vm_id,min_cpu,max_cpu,avg_cpu\n300,x,1,2,1\n",
        ),
    ]);
    let e = scan_err("azure", d.path());
    // Files are read in the order of their first timestamp: 1.csv (0 s) then 2.csv (300 s).
    assert!(e.file.ends_with("2.csv"), "{e}");
    assert_eq!(e.line, Some(2));
    assert!(
        e.message.contains("(600 s, ") && e.message.contains("1.csv:3)"),
        "{e}"
    );
    let text = format!("{BB_HEADER}600;\t1;\t1;\t1;\t1\n300;\t1;\t1;\t1;\t1\n");
    let d = folder(&[("1.csv", &text)]);
    assert_eq!(scan_err("bitbrains", d.path()).line, Some(3));
}

#[test]
fn interval_comes_from_the_data_and_gaps_hold_the_previous_sample() {
    // Rows every 60 s with one 240 s hole: the median gap is 60 s; the hole holds 20 %.
    let d = folder(&[(
        "t.csv",
        "time,vm,cpu\n1000,a,10\n1060,a,20\n1300,a,30\n1360,a,40\n1420,a,50\n",
    )]);
    let index = trace::scan("csv", &d.path().join("t.csv"), None).unwrap();
    assert_eq!(index.interval_ms, 60_000);
    assert_eq!(index.steps, 8);
    assert_eq!(
        levels(&index, 0, &[0, 1, 2, 3, 4, 5, 6, 7]),
        vec![1000, 2000, 2000, 2000, 2000, 3000, 4000, 5000]
    );
    assert!(
        index.warnings[0].contains("longest 240 s"),
        "{:?}",
        index.warnings
    );
    let e = trace::scan("csv", &d.path().join("t.csv"), Some(1000)).unwrap_err();
    assert!(e.message.contains("taken from the data"), "{e}");
    let d = folder(&[("t.csv", "time,vm,cpu\n0,a,1\n0,b,1\n")]);
    let e = scan_err("csv", &d.path().join("t.csv"));
    assert!(e.message.contains("single sample"), "{e}");
}

#[test]
fn long_planetlab_files_are_streamed_and_read_the_same() {
    // 600 samples per file: more than the 512 kept in memory, so the replay streams them in
    // windows of 128 rows; every level must still be the file's line.
    let a: String = (0..600).map(|i| format!("{}\n", i % 100)).collect();
    let b: String = (0..450).map(|i| format!("{}.5\n", (i * 7) % 99)).collect();
    let d = folder(&[("a", &a), ("b", &b)]);
    let index = trace::scan("planetlab", d.path(), None).unwrap();
    assert!(trace::samples::FileReplay::of(&index).is_some(), "streamed");
    assert_eq!(index.steps, 600);
    let steps: Vec<u32> = (0..600).collect();
    let want_a: Vec<Level> = (0..600).map(|i| (i % 100) as Level * 100).collect();
    let want_b: Vec<Level> = (0..600)
        .map(|i| {
            if i < 450 {
                ((i * 7) % 99) as Level * 100 + 50
            } else {
                0
            }
        })
        .collect();
    assert_eq!(levels(&index, 0, &steps), want_a);
    assert_eq!(levels(&index, 1, &steps), want_b);
    // A day-long folder is kept in memory instead.
    let day = trace::scan("planetlab", &traces().join("planetlab/20110303"), None).unwrap();
    assert!(trace::samples::FileReplay::of(&day).is_none(), "preloaded");
}

#[test]
fn a_replay_going_back_rewinds_for_loops() {
    let d = folder(&[("a", "10\n20\n30\n")]);
    let index = trace::scan("planetlab", d.path(), None).unwrap();
    assert_eq!(
        levels(&index, 0, &[0, 1, 2, 0, 1, 2]),
        vec![1000, 2000, 3000, 1000, 2000, 3000]
    );
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The simulation core consumes the replay seam it defines (`src/workload/replay.rs`:
/// `Replay`, `Level`, `VmInfo`) and never imports the trace readers, which implement it:
/// dependencies go trace -> core only. A code line (not a comment) naming `crate::trace` in
/// the core's folders fails this.
#[test]
fn the_core_never_imports_the_trace_readers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for part in ["sim", "workload", "model", "policy", "engine"] {
        rust_files(&src.join(part), &mut files);
    }
    assert!(files.len() > 20, "found the core's files: {files:?}");
    let mut imports = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if !code.starts_with("//") && code.contains("crate::trace") {
                imports.push(format!("{}:{}: {code}", file.display(), i + 1));
            }
        }
    }
    assert!(imports.is_empty(), "{imports:#?}");
}

/// Every format of the registry is documented: `docs/traces.md` has a `### \`name\`` section
/// for it, so a format added to `FORMATS` without its page fails here.
#[test]
fn every_registered_format_has_its_section_in_the_docs() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/traces.md"))
            .unwrap();
    let names: Vec<&str> = trace::FORMATS.iter().map(|f| f.name()).collect();
    assert_eq!(names, ["planetlab", "bitbrains", "azure", "csv"]);
    for name in names {
        assert!(
            docs.contains(&format!("\n### `{name}`: ")),
            "docs/traces.md has no section for the {name} format"
        );
    }
}

/// A timestamp beyond 10^11 s (the fuzzer's `9e18` in a Bitbrains file; `1e300` in a CSV)
/// used to overflow when turned into milliseconds (a panic in checked builds, a wrapped time
/// otherwise); it is refused at its line.
#[test]
fn timestamps_beyond_ten_to_the_eleven_seconds_are_refused() {
    let d = folder(&[(
        "1.csv",
        &format!(
            "{BB_HEADER}1372629804;\t2;\t5851.9;\t87.7;\t1.5\n9000000000000000000;\t2;\t5851.9;\t87.7;\t1.5\n"
        ),
    )]);
    let e = scan_err("bitbrains", d.path());
    assert!(
        e.message.contains("is beyond 100000000000 Unix seconds"),
        "{e}"
    );
    assert_eq!(e.line, Some(3), "{e}");
    let d = folder(&[("t.csv", "time,vm,cpu\n0,a,10\n1e300,a,20\n")]);
    let e = scan_err("csv", &d.path().join("t.csv"));
    assert!(
        e.message
            .contains("is beyond 100000000000 seconds either side of 0"),
        "{e}"
    );
}
