//! `pip install nightshift` (issue 22 item 3): builds the wheel with maturin from this tree,
//! installs it in a fresh virtualenv with pandas and polars from PyPI, and runs
//! tests/python/check_package.py against it. Needs `python3` with `venv` and the package
//! registry: without them the test fails, it never skips.

use std::path::Path;
use std::process::Command;

fn ok(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_wheel_installs_in_a_clean_virtualenv_and_loads_every_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let venv = tmp.path().join("venv");
    ok(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv",
    );
    let bin = venv.join("bin");
    ok(
        Command::new(bin.join("pip")).args([
            "install",
            "-q",
            "maturin>=1.5,<2",
            "pandas>=2",
            "polars>=1",
        ]),
        "pip install maturin pandas polars",
    );
    // Its own target folder: this test runs inside `cargo test`, whose build folder may be
    // locked. A dev build is enough to check the package, and much faster than release.
    let wheels = tmp.path().join("wheels");
    ok(
        Command::new(bin.join("maturin"))
            .args(["build", "--profile", "dev", "--quiet", "-o"])
            .arg(&wheels)
            .current_dir(root)
            .env("CARGO_TARGET_DIR", root.join("target/python-wheel")),
        "maturin build",
    );
    let wheel = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .expect("maturin wrote a wheel");
    ok(
        Command::new(bin.join("pip"))
            .args(["install", "-q"])
            .arg(&wheel),
        "pip install the wheel",
    );
    let work = tmp.path().join("work");
    std::fs::create_dir(&work).unwrap();
    ok(
        Command::new(bin.join("python"))
            .arg(root.join("tests/python/check_package.py"))
            .arg(root)
            .arg(&work)
            .env_remove("NIGHTSHIFT_BIN"),
        "tests/python/check_package.py",
    );
}
