//! Team requests through the binary: waiting for a host to boot, requests.csv and the
//! scheduling metrics in summary.json.

mod common;
use common::*;

/// Two 4-core hosts; one 4-vCPU VM fills the first. The second host is empty, so the power
/// policy switches it off at time 0 (1 s shutdown). Each request asks for one 4-vCPU VM:
/// nothing fits, the second host boots (150 s), and the VM starts when it is on.
const BOOT_WAIT: &str = r#"
version = 1

[simulation]
name = "boot-wait"
seed = 7
duration = "1d"
control_interval = "5m"

[[hosts]]
class = "node"
count = 2
cores = 4
ram = "16 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
states = { boot_time = "150s", shutdown_time = "1s" }

[[vm_types]]
name = "full"
vcpus = 4
ram = "8 GB"

[[vms]]
name = "resident"
type = "full"
count = 1
load = "half"

[loads.half]
shape = "constant"
level = 0.5

[[teams]]
name = "alpha"
day_rate = 0.2
night_rate = 0.2
batch_min = 1
batch_max = 1
types = ["full"]
load = "half"
lifetime = "20m"

[policy.consolidation]
enabled = false

[policy.power]
name = "spare-capacity"
headroom = 0.0
min_hosts_on = 1
"#;

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_request_that_needs_a_host_to_boot_waits_exactly_the_boot_time() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "boot-wait.toml", BOOT_WAIT);
    let out = dir.path().join("out");
    run_ok(&scenario, &out, &["--no-baseline"]);

    let requests = out.join("requests.csv");
    let (header, rows) = read_csv(&requests);
    assert_eq!(
        header,
        [
            "id",
            "team",
            "submitted_s",
            "vms",
            "started",
            "response_s",
            "waiting_s",
            "turnaround_s"
        ]
    );
    assert!(!rows.is_empty(), "at 0.2 per hour a day has requests");
    let first = &rows[0];
    let submitted: f64 = first[2].parse().unwrap();
    assert!(submitted > 1.0, "the second host is off by then");
    assert_eq!((first[3].as_str(), first[4].as_str()), ("1", "1"));
    // Response and waiting: the 150 s boot. Turnaround: boot + the 20 min lifetime.
    assert_eq!(first[5].parse::<f64>().unwrap(), 150.0, "response_s");
    assert_eq!(first[6].parse::<f64>().unwrap(), 150.0, "waiting_s");
    assert_eq!(
        first[7].parse::<f64>().unwrap(),
        150.0 + 1200.0,
        "turnaround_s"
    );

    // The shortfall is logged at the submission time, and a host booted.
    let kinds = text_column(&out.join("conflicts.csv"), "kind");
    let times = text_column(&out.join("conflicts.csv"), "time_s");
    assert!(
        kinds
            .iter()
            .zip(&times)
            .any(|(k, t)| k == "capacity-shortfall" && t.parse::<f64>().unwrap() == submitted),
        "{kinds:?} {times:?}"
    );
    let s = summary(&out);
    assert!(s["hosts"]["boots"].as_u64().unwrap() >= 1);
    let r = &s["requests"];
    assert_eq!(r["count"].as_u64().unwrap() as usize, rows.len());
    assert!(r["queued"].as_u64().unwrap() >= 1);
    assert!(r["max_waiting_s"].as_f64().unwrap() >= 150.0);
    // One VM started per request: throughput = requests / 24 h.
    let started = r["vms_started"].as_f64().unwrap();
    assert_eq!(
        r["throughput_vms_per_hour"].as_f64().unwrap(),
        started / 24.0
    );
    assert_eq!(
        r["fairness_jain"].as_f64().unwrap(),
        1.0,
        "a single team is fair to itself"
    );
    assert_eq!(
        r["by_team"]["alpha"]["requests"].as_u64().unwrap() as usize,
        rows.len()
    );
}

#[test]
fn requests_are_reproducible_and_depend_on_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "boot-wait.toml", BOOT_WAIT);
    let read = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        run_ok(&scenario, &out, extra);
        std::fs::read_to_string(out.join("requests.csv")).unwrap()
    };
    let a = read("a", &[]);
    assert_eq!(a, read("b", &[]), "same seed, same requests");
    assert_ne!(
        a,
        read("c", &["--seed", "8"]),
        "another seed, other requests"
    );
}

#[test]
fn fairness_compares_the_teams_mean_waits() {
    // Two teams compete for the one host that boots on demand; the summary's fairness is
    // Jain's index of their mean waits, (a + b)^2 / (2 (a^2 + b^2)), between 1/2 and 1.
    let text = BOOT_WAIT.replace(
        "[policy.consolidation]",
        r#"[[teams]]
name = "beta"
day_rate = 0.3
night_rate = 0.3
batch_min = 1
batch_max = 1
types = ["full"]
load = "half"
lifetime = { distribution = "exponential", mean = "40m" }

[policy.consolidation]"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "two.toml", &text);
    let out = dir.path().join("out");
    run_ok(&scenario, &out, &["--no-baseline"]);
    let r = &summary(&out)["requests"];
    let a = r["by_team"]["alpha"]["mean_waiting_s"].as_f64().unwrap();
    let b = r["by_team"]["beta"]["mean_waiting_s"].as_f64().unwrap();
    let jain = if a == 0.0 && b == 0.0 {
        1.0
    } else {
        (a + b).powi(2) / (2.0 * (a * a + b * b))
    };
    assert!((r["fairness_jain"].as_f64().unwrap() - jain).abs() < 1e-12);
    assert!((0.5..=1.0).contains(&jain));
    let teams = text_column(&out.join("requests.csv"), "team");
    assert!(teams.iter().any(|t| t == "alpha") && teams.iter().any(|t| t == "beta"));
}

#[test]
fn traces_requests_and_services_together_give_byte_identical_outputs() {
    // A trace group, a team and an autoscaled service in one scenario, run twice.
    let text = BOOT_WAIT
        .replace("count = 2\ncores = 4", "count = 6\ncores = 4")
        .replace(
            "[policy.consolidation]",
            &format!(
                r#"[traces.day]
format = "csv"
path = "{}"

[[vms]]
name = "replayed"
trace = "day"
type = "full"

[loads.wave]
shape = "sinusoid"
trough = 0.1
peak = 0.9
noise = {{ distribution = "normal", sd = 0.05 }}

[[services]]
name = "svc"
type = "full"
load = "wave"
max_replicas = 3
scaling = "autoscale"

[policy.consolidation]"#,
                root()
                    .join("traces/csv-example/bitbrains-first-day.csv")
                    .display()
            ),
        );
    let dir = tempfile::tempdir().unwrap();
    let scenario = write(dir.path(), "all.toml", &text);
    let outs: Vec<_> = ["a", "b"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            run_ok(&scenario, &out, &[]);
            out
        })
        .collect();
    let mut files: Vec<String> = std::fs::read_dir(&outs[0])
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.contains(&"requests.csv".to_string()), "{files:?}");
    for f in &files {
        let a = std::fs::read(outs[0].join(f)).unwrap();
        let b = std::fs::read(outs[1].join(f)).unwrap();
        assert!(a == b, "{f} differs between two runs");
    }
    let s = summary(&outs[0]);
    assert_eq!(s["services"]["svc"]["scaling"], "autoscale");
    assert!(s["requests"]["count"].as_u64().unwrap() > 0);
}
