//! `scenario.toml` in an output folder: the scenario file as run, verbatim, under a comment
//! header that says where it came from and which overrides were applied, so the folder
//! documents itself and the run can be repeated (`nightshift run scenario.toml` plus the
//! listed `--set` options).

/// First line of the header.
const HEADER: &str = "# nightshift: copy of ";

/// The copy: header (source and overrides) followed by the original text.
pub fn scenario_copy(origin: &str, overrides: &[String], text: &str) -> String {
    let mut out = format!("{HEADER}{origin} as run");
    if overrides.is_empty() {
        out.push_str(" (no overrides)\n");
    } else {
        out.push_str(", with:\n");
        for o in overrides {
            out.push_str("#   --set ");
            out.push_str(&o.replace('\n', " "));
            out.push('\n');
        }
    }
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The original text of a copy (the copy itself if it has no header).
pub fn strip_copy_header(copy: &str) -> &str {
    if !copy.starts_with(HEADER) {
        return copy;
    }
    let mut rest = copy.split_once('\n').map_or("", |(_, r)| r);
    while rest.starts_with("#   --set ") {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header lists each override; stripping it gives back the original text exactly.
    #[test]
    fn copy_header_round_trips() {
        let text = "# my scenario\nversion = 1\n";
        let copy = scenario_copy(
            "scenarios/a.toml",
            &[
                "simulation.seed=7".into(),
                "policy.power.headroom=0.3".into(),
            ],
            text,
        );
        assert_eq!(
            copy,
            "# nightshift: copy of scenarios/a.toml as run, with:\n#   --set simulation.seed=7\n\
             #   --set policy.power.headroom=0.3\n# my scenario\nversion = 1\n"
        );
        assert_eq!(strip_copy_header(&copy), text);
        let plain = scenario_copy("a.toml", &[], text);
        assert!(plain.starts_with("# nightshift: copy of a.toml as run (no overrides)\n"));
        assert_eq!(strip_copy_header(&plain), text);
        assert_eq!(strip_copy_header(text), text);
    }
}
