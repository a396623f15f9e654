//! `nightshift schema scenario|sweep|summary`: the JSON Schema of a file format, derived from
//! the very types serde reads (scenario and sweep files) or writes (`summary.json`), so it
//! cannot drift from the parser. `schemas/` ships these texts for editors (taplo, VS Code);
//! `tests/schema.rs` keeps the two equal.

use super::{CliError, say};
use crate::output::SummaryFile;
use crate::scenario::file::ScenarioSpec;
use crate::sweep::SweepFile;
use clap::{Args, ValueEnum};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use schemars::transform::ReplaceConstValue;

/// A file format with a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A scenario file (`nightshift run SCENARIO`).
    Scenario,
    /// A sweep file (`nightshift sweep SWEEP`).
    Sweep,
    /// A run's `summary.json`.
    Summary,
}

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The format whose schema to print.
    #[arg(value_enum)]
    format: Format,
}

/// Prints the JSON Schema of the chosen format.
pub fn schema(args: SchemaArgs) -> Result<(), CliError> {
    say(&text(args.format))
}

/// The schema of `format` as pretty-printed JSON ending in a newline: draft 7, with `const`
/// written as a one-value `enum` so that editors reading only draft 4 (taplo) understand it.
fn text(format: Format) -> String {
    let settings = SchemaSettings::draft07().with_transform(ReplaceConstValue::default());
    let (schema, title) = match format {
        Format::Scenario => (
            of::<ScenarioSpec>(settings.for_deserialize()),
            "nightshift scenario file",
        ),
        Format::Sweep => (
            of::<SweepFile>(settings.for_deserialize()),
            "nightshift sweep file",
        ),
        // What a run writes: every key it always writes is required.
        Format::Summary => (
            of::<SummaryFile>(settings.for_serialize()),
            "nightshift summary.json",
        ),
    };
    let mut schema = schema;
    schema.insert("title".into(), title.into());
    let mut json = serde_json::to_string_pretty(&schema).expect("a JSON value always serialises");
    json.push('\n');
    json
}

fn of<T: JsonSchema>(settings: SchemaSettings) -> schemars::Schema {
    settings.into_generator().into_root_schema_for::<T>()
}
