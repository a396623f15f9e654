//! How messages quote what a user wrote: a number in at most a dozen characters, a text in
//! at most [`EXCERPT_CHARS`], so an error never echoes 309 digits or a 20 MB line.

/// A number as messages quote it: as written when short, else in scientific notation, so a
/// `1e308` is echoed in 6 characters, not 309 digits.
pub fn short(v: f64) -> String {
    let plain = format!("{v}");
    if plain.len() <= 12 {
        plain
    } else {
        format!("{v:.3e}")
    }
}

/// The most characters of a user's text a message quotes.
pub const EXCERPT_CHARS: usize = 40;

/// A user's text as messages quote it: in quotes, cut after [`EXCERPT_CHARS`] characters with
/// the full length given, so a 20 MB line is not echoed whole.
pub fn excerpt(text: &str) -> String {
    let count = text.chars().count();
    if count <= EXCERPT_CHARS {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(EXCERPT_CHARS).collect();
        format!("{head:?}... ({count} characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_texts_are_quoted_short() {
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(1e308), "1.000e308");
        assert_eq!(excerpt("abc"), "\"abc\"");
        let long = "x".repeat(20_000_000);
        let quoted = excerpt(&long);
        assert!(quoted.ends_with("... (20000000 characters)"), "{quoted}");
        assert!(quoted.len() < 80, "{quoted}");
    }
}
