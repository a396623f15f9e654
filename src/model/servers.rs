//! The library of real server power curves: published SPECpower_ssj2008 results, eleven points
//! each, that a scenario names instead of typing watts (`power = { server = "..." }`).
//!
//! The table is `servers/specpower.toml`, compiled into the binary so users need no extra
//! file, and parsed once on first use. docs/scenario.md says how to add a server.

use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The library's text, as bundled.
const LIBRARY_TOML: &str = include_str!("servers/specpower.toml");

/// Most close matches an unknown name's message lists.
const MAX_SUGGESTIONS: usize = 5;

/// One published SPECpower_ssj2008 result.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// What a scenario writes: lower case letters, digits and dashes.
    pub name: String,
    /// Who makes it.
    pub vendor: String,
    /// The vendor's model name.
    pub model: String,
    /// Processor as the source names it; empty when the source does not say.
    pub cpu: String,
    /// Physical cores of the whole server; 0 when the source does not say.
    pub cores: u32,
    /// The date in the result's file name (`power_ssj2008-YYYYMMDD-NNNNN`), `YYYY-MM-DD`.
    pub date: String,
    /// The published result.
    pub url: String,
    /// Where the eleven values were read.
    pub read_in: String,
    /// Average active power, W, at active idle and at 10 %, 20 %, ..., 100 % target load.
    pub watts: [f64; 11],
}

/// The file's shape: `[[server]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LibraryFile {
    server: Vec<Server>,
}

/// Every server of the library, in the file's order (by date).
pub fn library() -> &'static [Server] {
    static LIBRARY: LazyLock<Vec<Server>> = LazyLock::new(|| {
        toml::from_str::<LibraryFile>(LIBRARY_TOML)
            .map(|f| f.server)
            // The file is part of the source and a unit test parses it: failing here is a
            // build defect, not bad input.
            .unwrap_or_else(|e| panic!("the bundled servers/specpower.toml is invalid: {e}"))
    });
    &LIBRARY
}

/// The server called `name` (exactly as listed).
pub fn find(name: &str) -> Option<&'static Server> {
    library().iter().find(|s| s.name == name)
}

/// Up to [`MAX_SUGGESTIONS`] library names close to `name`, closest first: names that contain
/// it (or that it contains, ignoring case), then names within a few edits of it.
pub fn close_matches(name: &str) -> Vec<&'static str> {
    let wanted = name.trim().to_lowercase();
    let mut scored: Vec<(usize, &'static str)> = library()
        .iter()
        .filter_map(|s| {
            let candidate = s.name.as_str();
            let score = if !wanted.is_empty()
                && (candidate.contains(&wanted) || wanted.contains(candidate))
            {
                0
            } else {
                edit_distance(&wanted, candidate)
            };
            (score <= (wanted.chars().count() / 3).max(3)).then_some((score, candidate))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, n)| n)
        .collect()
}

/// Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_complete_and_plausible() {
        let servers = library();
        // 21 results were found with all eleven values and a result address (docs/scenario.md).
        assert_eq!(servers.len(), 21);
        let mut names = std::collections::BTreeSet::new();
        for s in servers {
            assert!(names.insert(&s.name), "{} is listed twice", s.name);
            assert!(
                s.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: names are lower case letters, digits and dashes",
                s.name
            );
            assert!(!s.vendor.is_empty() && !s.model.is_empty(), "{}", s.name);
            assert!(
                !s.read_in.is_empty(),
                "{}: say where the values were read",
                s.name
            );
            assert!(
                s.url
                    .starts_with("https://www.spec.org/power_ssj2008/results/res"),
                "{}: {}",
                s.name,
                s.url
            );
            // The date is the one in the result's file name.
            let stamp = s.date.replace('-', "");
            assert!(
                s.url.contains(&format!("power_ssj2008-{stamp}-")),
                "{}: date {} is not the result's",
                s.name,
                s.date
            );
            // The last decade, as the library promises.
            assert!(s.date.as_str() >= "2016-01-01", "{}: {}", s.name, s.date);
            for pair in s.watts.windows(2) {
                assert!(
                    pair[0] <= pair[1],
                    "{}: the curve dips: {:?}",
                    s.name,
                    s.watts
                );
            }
            assert!(s.watts[0] > 0.0 && s.watts[10] < 50_000.0, "{}", s.name);
        }
        // Sorted by date, as the file says.
        assert!(servers.windows(2).all(|p| p[0].date <= p[1].date));
    }

    #[test]
    fn a_name_is_found_exactly() {
        let s = find("dell-r740-xeon-8280").unwrap();
        // The result's summary: 49.8 W at active idle, 432 W at 100 %.
        assert_eq!(s.watts[0], 49.8);
        assert_eq!(s.watts[10], 432.0);
        assert!(find("Dell-R740-Xeon-8280").is_none(), "names are exact");
    }

    #[test]
    fn close_matches_put_containing_names_first_then_typos() {
        // "r740" is part of two names.
        assert_eq!(
            close_matches("r740"),
            vec!["dell-r740-2017", "dell-r740-xeon-8280"]
        );
        // One letter wrong, any case.
        assert_eq!(close_matches("HPE-ML30-GEN12"), vec!["hpe-ml30-gen11"]);
        assert!(close_matches("a-mainframe-from-1970").is_empty());
    }

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
