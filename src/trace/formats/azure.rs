//! The Azure Public Dataset V2 (2019) readings: `timestamp,vm_id,min_cpu,max_cpu,avg_cpu`,
//! timestamp in seconds from the trace start, CPU in percent; a VM's rows may be spread over
//! several files. nightshift replays `avg_cpu`. The published files have no header; the
//! extracts in `traces/azure-2019/` have one: both are read.
//!
//! A metadata file (`*metadata*.csv`, e.g. `deep_study_vms_metadata.csv`) in the same folder
//! gives each VM's category and core and memory buckets, usable to map VMs onto VM types.

use super::long_csv::{Layout, scan_readings};
use crate::trace::files::{io_error, is_csv, list, shown};
use crate::trace::{TraceError, TraceFormat, TraceIndex};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// The Azure 2019 format, for the registry ([`super::FORMATS`]).
#[derive(Debug, Clone, Copy)]
pub struct Azure;

impl TraceFormat for Azure {
    fn name(&self) -> &'static str {
        "azure"
    }

    fn summary(&self) -> &'static str {
        "a folder of Azure 2019 readings files (`timestamp,vm_id,min_cpu,max_cpu,avg_cpu`) and an optional metadata file"
    }

    fn has_timestamps(&self) -> bool {
        true
    }

    fn scan(&self, path: &Path, _interval_ms: Option<u64>) -> Result<TraceIndex, TraceError> {
        let is_metadata = |name: &str| name.to_ascii_lowercase().contains("metadata");
        let (metadata_files, readings): (Vec<_>, Vec<_>) = list(path, &is_csv)?
            .into_iter()
            .partition(|(name, _)| is_metadata(name));
        let readings = readings.into_iter().map(|(_, p)| p).collect();
        let mut index = scan_readings(path, self.name(), READINGS, readings)?;
        for (_, m) in &metadata_files {
            let file = File::open(m).map_err(|e| io_error(m, e))?;
            let mut unused = 0;
            for meta in metadata(BufReader::new(file), &shown(m))? {
                // The VMs are in id order (bytes), as the scan sorts them.
                match index
                    .vms
                    .binary_search_by(|v| v.id.as_str().cmp(meta.vm.as_str()))
                {
                    Ok(i) => {
                        let vm = &mut index.vms[i];
                        vm.cores = meta.cores;
                        vm.memory_gb = meta.memory_gb;
                        vm.category = meta.category;
                    }
                    Err(_) => unused += 1,
                }
            }
            if unused > 0 {
                index.warnings.push(format!(
                    "{}: {unused} VMs listed have no readings: ignored",
                    shown(m)
                ));
            }
        }
        Ok(index)
    }
}

/// The readings layout.
pub const READINGS: Layout = Layout {
    time: "timestamp",
    vm: "vm_id",
    cpu: "avg_cpu",
    percent: &["min_cpu", "max_cpu"],
    headerless_order: Some(&["timestamp", "vm_id", "min_cpu", "max_cpu", "avg_cpu"]),
};

/// One VM's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// VM id.
    pub vm: String,
    /// `vm_category`: Interactive, Delay-insensitive or Unknown.
    pub category: Option<String>,
    /// `vm_virtual_core_count_bucket`.
    pub cores: Option<String>,
    /// `vm_memory_gb_bucket`.
    pub memory_gb: Option<String>,
}

/// Reads a metadata file: a header with at least `vm_id`; `vm_category`,
/// `vm_virtual_core_count_bucket` and `vm_memory_gb_bucket` are taken when present.
pub fn metadata<R: Read>(reader: R, origin: &str) -> Result<Vec<Metadata>, TraceError> {
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header = csv
        .headers()
        .map_err(|e| TraceError::file(origin, e.to_string()))?
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let vm = col("vm_id").ok_or_else(|| {
        TraceError::at(
            origin,
            1,
            None,
            "metadata header has no \"vm_id\" column".to_string(),
        )
    })?;
    let (category, cores, memory) = (
        col("vm_category"),
        col("vm_virtual_core_count_bucket"),
        col("vm_memory_gb_bucket"),
    );
    let mut out = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => TraceError::at(origin, p.line(), None, e.to_string()),
            None => TraceError::file(origin, e.to_string()),
        })?;
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        out.push(Metadata {
            vm: record.get(vm).unwrap_or("").to_string(),
            category: get(category),
            cores: get(cores),
            memory_gb: get(memory),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::long_csv::Rows;
    use super::*;

    #[test]
    fn readings_with_and_without_header_give_the_same_rows() {
        let with = "timestamp,vm_id,min_cpu,max_cpu,avg_cpu\n300,vmA,1.0,9.0,3.5863332518631985\n";
        let without = "300,vmA,1.0,9.0,3.5863332518631985\n";
        for (text, line) in [(with, 2), (without, 1)] {
            let mut rows = Rows::new(text.as_bytes(), "r.csv", READINGS).unwrap();
            let r = rows.next_row().unwrap().unwrap();
            assert_eq!(
                (r.time_ms, r.vm, r.cpu, r.line),
                (300_000, "vmA", 359, line)
            );
            assert!(rows.next_row().unwrap().is_none());
        }
    }

    #[test]
    fn min_and_max_are_validated_too() {
        let text = "timestamp,vm_id,min_cpu,max_cpu,avg_cpu\n0,a,1,101,50\n";
        let mut rows = Rows::new(text.as_bytes(), "r.csv", READINGS).unwrap();
        let e = rows.next_row().unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("max_cpu")));
    }

    #[test]
    fn metadata_gives_buckets_and_category() {
        let text = "vm_id,subscription_id,vm_category,vm_virtual_core_count_bucket,vm_memory_gb_bucket\nx,s,Interactive,2,4\ny,s,Unknown,8,\n";
        let m = metadata(text.as_bytes(), "m.csv").unwrap();
        assert_eq!(m[0].cores.as_deref(), Some("2"));
        assert_eq!(m[0].category.as_deref(), Some("Interactive"));
        assert_eq!(m[1].memory_gb, None);
        assert!(metadata("id\nx\n".as_bytes(), "m.csv").is_err());
    }
}
