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
    assert_eq!(
        dom.matches("<svg ").count(),
        7,
        "one inline SVG per chart and the interactive time series"
    );
    assert_eq!(dom.matches("<figure class=\"explorer\"").count(), 1);
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

/// exercise-1's hosts and load for a day after a 2-hour warm-up, with a second, smaller host
/// class and one worker VM too many: the VMs' full CPU size (8 web × 4 000 + 11 workers ×
/// 8 000 = 120 000 MIPS) is 1.07 times the fleet's (4 × 16 000 + 6 × 8 000 = 112 000), so
/// the run warns, and the always-on baseline, which places by size, leaves 2 workers waiting
/// (6.7 % of demand) while the run, which packs by demand, serves them: a saving that is not
/// like-for-like, from an over-subscribed fleet, with a warm-up, over less than a week. Every
/// caveat the report knows, in one run.
const CAVEATS: &str = include_str!("data/caveats.toml");

/// Runs CAVEATS into `out` (without host_utilisation.csv: four charts, power, energy,
/// migrations and hosts-needed) and returns its summary.json.
fn write_caveats_run(work: &Path, out: &Path) -> serde_json::Value {
    let scenario = work.join("caveats.toml");
    fs::write(&scenario, CAVEATS).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nightshift"))
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(out)
        .args(["-q", "--no-host-utilisation"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap()
}

/// Text between `start` and the next `end` after it, each tag a space, whitespace collapsed.
fn text_of(html: &str, start: &str, end: &str) -> String {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} is in the page"));
    let rest = &html[from + start.len()..];
    let inner = &rest[..rest.find(end).unwrap_or(rest.len())];
    let mut text = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Debian tool the PDF checks need (poppler-utils), or None with a loud skip off CI.
fn poppler(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file());
    if found.is_none() {
        let msg = format!(
            "{tool} is not installed: run .ci/install-chromium (apt-get install poppler-utils)"
        );
        if under_ci() {
            panic!("{msg}; under CI this test must run, not skip");
        }
        eprintln!("\n*** SKIPPED the PDF checks: {msg} ***\n");
    }
    found
}

/// The report of a run built to have every caveat, opened in headless Chromium: the first
/// paragraph states the saving over the run and per year and sends the reader to the caveats,
/// which name the not-like-for-like saving, the over-subscribed fleet, the warm-up, the short
/// run and the run's own warning; the interactive time series holds every control tick,
/// reads out values under the pointer and zooms on a drag; and `nightshift report DIR --pdf`
/// prints it to A4 pages, numbered, with no chart cut across two pages.
#[test]
fn executive_report_states_the_saving_and_caveats_and_prints_to_pdf() {
    let Some(browser) = chromium() else {
        let msg = "chromium is not installed: run .ci/install-chromium (apt-get install chromium)";
        if under_ci() {
            panic!("{msg}; under CI this test must run, not skip");
        }
        eprintln!(
            "\n*** SKIPPED executive_report_states_the_saving_and_caveats_and_prints_to_pdf: {msg} ***\n"
        );
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("run");
    let summary = write_caveats_run(work.path(), &out);
    // The saving the paragraph states, from summary.json: 1.30 kWh of IT energy, 7.0 %
    // of always-on's; over 22 measured hours, so × 365 / (22 / 24) for a year.
    let saved = summary["savings"]["energy_kwh"].as_f64().unwrap();
    assert_eq!((saved * 100.0).round(), 130.0, "savings.energy_kwh {saved}");
    assert_eq!(
        (saved * 365.0 / (22.0 / 24.0)).round(),
        517.0,
        "the yearly figure"
    );

    // The page as Chromium renders it, after a probe script moved the pointer over the middle
    // of the time series, then dragged from a quarter to half of its width.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let probe = r##"<script>
(function () {
  var hit = document.querySelector("#explorer-svg .hit"), b = hit.getBoundingClientRect();
  function at(type, f) {
    document.querySelector("#explorer-svg .hit").dispatchEvent(new MouseEvent(type,
      { bubbles: true, clientX: b.left + b.width * f, clientY: b.top + b.height / 2 }));
  }
  at("mousemove", 0.5);
  document.body.setAttribute("data-hover", document.getElementById("explorer-readout").textContent);
  at("mousedown", 0.25); at("mousemove", 0.5); at("mouseup", 0.5);
  document.body.setAttribute("data-zoomed", document.getElementById("explorer").getAttribute("data-range"));
})();
</script>
</body>"##;
    fs::write(out.join("probe.html"), html.replace("</body>", probe)).unwrap();
    let url = format!("file://{}", out.join("probe.html").display());
    let dom_file = work.path().join("dom.html");
    headless(&browser, work.path(), &["--dump-dom"], &url, &dom_file);
    let dom = fs::read_to_string(&dom_file).unwrap();

    let lead = text_of(&dom, "<p class=\"lead\" id=\"executive\">", "</p>");
    for expected in [
        "saves 1.3 kWh of IT energy (7.0 %",
        "over 22 h: about 517 kWh a year",
        "This is not a like-for-like saving",
        "How sure: read it with the 5 caveats below.",
        "× 365 / 0.917 measured days (warm-up excluded)",
    ] {
        assert!(lead.contains(expected), "{expected:?} is not in: {lead}");
    }
    let caveats = text_of(&dom, "<ul class=\"caveats\">", "</ul>");
    for expected in [
        "The saving is not like-for-like: 0 VMs never placed in this run, 2 in the baseline",
        "The fleet is over-subscribed: even with every host on, 2 VMs found no host.",
        "A warm-up of 2 h at the start is left out of every figure.",
        "The run measures 22 h: a yearly figure from less than a week",
        "The run warned: ",
        "the VMs' full CPU size (120000 MIPS) is 1.07 times the fleet's (112000 MIPS)",
    ] {
        assert!(
            caveats.contains(expected),
            "{expected:?} is not in: {caveats}"
        );
    }
    let classes = text_of(&dom, "<table class=\"classes\">", "</table>");
    assert!(
        classes.contains("hv-8c-16g 4 ") && classes.contains("hv-4c-8g 6 "),
        "{classes}"
    );

    // The time series: one point per row of timeseries.csv (the control ticks after the
    // warm-up: 2 h to 24 h at 5 minutes, 265 rows).
    let rows = fs::read_to_string(out.join("timeseries.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(rows, 265);
    assert!(dom.contains(&format!("data-points=\"{rows}\"")));
    let hover = text_of(&dom, "data-hover=\"", "\"");
    assert!(
        hover.starts_with("Mon 13:00: IT power ")
            && hover.contains(" kW (always-on ")
            && hover.contains(" hosts on, CPU demand "),
        "the read-out at the middle of 02:00-24:00: {hover}"
    );
    // Dragging from a quarter to half the width zooms to 02:00 + 22 h × [0.25, 0.5].
    let zoomed = text_of(&dom, "data-zoomed=\"", "\"");
    let (lo, hi) = zoomed.split_once('-').unwrap();
    let (lo, hi): (f64, f64) = (lo.parse().unwrap(), hi.parse().unwrap());
    assert!(
        (lo - 7.5).abs() < 0.05 && (hi - 13.0).abs() < 0.05,
        "zoomed to {zoomed}"
    );

    // The PDF.
    let o = Command::new(env!("CARGO_BIN_EXE_nightshift"))
        .args(["report", "-q", "--pdf"])
        .arg(&out)
        .env("NIGHTSHIFT_CHROMIUM", &browser)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = out.join("report.pdf");
    let (Some(pdfinfo), Some(pdftotext)) = (poppler("pdfinfo"), poppler("pdftotext")) else {
        return;
    };
    let info = Command::new(pdfinfo).arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    assert!(info.contains(" pts (A4)"), "A4 pages: {info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Page 1: the first paragraph, the caveats and the headline table; 2: the host classes,
    // the assumptions and the time series; 3 to 5: the four charts, two of them short enough
    // to share a page; the closed appendix last.
    assert_eq!(pages, PDF_PAGES, "{info}");
    let page_text: Vec<String> = (1..=pages)
        .map(|p| {
            let o = Command::new(&pdftotext)
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(&pdf)
                .arg("-")
                .output()
                .unwrap();
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    for (i, text) in page_text.iter().enumerate() {
        assert!(
            text.contains(&format!("Page {} of {pages}", i + 1)),
            "page {} is numbered: {text}",
            i + 1
        );
    }
    // Each chart's takeaway (above it) and caption (below it) are on one page, and the same
    // one: the figure is not cut.
    let figures: Vec<(String, String)> = html
        .split("<figure class=\"chart\"")
        .skip(1)
        .map(|f| {
            let takeaway = text_of(f, "<p class=\"takeaway\">", "</p>");
            let caption = text_of(f, "<figcaption>", "(<a");
            (takeaway, caption)
        })
        .collect();
    assert_eq!(figures.len(), 4);
    for (takeaway, caption) in &figures {
        let on = |needle: &str| -> Vec<usize> {
            let words: String = needle.chars().take(40).collect();
            (0..pages)
                .filter(|&p| page_text[p].contains(words.trim()))
                .collect()
        };
        let (top, bottom) = (on(takeaway), on(caption));
        assert_eq!(top.len(), 1, "{takeaway:?} on pages {top:?}");
        assert_eq!(
            top, bottom,
            "{takeaway:?} begins and ends on different pages"
        );
    }
}

/// The page count of the caveats run's PDF (see the test above for what each page holds).
const PDF_PAGES: usize = 6;

/// `report --pdf` without a browser to print with fails with status 1 (the input is fine,
/// the machine lacks a program), says what to install, and writes nothing: report.html is
/// as it was and there is no report.pdf.
#[test]
fn report_pdf_without_chromium_fails_cleanly() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("run");
    let scenario = work.path().join("caveats.toml");
    fs::write(&scenario, CAVEATS).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nightshift"))
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args([
            "-q",
            "--no-charts",
            "--no-baseline",
            "--set",
            "simulation.duration=6h",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = fs::read(out.join("report.html")).unwrap();
    let missing = work.path().join("no-such-chromium");
    let o = Command::new(env!("CARGO_BIN_EXE_nightshift"))
        .args(["report", "--pdf"])
        .arg(&out)
        .env("NIGHTSHIFT_CHROMIUM", &missing)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!(
            "error: NIGHTSHIFT_CHROMIUM names {}, which is not a file",
            missing.display()
        )),
        "{err}"
    );
    assert!(!out.join("report.pdf").exists());
    assert_eq!(fs::read(out.join("report.html")).unwrap(), before);
}
