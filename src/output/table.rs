//! One writer for every table a run writes: a table declares its columns once, with their
//! types, and hands its rows over as cells; the same rows go to CSV, to Parquet or to both
//! (`--format`), so the two files always hold the same values.
//!
//! CSV text is what the `csv` crate writes for the same values ([`CsvLine`]); Parquet files
//! are written with the `parquet` crate's column writers (no Arrow), snappy-compressed, one
//! row group per [`ROW_GROUP`] rows.

use super::csv_line::CsvLine;
use super::timestamp::push_iso;
use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

/// Which files a table is written to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// `NAME.csv` only (the default).
    #[default]
    Csv,
    /// `NAME.parquet` only.
    Parquet,
    /// Both, with the same values.
    Both,
}

impl Format {
    fn csv(self) -> bool {
        self != Format::Parquet
    }
    fn parquet(self) -> bool {
        self != Format::Csv
    }
}

/// The type of a column's values, the same in both formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (Parquet INT64).
    Int,
    /// A float (Parquet DOUBLE).
    Float,
    /// Text (Parquet UTF-8 string).
    Text,
    /// `true` or `false` (Parquet BOOLEAN).
    Bool,
    /// An instant, milliseconds since 1970-01-01 UTC: ISO 8601 text in CSV
    /// (`2026-01-05T00:05:00Z`), a UTC TIMESTAMP(MILLIS) in Parquet.
    Timestamp,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name (a plain identifier).
    pub name: String,
    /// Its values' type.
    pub kind: Kind,
    /// Whether a row may leave it empty (CSV: an empty field; Parquet: null).
    pub nullable: bool,
}

impl Column {
    /// A column that every row fills.
    pub fn new(name: impl Into<String>, kind: Kind) -> Self {
        Column {
            name: name.into(),
            kind,
            nullable: false,
        }
    }

    /// A column that a row may leave empty.
    pub fn nullable(name: impl Into<String>, kind: Kind) -> Self {
        Column {
            nullable: true,
            ..Column::new(name, kind)
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// For [`Kind::Int`].
    Int(u64),
    /// For [`Kind::Float`].
    Float(f64),
    /// For [`Kind::Text`].
    Text(&'a str),
    /// For [`Kind::Bool`].
    Bool(bool),
    /// For [`Kind::Timestamp`]: milliseconds since 1970-01-01 UTC.
    Timestamp(i64),
    /// Nothing, in a nullable column.
    Null,
}

/// Rows buffered per Parquet row group: a few MB for the widest tables.
const ROW_GROUP: usize = 1 << 16;

/// Writes one table to `NAME.csv`, `NAME.parquet` or both.
pub struct TableWriter {
    columns: Vec<Column>,
    csv: Option<(BufWriter<File>, CsvLine)>,
    parquet: Option<ParquetTable>,
}

impl TableWriter {
    /// Creates the table's files in `dir`: `csv_name` (a name ending in `.csv` from
    /// [`super::files`]) and its `.parquet` twin, as `format` says; the CSV header is written
    /// at once, so a table with no rows still names its columns.
    pub fn create(
        dir: &Path,
        csv_name: &str,
        columns: Vec<Column>,
        format: Format,
    ) -> io::Result<Self> {
        let csv = if format.csv() {
            let mut file = BufWriter::with_capacity(1 << 16, File::create(dir.join(csv_name))?);
            let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
            writeln!(file, "{}", names.join(","))?;
            Some((file, CsvLine::default()))
        } else {
            None
        };
        let parquet = if format.parquet() {
            let path = dir.join(super::files::parquet_name(csv_name));
            Some(ParquetTable::create(&path, &columns)?)
        } else {
            None
        };
        Ok(TableWriter {
            columns,
            csv,
            parquet,
        })
    }

    /// The table's columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Writes one row: one cell per column, in order, of the column's kind (or `Null` in a
    /// nullable column).
    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        debug_assert_eq!(cells.len(), self.columns.len(), "one cell per column");
        if let Some((file, line)) = &mut self.csv {
            let mut text = String::new();
            for cell in cells {
                match *cell {
                    Cell::Int(v) => line.uint(v),
                    Cell::Float(v) => line.float(v),
                    Cell::Text(s) => line.text(s),
                    Cell::Bool(b) => line.text(if b { "true" } else { "false" }),
                    Cell::Timestamp(ms) => {
                        text.clear();
                        push_iso(&mut text, ms);
                        line.text(&text)
                    }
                    Cell::Null => line.empty(),
                };
            }
            line.write_to(file)?;
        }
        if let Some(p) = &mut self.parquet {
            p.push(cells)?;
        }
        Ok(())
    }

    /// Flushes the CSV file and completes the Parquet file.
    pub fn finish(self) -> io::Result<()> {
        if let Some((mut file, _)) = self.csv {
            file.flush()?;
        }
        if let Some(p) = self.parquet {
            p.finish()?;
        }
        Ok(())
    }
}

/// A Parquet error as an I/O error (a full disk stays `StorageFull`).
fn parquet_error(e: parquet::errors::ParquetError) -> io::Error {
    match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other),
        },
        other => io::Error::other(other),
    }
}

/// One column's values of the row group being built.
enum Values {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Text(Vec<ByteArray>),
    Bool(Vec<bool>),
}

/// A Parquet file being written: the current row group's values, column by column, with the
/// definition levels of nullable columns (1 = a value, 0 = null).
struct ParquetTable {
    writer: SerializedFileWriter<BufWriter<File>>,
    values: Vec<Values>,
    levels: Vec<Option<Vec<i16>>>,
    rows: usize,
}

impl ParquetTable {
    fn create(path: &Path, columns: &[Column]) -> io::Result<Self> {
        let fields = columns
            .iter()
            .map(|c| {
                let (physical, logical) = match c.kind {
                    Kind::Int => (Physical::INT64, None),
                    Kind::Float => (Physical::DOUBLE, None),
                    Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                    Kind::Bool => (Physical::BOOLEAN, None),
                    Kind::Timestamp => (
                        Physical::INT64,
                        Some(LogicalType::timestamp(true, TimeUnit::MILLIS)),
                    ),
                };
                let repetition = if c.nullable {
                    Repetition::OPTIONAL
                } else {
                    Repetition::REQUIRED
                };
                Type::primitive_type_builder(&c.name, physical)
                    .with_repetition(repetition)
                    .with_logical_type(logical)
                    .build()
                    .map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(parquet_error)?;
        let schema = Type::group_type_builder("nightshift")
            .with_fields(fields)
            .build()
            .map_err(parquet_error)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("nightshift {}", env!("CARGO_PKG_VERSION")))
            .build();
        let file = BufWriter::with_capacity(1 << 16, File::create(path)?);
        let writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(properties))
            .map_err(parquet_error)?;
        let values = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Int | Kind::Timestamp => Values::Int(Vec::new()),
                Kind::Float => Values::Float(Vec::new()),
                Kind::Text => Values::Text(Vec::new()),
                Kind::Bool => Values::Bool(Vec::new()),
            })
            .collect();
        let levels = columns.iter().map(|c| c.nullable.then(Vec::new)).collect();
        Ok(ParquetTable {
            writer,
            values,
            levels,
            rows: 0,
        })
    }

    fn push(&mut self, cells: &[Cell]) -> io::Result<()> {
        for ((cell, values), levels) in cells.iter().zip(&mut self.values).zip(&mut self.levels) {
            let present = !matches!(cell, Cell::Null);
            if let Some(levels) = levels {
                levels.push(i16::from(present));
            }
            match (values, *cell) {
                (_, Cell::Null) => {}
                (Values::Int(v), Cell::Int(x)) => v.push(x as i64),
                (Values::Int(v), Cell::Timestamp(x)) => v.push(x),
                (Values::Float(v), Cell::Float(x)) => v.push(x),
                (Values::Text(v), Cell::Text(x)) => v.push(ByteArray::from(x.as_bytes().to_vec())),
                (Values::Bool(v), Cell::Bool(x)) => v.push(x),
                (_, other) => {
                    return Err(io::Error::other(format!(
                        "a {other:?} cell does not fit its column's type"
                    )));
                }
            }
        }
        self.rows += 1;
        if self.rows == ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as a row group.
    fn flush(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group().map_err(parquet_error)?;
        for (values, levels) in self.values.iter_mut().zip(&mut self.levels) {
            let mut column = group
                .next_column()
                .map_err(parquet_error)?
                .ok_or_else(|| io::Error::other("fewer Parquet columns than declared"))?;
            let defs = levels.as_deref();
            let written = match values {
                Values::Int(v) => column.typed::<Int64Type>().write_batch(v, defs, None),
                Values::Float(v) => column.typed::<DoubleType>().write_batch(v, defs, None),
                Values::Text(v) => column.typed::<ByteArrayType>().write_batch(v, defs, None),
                Values::Bool(v) => column.typed::<BoolType>().write_batch(v, defs, None),
            };
            written.map_err(parquet_error)?;
            column.close().map_err(parquet_error)?;
            match values {
                Values::Int(v) => v.clear(),
                Values::Float(v) => v.clear(),
                Values::Text(v) => v.clear(),
                Values::Bool(v) => v.clear(),
            }
            if let Some(levels) = levels {
                levels.clear();
            }
        }
        group.close().map_err(parquet_error)?;
        self.rows = 0;
        Ok(())
    }

    fn finish(mut self) -> io::Result<()> {
        self.flush()?;
        self.writer.close().map_err(parquet_error)?;
        Ok(())
    }
}
