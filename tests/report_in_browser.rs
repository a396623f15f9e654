//! Opens a run's `report.html` in headless Chromium and checks that it renders: the DOM holds
//! one inline `<svg>` per chart (with its text), and a screenshot of the page is not blank
//! all the way down, where the charts are.
//!
//! Chromium comes from Debian's packages: `.ci/install-chromium` installs it. Under CI (the
//! `CI` variable set, as CI runs `.ci/run`) a missing Chromium is installed by running that
//! script, and if it is still missing the test fails, so it can never pass without having
//! looked; on a developer's machine it is skipped with a loud message instead (nothing is
//! installed behind a developer's back). `NIGHTSHIFT_CHROMIUM` names another binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHARTS: [&str; 6] = [
    "power",
    "energy",
    "migrations",
    "utilisation-heatmap",
    "utilisation-distribution",
    "hosts-needed",
];

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NIGHTSHIFT_CHROMIUM").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return path.is_file().then_some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file())
}

/// Runs Chromium headless on `url` with `mode` (`--dump-dom` or `--screenshot=...`),
/// stdout to `stdout_file`, in a fresh profile; fails after two minutes.
fn headless(browser: &Path, work: &Path, mode: &[&str], url: &str, stdout_file: &Path) {
    let profile = tempfile::tempdir_in(work).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(mode)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(fs::File::create(stdout_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {mode:?} failed: {status}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {mode:?} did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn write_report(out: &Path) {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/night-consolidation.toml");
    let o = Command::new(env!("CARGO_BIN_EXE_nightshift"))
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(out)
        .args([
            "-q",
            "--set",
            "hosts.0.count=8",
            "--set",
            "hosts.1.count=12",
        ])
        .args(["--set", "vms.0.count=60", "--set", "vms.1.count=30"])
        .args(["--set", "vms.2.count=6", "--set", "vms.3.count=12"])
        .args(["--set", "simulation.duration=1d"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The report renders in a browser with every chart: six inline SVG figures in the DOM,
/// each with dozens of text elements, and ink on the page from the top to past the last chart.
#[test]
fn report_renders_in_headless_chromium_with_every_chart() {
    let Some(browser) = chromium() else {
        let msg = "chromium is not installed: run .ci/install-chromium (apt-get install chromium)";
        if under_ci() {
            panic!("{msg}; under CI this test must run, not skip");
        }
        eprintln!(
            "\n*** SKIPPED report_renders_in_headless_chromium_with_every_chart: {msg} ***\n"
        );
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("run");
    write_report(&out);
    let url = format!("file://{}", out.join("report.html").display());

    let dom_file = work.path().join("dom.html");
    headless(&browser, work.path(), &["--dump-dom"], &url, &dom_file);
    let dom = fs::read_to_string(&dom_file).unwrap();
    assert!(dom.contains("<title>nightshift report: night-consolidation</title>"));
    assert_eq!(
        dom.matches("<figure class=\"chart\"").count(),
        6,
        "six chart figures"
    );
    assert_eq!(dom.matches("<svg ").count(), 6, "one inline SVG per chart");
    for name in CHARTS {
        let start = dom
            .find(&format!("<figure class=\"chart\" id=\"chart-{name}\">"))
            .unwrap_or_else(|| panic!("figure chart-{name} is in the DOM"));
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap()];
        assert_eq!(figure.matches("<svg ").count(), 1, "{name}");
        let texts = figure.matches("<text ").count();
        assert!(
            texts >= 20,
            "{name}: {texts} text elements (title, axes, legend)"
        );
    }

    let shot = work.path().join("shot.png");
    let arg = format!("--screenshot={}", shot.display());
    headless(
        &browser,
        work.path(),
        &[&arg, "--window-size=1280,6500"],
        &url,
        &work.path().join("shot.log"),
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.width, 1280);
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let row_ink = |y: usize| {
        let row = &buf[y * w * channels..(y + 1) * w * channels];
        row.chunks(channels)
            .filter(|p| p[..3].iter().any(|&c| c < 200))
            .count()
    };
    // The page in stripes of 250 px: with six charts of 600-900 px (scaled to the page
    // width) after the headline table, ink reaches down to at least 4 000 px, and most
    // stripes above that have some.
    let stripes: Vec<usize> = (0..h / 250)
        .map(|s| (s * 250..(s + 1) * 250).map(row_ink).sum())
        .collect();
    let inked: Vec<usize> = stripes
        .iter()
        .enumerate()
        .filter(|&(_, &ink)| ink > 2_000)
        .map(|(i, _)| i)
        .collect();
    assert!(
        inked.last().is_some_and(|&last| last * 250 >= 4_000),
        "ink ends too early: stripes with ink {inked:?}"
    );
    assert!(
        inked.len() >= 16,
        "only {} of {} stripes have ink",
        inked.len(),
        stripes.len()
    );
    let total: usize = stripes.iter().sum();
    assert!(
        total * 20 > w * h,
        "at least 5 % of the page is ink, got {total} of {}",
        w * h
    );
    // The charts themselves: rows with the navy of the main series (power and energy lines,
    // migration and distribution bars) run from the first chart to the last, over 3 000 px;
    // the heat map's 40-60 % teal and the demand line's orange are drawn too.
    let rows_with = |rgb: [u8; 3], min: usize| -> Vec<usize> {
        (0..h)
            .filter(|&y| {
                let row = &buf[y * w * channels..(y + 1) * w * channels];
                row.chunks(channels)
                    .filter(|p| p[..3].iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) <= 3))
                    .count()
                    >= min
            })
            .collect()
    };
    let navy = rows_with([31, 59, 115], 20);
    let span = navy.last().unwrap_or(&0) - navy.first().unwrap_or(&0);
    assert!(span > 3_000, "navy chart ink spans only {span} px");
    assert!(
        rows_with([65, 182, 196], 50).len() > 50,
        "the heat map's teal cells"
    );
    assert!(
        !rows_with([217, 130, 43], 3).is_empty(),
        "the orange demand line"
    );
}

/// A sweep's report renders too: its two charts inline (the metrics by headroom and the
/// energy-vs-demand-not-served trade-off), the table of axis points with the best rows marked, and the
/// charts' navy ink on the screenshot.
#[test]
fn sweep_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        let msg = "chromium is not installed: run .ci/install-chromium (apt-get install chromium)";
        if under_ci() {
            panic!("{msg}; under CI this test must run, not skip");
        }
        eprintln!("\n*** SKIPPED sweep_report_renders_in_headless_chromium: {msg} ***\n");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/exercise-1.toml");
    let sweep = work.path().join("s.toml");
    fs::write(
        &sweep,
        format!(
            "version = 1\nname = \"s\"\nscenario = \"{}\"\nreplicates = 2\nset = [\"simulation.duration=\\\"1d\\\"\"]\n[[axis]]\nkey = \"policy.power.name\"\nvalues = [\"keep-on\", \"spare-capacity\"]\n[[axis]]\nkey = \"policy.power.headroom\"\nvalues = [0.1, 0.3]\n",
            scenario.display()
        ),
    )
    .unwrap();
    let out = work.path().join("sweep");
    let o = Command::new(env!("CARGO_BIN_EXE_nightshift"))
        .arg("sweep")
        .arg(&sweep)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let url = format!("file://{}", out.join("report.html").display());
    let dom_file = work.path().join("dom.html");
    headless(&browser, work.path(), &["--dump-dom"], &url, &dom_file);
    let dom = fs::read_to_string(&dom_file).unwrap();
    assert!(dom.contains("<title>nightshift sweep: s</title>"));
    assert_eq!(dom.matches("<svg ").count(), 2, "one inline SVG per chart");
    for name in ["sweep-by-headroom", "sweep-tradeoff"] {
        let start = dom
            .find(&format!("<figure class=\"chart\" id=\"chart-{name}\">"))
            .unwrap_or_else(|| panic!("figure chart-{name} is in the DOM"));
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap()];
        let texts = figure.matches("<text ").count();
        assert!(texts >= 15, "{name}: {texts} text elements");
    }
    assert_eq!(dom.matches("<tr class=\"best\">").count(), 3);

    let shot = work.path().join("shot.png");
    let arg = format!("--screenshot={}", shot.display());
    headless(
        &browser,
        work.path(),
        &[&arg, "--window-size=1280,3000"],
        &url,
        &work.path().join("shot.log"),
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    // Rows with the navy of the keep-on series (the first): its lines in the first chart and its
    // markers in the second, so they span more than one chart's height (about 950 px).
    let navy: Vec<usize> = (0..h)
        .filter(|&y| {
            buf[y * w * channels..(y + 1) * w * channels]
                .chunks(channels)
                .filter(|p| {
                    p[..3]
                        .iter()
                        .zip([31u8, 59, 115])
                        .all(|(&a, b)| a.abs_diff(b) <= 3)
                })
                .count()
                >= 5
        })
        .collect();
    let span = navy.last().unwrap_or(&0) - navy.first().unwrap_or(&0);
    assert!(span > 1_000, "navy chart ink spans only {span} px");
}
