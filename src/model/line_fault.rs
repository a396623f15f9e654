//! A fault in a small CSV file a model reads (an intensity series, a failure trace): the
//! line, the column and what is wrong, for the pipeline to put after the file's name.

/// A fault at a line (1 = the header) and column of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFault {
    /// Line of the file (1 = the header).
    pub line: u64,
    /// The column at fault (empty when the fault is the file's shape).
    pub field: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl std::fmt::Display for LineFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(
                f,
                "line {}, column `{}`: {}",
                self.line, self.field, self.message
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fault names its column when it has one, else the line alone.
    #[test]
    fn names_the_line_and_the_column() {
        let at = |field: &str| LineFault {
            line: 3,
            field: field.to_string(),
            message: "bad".to_string(),
        };
        assert_eq!(at("start_s").to_string(), "line 3, column `start_s`: bad");
        assert_eq!(at("").to_string(), "line 3: bad");
    }
}
