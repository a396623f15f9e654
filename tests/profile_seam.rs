//! The profile seam holds (issue 17): outside `src/sim/profile/`, no code in `src/sim` asks
//! whether a run follows the `cloudsim` profile or touches its state; what differs between
//! the profiles is reached through the hooks and rules of `src/sim/profile/mod.rs`.

mod common;

use std::path::Path;

/// Code (comments dropped) that would name the `cloudsim` profile's state, its methods or
/// its variant.
const FORBIDDEN: [&str; 5] = [".cloudsim", "cs_", "::Cloudsim", "cloudsim::", "Cloudsim {"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/sim is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_cloudsim_branch_outside_the_profile_module() {
    let sim = common::root().join("src/sim");
    let mut files = Vec::new();
    rust_files(&sim, &mut files);
    files.sort();
    // The profile's own module, and the compiled scenario, which names the profile the user
    // chose (its owner is the scenario's compiler, not the engine).
    let allowed = [sim.join("profile"), sim.join("setup.rs")];
    let mut found = Vec::new();
    for file in files
        .iter()
        .filter(|f| !allowed.iter().any(|a| f.starts_with(a)))
    {
        let text = std::fs::read_to_string(file).expect("a source file is readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if FORBIDDEN.iter().any(|f| code.contains(f)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    // Today every such branch sits in src/sim/profile/; a new one elsewhere should be a hook.
    assert!(
        found.is_empty(),
        "cloudsim outside the profile module:\n{}",
        found.join("\n")
    );
    // The check looks where it should: the profile module itself does name its state.
    let profile = std::fs::read_to_string(sim.join("profile/mod.rs")).unwrap();
    assert!(profile.contains("ProfileRun::Cloudsim"));
}
