//! The parser's messages in the user's words: the key a TOML error is at, and serde's and the
//! TOML reader's wording with the names of Rust types (`PowerModelSpec`, `u32`) replaced by
//! what the field takes, and overlong numbers and texts cut short.

use crate::quote::{EXCERPT_CHARS, short};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The most characters of a parser message shown (a message quoting a whole line is cut).
const MAX_MESSAGE_CHARS: usize = 400;

/// Rust names in serde's and toml's messages, and what to say instead.
const WORDS: &[(&str, &str)] = &[
    (
        "internally tagged enum PowerModelSpec",
        "a power model, like { model = \"linear\", idle_w = 100, max_w = 200 }, { model = \"specpower\", watts = [...] } or { server = \"NAME\" } (`nightshift servers` lists the names)",
    ),
    (
        "internally tagged enum LoadCurveSpec",
        "a load curve with a shape, like shape = \"constant\" and level = 0.5",
    ),
    (
        "internally tagged enum NoiseSpec",
        "a noise table, like { distribution = \"normal\", sd = 0.05 }",
    ),
    (
        "internally tagged enum LifetimeDistributionSpec",
        "a lifetime distribution, like { distribution = \"exponential\", mean = \"2h\" }",
    ),
    (
        "wanted string or table",
        "expected a name in quotes, like \"realistic\"",
    ),
    (
        "cannot recurse further; max recursion depth met",
        "values nested too deeply (arrays or tables inside one another); no scenario field nests more than two levels",
    ),
    (
        "u64 value was too large",
        "the number is too large (TOML integers go up to 9223372036854775807)",
    ),
    (
        "expected u32",
        "expected a whole number from 0 to 4294967295",
    ),
    (
        "expected u64",
        "expected a whole number from 0 to 18446744073709551615",
    ),
    (
        "expected i32",
        "expected a whole number from -2147483648 to 2147483647",
    ),
    ("expected f64", "expected a number"),
    ("expected a boolean", "expected true or false"),
    (
        "expected a sequence",
        "expected a list in brackets, like [1, 2]",
    ),
    ("expected a map", "expected a table"),
];

/// `message` from the TOML reader or serde, in the user's words and at most
/// [`MAX_MESSAGE_CHARS`] long.
pub(super) fn tidy(message: &str) -> String {
    let mut text = message.trim().to_string();
    for (rust, user) in WORDS {
        text = text.replace(rust, user);
    }
    // "expected struct Simulation": any struct of the format is a table.
    while let Some(i) = text.find("expected struct ") {
        let end = text[i + 16..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(text.len(), |e| i + 16 + e);
        text.replace_range(i..end, "expected a table");
    }
    let text = shorten_numbers(&text);
    if text.chars().count() > MAX_MESSAGE_CHARS {
        let head: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
        format!("{head}...")
    } else {
        text
    }
}

/// Replaces each run of digits longer than a number a person writes (`1e308` echoed as 309
/// digits) by its short form.
fn shorten_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = run
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(run.len());
        let number = &run[..end];
        match number.parse::<f64>() {
            Ok(v) if number.len() > EXCERPT_CHARS / 2 => out.push_str(&short(v)),
            _ => out.push_str(number),
        }
        rest = &run[end..];
    }
    out.push_str(rest);
    out
}

/// The dotted key path (`hosts[0].power`) of the innermost value of the TOML `text` whose
/// span contains byte `pos`, if the text parses.
pub(super) fn key_at(text: &str, pos: usize) -> Option<String> {
    let root = DeTable::parse(text).ok()?;
    let mut best: Option<(usize, String)> = None;
    visit_table(root.get_ref(), "", pos, &mut best);
    best.map(|(_, key)| key)
}

/// Records in `best` the narrowest value of `table` (at path `prefix`) whose span holds `pos`.
fn visit_table(table: &DeTable<'_>, prefix: &str, pos: usize, best: &mut Option<(usize, String)>) {
    for (name, value) in table {
        let path = if prefix.is_empty() {
            name.get_ref().to_string()
        } else {
            format!("{prefix}.{}", name.get_ref())
        };
        visit_value(value, path, pos, best);
    }
}

fn visit_value(
    value: &Spanned<DeValue<'_>>,
    path: String,
    pos: usize,
    best: &mut Option<(usize, String)>,
) {
    let span = value.span();
    if span.contains(&pos) && best.as_ref().is_none_or(|(w, _)| span.len() <= *w) {
        *best = Some((span.len(), path.clone()));
    }
    match value.get_ref() {
        DeValue::Table(t) => visit_table(t, &path, pos, best),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                visit_value(item, format!("{path}[{i}]"), pos, best);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names_become_what_the_field_takes() {
        let m = tidy("invalid type: integer `5`, expected internally tagged enum PowerModelSpec");
        assert!(m.contains("expected a power model, like"), "{m}");
        assert_eq!(
            tidy("invalid type: string \"x\", expected struct Simulation"),
            "invalid type: string \"x\", expected a table"
        );
        assert_eq!(
            tidy("invalid type: floating point `-1.5`, expected u32"),
            "invalid type: floating point `-1.5`, expected a whole number from 0 to 4294967295"
        );
    }

    #[test]
    fn numbers_of_hundreds_of_digits_are_quoted_short() {
        let long = format!("invalid type: floating point `1{}.0`", "0".repeat(308));
        assert_eq!(tidy(&long), "invalid type: floating point `1.000e308`");
        assert_eq!(tidy("line 12, 0.25 and 300"), "line 12, 0.25 and 300");
    }

    #[test]
    fn the_key_of_a_position_is_the_innermost_value_there() {
        let text = "[simulation]\nname = \"x\"\n[[hosts]]\ncount = 2\npower = { model = 5 }\n";
        let pos = text.find("5 }").unwrap();
        assert_eq!(key_at(text, pos).as_deref(), Some("hosts[0].power.model"));
        let pos = text.find("\"x\"").unwrap();
        assert_eq!(key_at(text, pos).as_deref(), Some("simulation.name"));
    }
}
