//! The library of published server power curves: `power = { server = "NAME" }` in a scenario,
//! its message for a name it does not hold, and `nightshift servers`.

mod common;
use common::*;
use std::fs;

/// Two hosts of a library server, three VMs at half load, an hour.
fn scenario(power: &str) -> String {
    format!(
        r#"version = 1

[simulation]
name = "library"
duration = "1h"

[[hosts]]
class = "h"
count = 2
cores = 8
ram = "16 GB"
power = {power}

[[vm_types]]
name = "vm"
vcpus = 2
ram = "4 GB"

[[vms]]
type = "vm"
count = 3
load = "flat"

[loads.flat]
shape = "constant"
level = 0.5
"#
    )
}

/// Naming a server is the same as typing its eleven points: the Dell PowerEdge R740 result
/// of 2019-04-09 (49.8 W idle ... 432 W at 100 %) gives byte-identical numbers.
#[test]
fn a_library_server_runs_as_its_table_typed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let named = scenario(r#"{ server = "dell-r740-xeon-8280" }"#);
    let typed = scenario(
        r#"{ model = "specpower", watts = [49.8, 114, 137, 159, 182, 208, 240, 277, 319, 376, 432] }"#,
    );
    fs::write(tmp.path().join("named.toml"), named).unwrap();
    fs::write(tmp.path().join("typed.toml"), typed).unwrap();
    for (file, out) in [("named.toml", "a"), ("typed.toml", "b")] {
        let o = run_in(
            tmp.path(),
            &["run", file, "--out", out, "-q", "--no-charts"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for file in ["summary.json", "hosts.csv", "timeseries.csv"] {
        assert_eq!(
            fs::read(tmp.path().join("a").join(file)).unwrap(),
            fs::read(tmp.path().join("b").join(file)).unwrap(),
            "{file} differs"
        );
    }
}

/// A name the library does not hold is bad input: exit 2, the file, line and field, the names
/// that contain what was typed, and no output folder.
#[test]
fn an_unknown_server_lists_the_close_names() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("s.toml"),
        scenario(r#"{ server = "r740" }"#),
    )
    .unwrap();
    let o = run_in(tmp.path(), &["run", "s.toml", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("s.toml:12: hosts[0].power.server: no server \"r740\" in the library of 21 published SPECpower curves; close names: \"dell-r740-2017\", \"dell-r740-xeon-8280\""),
        "{err}"
    );
    assert!(!tmp.path().join("out").exists());
    // Other keys beside `server` are refused, saying a server is named alone.
    fs::write(
        tmp.path().join("s.toml"),
        scenario(r#"{ server = "dell-r740-xeon-8280", idle_w = 50 }"#),
    )
    .unwrap();
    let o = run_in(tmp.path(), &["validate", "s.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("unknown field `idle_w`, expected `server` (a library server is named alone"),
        "{}",
        stderr(&o)
    );
}

/// A power table without `model` says what `model` can be and that a server can be named
/// instead; a whole table given with `--set` switches a class to a library server.
#[test]
fn the_power_table_messages_and_set_know_the_library() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("s.toml"), scenario("{ idle_w = 50 }")).unwrap();
    let o = run_in(tmp.path(), &["validate", "s.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("s.toml:12:9: hosts[0].power: missing field `model` (\"linear\" or \"specpower\"; or name a library server: { server = \"NAME\" })"),
        "{}",
        stderr(&o)
    );
    fs::write(
        tmp.path().join("s.toml"),
        scenario(r#"{ model = "linear", idle_w = 100, max_w = 200 }"#),
    )
    .unwrap();
    let o = run_in(
        tmp.path(),
        &[
            "validate",
            "s.toml",
            "--set",
            r#"hosts.0.power={ server = "hpe-ml30-gen11" }"#,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `nightshift servers` lists the 21 bundled results; `--json` carries every value.
#[test]
fn the_servers_command_lists_the_library() {
    let o = nightshift().arg("servers").output().unwrap();
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("dell-r740-xeon-8280"), "{text}");
    assert!(
        text.trim_end().ends_with("--json gives every value"),
        "{text}"
    );
    let o = nightshift().args(["servers", "--json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v["servers"].as_array().unwrap();
    assert_eq!(list.len(), 21);
    assert!(
        list.iter()
            .all(|s| s["watts"].as_array().unwrap().len() == 11)
    );
    assert_eq!(list[0]["name"], "hpe-dl560-gen9");
}
