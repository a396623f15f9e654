//! Issue 23 item 4: the deployment recipes fit together as written: the Kubernetes Jobs run
//! the image the Dockerfile builds, and the sweep they name is in that image.

mod common;

use common::root;
use std::fs;

fn read(path: &str) -> String {
    fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The value of the first `key: value` line (YAML written one key a line, as the recipes are).
fn yaml_value<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key}: in {text}"))
        .trim()
}

/// The Dockerfile says how to build it (`docker build -t NAME .`) and both Jobs run NAME; the
/// sweep Job's sweep file is one the image copies in (sweeps/ under /work).
#[test]
fn the_kubernetes_jobs_run_the_image_the_dockerfile_builds() {
    let dockerfile = read("Dockerfile");
    let tag = dockerfile
        .lines()
        .find_map(|l| l.split("docker build -t ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the Dockerfile says how to build it");
    for job in ["sweep-job.yaml", "merge-job.yaml"] {
        let text = read(&format!("deploy/kubernetes/{job}"));
        assert_eq!(yaml_value(&text, "image"), tag, "{job}");
    }
    assert!(
        dockerfile.contains("cp -r scenarios sweeps /image/work/")
            && dockerfile.contains("/image/work /work"),
        "the image holds scenarios/ and sweeps/ under /work"
    );
    let sweep_job = read("deploy/kubernetes/sweep-job.yaml");
    let sweep = sweep_job
        .split('"')
        .find_map(|s| s.strip_prefix("/work/"))
        .expect("the sweep Job names a file under /work");
    assert!(
        root().join(sweep).is_file(),
        "{sweep} is not in the repository"
    );
}

/// The Indexed Job's shard count is said three times; they must agree or shards are lost.
#[test]
fn the_sweep_job_counts_its_shards_once() {
    let text = read("deploy/kubernetes/sweep-job.yaml");
    let shards = text
        .split("name: NIGHTSHIFT_SHARDS")
        .nth(1)
        .map(|rest| yaml_value(rest, "value").trim_matches('"'))
        .expect("NIGHTSHIFT_SHARDS is set");
    assert_eq!(yaml_value(&text, "completions"), shards);
    assert_eq!(yaml_value(&text, "parallelism"), shards);
}
