//! `[traces.<name>]`: the recorded traces, in name order (their indexes), before they are
//! scanned; [`super::bind`] binds the scans.

use super::checks::Check;
use crate::scenario::error::FieldError;
use crate::scenario::file::{TraceMetricSpec, TraceSpec};
use crate::scenario::limits;
use crate::trace;
use crate::workload::replay::TraceSetup;
use std::collections::BTreeMap;

/// Compiles `[traces.<name>]` entries, in name order.
pub(super) fn compile(traces: &BTreeMap<String, TraceSpec>) -> Check<Vec<TraceSetup>> {
    traces
        .iter()
        .map(|(name, t)| compile_trace(name, t))
        .collect()
}

/// Compiles trace `name`.
fn compile_trace(name: &str, t: &TraceSpec) -> Check<TraceSetup> {
    let key = |f: &str| format!("traces.{name}.{f}");
    let format = trace::format(&t.format).ok_or_else(|| {
        FieldError::new(
            key("format"),
            format!(
                "unknown trace format \"{}\"; valid: {}",
                t.format,
                trace::formats::names()
            ),
        )
    })?;
    if t.path.trim().is_empty() {
        return Err(FieldError::new(
            key("path"),
            "must name the trace's folder or file",
        ));
    }
    limits::TRACE_SCALE.check(&key("scale"), t.scale)?;
    limits::check_duration(&key("shift"), t.shift, 0, limits::MAX_DURATION_MS)?;
    let interval = match t.interval {
        None => None,
        Some(_) if format.has_timestamps() => {
            return Err(FieldError::new(
                key("interval"),
                format!(
                    "only for planetlab traces: the {} format has timestamps, its interval is taken from the data",
                    format.name()
                ),
            ));
        }
        Some(d) => Some(limits::check_duration(
            &key("interval"),
            d,
            limits::MIN_INTERVAL_MS,
            limits::MAX_DURATION_MS,
        )?),
    };
    let memory = t.metric == TraceMetricSpec::Memory;
    if memory && !format.has_memory() {
        return Err(FieldError::new(
            key("metric"),
            format!(
                "the {} format has no memory column; formats with one: {}",
                format.name(),
                trace::formats::memory_names()
            ),
        ));
    }
    Ok(TraceSetup {
        memory,
        name: name.to_string(),
        format: format.name(),
        path: t.path.clone(),
        shift: t.shift.ms(),
        looped: t.looped,
        scale: t.scale,
        interval,
        grid: None,
    })
}
