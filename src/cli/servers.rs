//! `nightshift servers`: the library of published SPECpower_ssj2008 curves that a host class
//! names with `power = { server = "NAME" }`, as a table or as JSON.

use super::json::{self, ServersResult};
use super::{CliError, say};
use crate::model::servers::{self, Server};
use clap::Args;

/// Arguments of `servers`.
#[derive(Debug, Args)]
pub struct ServersArgs {
    /// Print the library as one line of JSON (every field of every entry, the eleven watt
    /// values and the result's address included) instead of the table.
    #[arg(long)]
    json: bool,
}

/// Prints the library: one row per server, by date.
pub fn servers(args: ServersArgs) -> Result<(), CliError> {
    let library = servers::library();
    if args.json {
        return json::print(&ServersResult::new(library));
    }
    say(&table(library))
}

/// The text table: name, idle and full-load watts, the date of the result, what it is, and
/// where it was published.
fn table(library: &[Server]) -> String {
    let width = library
        .iter()
        .map(|s| s.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:<width$}  {:>7}  {:>7}  {:<10}  SERVER\n",
        "NAME", "IDLE W", "100% W", "DATE"
    );
    for s in library {
        let mut what = format!("{} {}", s.vendor, s.model);
        if !s.cpu.is_empty() {
            what.push_str(&format!(", {}", s.cpu));
        }
        if s.cores > 0 {
            what.push_str(&format!(", {} cores", s.cores));
        }
        out.push_str(&format!(
            "{:<width$}  {:>7}  {:>7}  {:<10}  {what}\n{:<width$}  {}\n",
            s.name, s.watts[0], s.watts[10], s.date, "", s.url
        ));
    }
    out.push_str(&format!(
        "{} servers, each an 11-point SPECpower_ssj2008 curve (active idle, 10 % ... 100 %): write power = {{ server = \"NAME\" }} in [[hosts]]; --json gives every value\n",
        library.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_and_an_address_per_server() {
        let text = table(servers::library());
        assert!(text.starts_with("NAME"), "{text}");
        // Two lines per server, a header and a footer.
        assert_eq!(text.lines().count(), 2 * servers::library().len() + 2);
        let r740 = text
            .lines()
            .find(|l| l.starts_with("dell-r740-xeon-8280 "))
            .unwrap();
        assert!(r740.contains("49.8") && r740.contains("432"), "{r740}");
        assert!(r740.contains("Intel Xeon Platinum 8280"), "{r740}");
    }
}
