//! The tables of a run folder, column by column with their types, and each row of the
//! simulation turned into cells for [`TableWriter`]. With `simulation.start`, every time
//! column gets an absolute companion (`time_s` -> `timestamp`, `start_s` ->
//! `start_timestamp`, ...) right after it.
//!
//! The cell functions take their rows apart field by field without `..`, so a field added to
//! a row fails to compile here until its column is added.

use super::table::{Cell, Column, Kind};
use super::timestamp::at;
use crate::sim::records::{
    CarbonRow, ConflictRow, FailureColumns, FailureRow, HostRow, IntervalRow, MemoryRow,
    MigrationRow, RackRow, RequestRow,
};

/// A column of a table: its name, type and whether a row may leave it empty.
type Spec = (&'static str, Kind, bool);

/// The columns of a table, with a timestamp companion after each of `timed` (the time
/// columns, `NAME_s` -> `NAME_timestamp`, `time_s` -> `timestamp`) when `start` is set.
fn columns(specs: &[Spec], timed: &[&str], start: bool) -> Vec<Column> {
    let mut out = Vec::with_capacity(specs.len() + timed.len());
    for &(name, kind, nullable) in specs {
        out.push(Column {
            name: name.to_string(),
            kind,
            nullable,
        });
        if start && timed.contains(&name) {
            out.push(Column {
                name: timestamp_name(name),
                kind: Kind::Timestamp,
                nullable,
            });
        }
    }
    out
}

/// `time_s` -> `timestamp`, `start_s` -> `start_timestamp`.
fn timestamp_name(time_column: &str) -> String {
    match time_column.strip_suffix("_s") {
        Some("time") | None => "timestamp".to_string(),
        Some(stem) => format!("{stem}_timestamp"),
    }
}

/// A time cell and, with a start, its timestamp.
fn push_time(out: &mut Vec<Cell<'_>>, time_s: f64, start: Option<i64>) {
    out.push(Cell::Float(time_s));
    if let Some(start) = start {
        out.push(Cell::Timestamp(at(start, time_s)));
    }
}

const INT: Kind = Kind::Int;
const FLOAT: Kind = Kind::Float;
const TEXT: Kind = Kind::Text;

/// `timeseries.csv` (and `baseline_timeseries.csv`): the fields of [`IntervalRow`].
const TIMESERIES: &[Spec] = &[
    ("time_s", FLOAT, false),
    ("hosts_on", INT, false),
    ("hosts_booting", INT, false),
    ("hosts_shutting_down", INT, false),
    ("hosts_off", INT, false),
    ("vms_running", INT, false),
    ("vms_waiting", INT, false),
    ("demand_mips", FLOAT, false),
    ("capacity_on_mips", FLOAT, false),
    ("power_w", FLOAT, false),
    ("energy_kwh", FLOAT, false),
    ("cost", FLOAT, false),
    ("price_per_kwh", FLOAT, false),
    ("migrations_in_flight", INT, false),
    ("migrations_started", INT, false),
    ("hosts_sleeping", INT, false),
    ("migrations_queued", INT, false),
    ("migration_traffic_gb", FLOAT, false),
    ("migration_peak_gbit_s", FLOAT, false),
    ("hosts_needed", INT, false),
    ("unserved_core_h", FLOAT, false),
    ("hosts_above", INT, false),
    ("hosts_lower_bound", INT, false),
];

/// Columns of `timeseries.csv`.
pub fn timeseries_columns(start: bool, carbon: bool, failures: bool) -> Vec<Column> {
    let mut out = columns(TIMESERIES, &["time_s"], start);
    if carbon {
        out.extend(columns(CARBON, &[], false));
    }
    if failures {
        out.extend(columns(FAILURE_COLUMNS, &[], false));
    }
    out
}

/// The memory columns `timeseries.csv` ends with (after the rack ones, if any).
pub fn memory_columns() -> Vec<Column> {
    columns(MEMORY, &[], false)
}

/// The columns `timeseries.csv` ends with when the scenario has failures: the fields of
/// [`FailureColumns`].
const FAILURE_COLUMNS: &[Spec] = &[("hosts_failed", INT, false), ("vms_down", INT, false)];

/// `failures.csv`: the fields of [`FailureRow`].
const FAILURES: &[Spec] = &[
    ("time_s", FLOAT, false),
    ("event", TEXT, false),
    ("host", INT, false),
    ("vm", INT, true),
    ("downtime_s", FLOAT, true),
];

/// Columns of `failures.csv`.
pub fn failure_columns(start: bool) -> Vec<Column> {
    columns(FAILURES, &["time_s"], start)
}

/// Cells of a `failures.csv` row.
pub fn failure_cells<'a>(row: &'a FailureRow, start: Option<i64>, out: &mut Vec<Cell<'a>>) {
    let FailureRow {
        time_s,
        event,
        host,
        vm,
        downtime_s,
    } = *row;
    push_time(out, time_s, start);
    out.extend([
        Cell::Text(event),
        Cell::Int(host as u64),
        vm.map_or(Cell::Null, |v| Cell::Int(v as u64)),
        downtime_s.map_or(Cell::Null, Cell::Float),
    ]);
}

/// The columns `timeseries.csv` ends with when the scenario models memory (a memory curve or
/// an over-commit ratio): the fields of [`MemoryRow`].
const MEMORY: &[Spec] = &[
    ("ram_demand_gb", FLOAT, false),
    ("ram_overflow_gb", FLOAT, false),
    ("hosts_ram_pressure", INT, false),
];

/// The columns `timeseries.csv` ends with when the scenario sets `[carbon]`: the fields of
/// [`CarbonRow`].
const CARBON: &[Spec] = &[
    ("intensity_g_per_kwh", FLOAT, false),
    ("carbon_kg", FLOAT, false),
];

/// The columns `timeseries.csv` ends with when the scenario sets `[racks]` (after the carbon
/// columns, if any): the fields of [`RackRow`].
pub fn rack_columns() -> Vec<Column> {
    columns(RACKS, &[], false)
}

/// The rack columns' names and types.
const RACKS: &[Spec] = &[("racks_on", INT, false), ("switch_w", FLOAT, false)];

/// Cells of a `timeseries.csv` row.
pub fn interval_cells<'a>(row: &'a IntervalRow, start: Option<i64>, out: &mut Vec<Cell<'a>>) {
    let IntervalRow {
        time_s,
        hosts_on,
        hosts_booting,
        hosts_shutting_down,
        hosts_off,
        vms_running,
        vms_waiting,
        demand_mips,
        capacity_on_mips,
        power_w,
        energy_kwh,
        cost,
        price_per_kwh,
        migrations_in_flight,
        migrations_started,
        hosts_sleeping,
        migrations_queued,
        migration_traffic_gb,
        migration_peak_gbit_s,
        hosts_needed,
        unserved_core_h,
        hosts_above,
        hosts_lower_bound,
        carbon,
        failures,
        racks,
        memory,
    } = *row;
    let n = |v: usize| Cell::Int(v as u64);
    push_time(out, time_s, start);
    out.extend([
        n(hosts_on),
        n(hosts_booting),
        n(hosts_shutting_down),
        n(hosts_off),
        n(vms_running),
        n(vms_waiting),
        Cell::Float(demand_mips),
        Cell::Float(capacity_on_mips),
        Cell::Float(power_w),
        Cell::Float(energy_kwh),
        Cell::Float(cost),
        Cell::Float(price_per_kwh),
        n(migrations_in_flight),
        n(migrations_started),
        n(hosts_sleeping),
        n(migrations_queued),
        Cell::Float(migration_traffic_gb),
        Cell::Float(migration_peak_gbit_s),
        n(hosts_needed),
        Cell::Float(unserved_core_h),
        n(hosts_above),
        n(hosts_lower_bound),
    ]);
    if let Some(CarbonRow {
        intensity_g_per_kwh,
        carbon_kg,
    }) = carbon
    {
        out.extend([Cell::Float(intensity_g_per_kwh), Cell::Float(carbon_kg)]);
    }
    if let Some(FailureColumns {
        hosts_failed,
        vms_down,
    }) = failures
    {
        out.extend([Cell::Int(hosts_failed as u64), Cell::Int(vms_down as u64)]);
    }
    if let Some(RackRow { racks_on, switch_w }) = racks {
        out.extend([n(racks_on), Cell::Float(switch_w)]);
    }
    if let Some(MemoryRow {
        ram_demand_gb,
        ram_overflow_gb,
        hosts_ram_pressure,
    }) = memory
    {
        out.extend([
            Cell::Float(ram_demand_gb),
            Cell::Float(ram_overflow_gb),
            n(hosts_ram_pressure),
        ]);
    }
}

/// `migrations.csv`: the fields of [`MigrationRow`].
const MIGRATIONS: &[Spec] = &[
    ("id", INT, false),
    ("vm", INT, false),
    ("source", INT, false),
    ("destination", INT, false),
    ("start_s", FLOAT, false),
    ("end_s", FLOAT, false),
    ("duration_s", FLOAT, false),
    ("data_mb", FLOAT, false),
    ("outcome", TEXT, false),
    ("wait_s", FLOAT, false),
    ("rounds", INT, false),
    ("downtime_s", FLOAT, false),
];

/// Columns of `migrations.csv`.
pub fn migration_columns(start: bool) -> Vec<Column> {
    columns(MIGRATIONS, &["start_s", "end_s"], start)
}

/// Cells of a `migrations.csv` row.
pub fn migration_cells<'a>(row: &'a MigrationRow, start: Option<i64>, out: &mut Vec<Cell<'a>>) {
    let MigrationRow {
        id,
        vm,
        source,
        destination,
        start_s,
        end_s,
        duration_s,
        data_mb,
        outcome,
        wait_s,
        rounds,
        downtime_s,
    } = *row;
    let n = |v: usize| Cell::Int(v as u64);
    out.extend([n(id), n(vm), n(source), n(destination)]);
    push_time(out, start_s, start);
    push_time(out, end_s, start);
    out.extend([
        Cell::Float(duration_s),
        Cell::Float(data_mb),
        Cell::Text(outcome),
        Cell::Float(wait_s),
        Cell::Int(u64::from(rounds)),
        Cell::Float(downtime_s),
    ]);
}

/// `conflicts.csv`: the fields of [`ConflictRow`].
const CONFLICTS: &[Spec] = &[
    ("time_s", FLOAT, false),
    ("kind", TEXT, false),
    ("vm", INT, true),
    ("host", INT, true),
    ("destination", INT, true),
    ("action", TEXT, false),
];

/// Columns of `conflicts.csv`.
pub fn conflict_columns(start: bool) -> Vec<Column> {
    columns(CONFLICTS, &["time_s"], start)
}

/// Cells of a `conflicts.csv` row.
pub fn conflict_cells<'a>(row: &'a ConflictRow, start: Option<i64>, out: &mut Vec<Cell<'a>>) {
    let ConflictRow {
        time_s,
        kind,
        vm,
        host,
        destination,
        action,
    } = *row;
    let id = |v: Option<usize>| v.map_or(Cell::Null, |v| Cell::Int(v as u64));
    push_time(out, time_s, start);
    out.extend([
        Cell::Text(kind),
        id(vm),
        id(host),
        id(destination),
        Cell::Text(action),
    ]);
}

/// `hosts.csv`: the fields of [`HostRow`].
const HOSTS: &[Spec] = &[
    ("host", INT, false),
    ("class", TEXT, false),
    ("on_hours", FLOAT, false),
    ("overload_hours", FLOAT, false),
    ("mean_utilisation", FLOAT, false),
    ("boots", INT, false),
    ("shutdowns", INT, false),
    ("migrations_in", INT, false),
    ("migrations_out", INT, false),
    ("it_kwh", FLOAT, false),
    ("idle_kwh", FLOAT, false),
    ("dynamic_kwh", FLOAT, false),
    ("migration_kwh", FLOAT, false),
    ("transition_kwh", FLOAT, false),
    ("standby_kwh", FLOAT, false),
    ("cost", FLOAT, false),
    ("sleeps", INT, false),
    ("wakes", INT, false),
    ("hours_above", FLOAT, false),
];

/// Columns of `hosts.csv`.
pub fn host_columns() -> Vec<Column> {
    columns(HOSTS, &[], false)
}

/// Cells of a `hosts.csv` row.
pub fn host_cells<'a>(row: &'a HostRow, out: &mut Vec<Cell<'a>>) {
    let HostRow {
        host,
        ref class,
        on_hours,
        overload_hours,
        mean_utilisation,
        boots,
        shutdowns,
        migrations_in,
        migrations_out,
        it_kwh,
        idle_kwh,
        dynamic_kwh,
        migration_kwh,
        transition_kwh,
        standby_kwh,
        cost,
        sleeps,
        wakes,
        hours_above,
    } = *row;
    let n = |v: u32| Cell::Int(u64::from(v));
    out.extend([
        Cell::Int(host as u64),
        Cell::Text(class),
        Cell::Float(on_hours),
        Cell::Float(overload_hours),
        Cell::Float(mean_utilisation),
        n(boots),
        n(shutdowns),
        n(migrations_in),
        n(migrations_out),
        Cell::Float(it_kwh),
        Cell::Float(idle_kwh),
        Cell::Float(dynamic_kwh),
        Cell::Float(migration_kwh),
        Cell::Float(transition_kwh),
        Cell::Float(standby_kwh),
        Cell::Float(cost),
        n(sleeps),
        n(wakes),
        Cell::Float(hours_above),
    ]);
}

/// `requests.csv`: the fields of [`RequestRow`].
const REQUESTS: &[Spec] = &[
    ("id", INT, false),
    ("team", TEXT, false),
    ("submitted_s", FLOAT, false),
    ("vms", INT, false),
    ("started", INT, false),
    ("response_s", FLOAT, true),
    ("waiting_s", FLOAT, true),
    ("turnaround_s", FLOAT, true),
];

/// Columns of `requests.csv`.
pub fn request_columns(start: bool) -> Vec<Column> {
    columns(REQUESTS, &["submitted_s"], start)
}

/// Cells of a `requests.csv` row.
pub fn request_cells<'a>(row: &'a RequestRow, start: Option<i64>, out: &mut Vec<Cell<'a>>) {
    let RequestRow {
        id,
        ref team,
        submitted_s,
        vms,
        started,
        response_s,
        waiting_s,
        turnaround_s,
    } = *row;
    let span = |v: Option<f64>| v.map_or(Cell::Null, Cell::Float);
    out.extend([Cell::Int(id as u64), Cell::Text(team)]);
    push_time(out, submitted_s, start);
    out.extend([
        Cell::Int(u64::from(vms)),
        Cell::Int(u64::from(started)),
        span(response_s),
        span(waiting_s),
        span(turnaround_s),
    ]);
}

/// `host_utilisation.csv`: one row per host on at a control tick.
const UTILISATION: &[Spec] = &[
    ("time_s", FLOAT, false),
    ("host", INT, false),
    ("utilisation", FLOAT, false),
];

/// Columns of `host_utilisation.csv`.
pub fn utilisation_columns(start: bool) -> Vec<Column> {
    columns(UTILISATION, &["time_s"], start)
}

/// Cells of a `host_utilisation.csv` row, in a fixed array (one row per host on at every
/// tick: the table with the most rows), and how many of them are used: `utilisation` is
/// rounded to three decimals (a thousandth of a host's capacity is far below what any chart
/// or decision reads).
pub fn utilisation_cells(
    time_s: f64,
    host: usize,
    utilisation: f64,
    start: Option<i64>,
) -> ([Cell<'static>; 4], usize) {
    let host = Cell::Int(host as u64);
    let utilisation = Cell::Float(thousandths(utilisation));
    match start {
        Some(start) => (
            [
                Cell::Float(time_s),
                Cell::Timestamp(at(start, time_s)),
                host,
                utilisation,
            ],
            4,
        ),
        None => ([Cell::Float(time_s), host, utilisation, Cell::Null], 3),
    }
}

/// `v` rounded to three decimals, half away from zero; -0 becomes 0.
fn thousandths(v: f64) -> f64 {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}
