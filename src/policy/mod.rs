//! Policies: small, pure, swappable decision units chosen by name in the scenario.
//!
//! Each family has a trait and a registry table. Adding a policy is one type implementing the
//! trait plus one row in its family's table; the scenario validator, the docs listing and the
//! simulator all read the same table.

pub mod dpm;
pub mod forecast;
pub mod overload;
pub mod placement;
pub mod power;
pub mod selection;
pub mod stats;
pub mod window;

/// One row of a policy registry: the name used in scenarios, a one-line description, and how to
/// build the policy from its optional parameter and a seed.
pub struct Entry<T: ?Sized> {
    /// Name in scenario files.
    pub name: &'static str,
    /// One-line description for errors and docs.
    pub summary: &'static str,
    /// Builds the policy from `(parameter, seed)`.
    pub build: fn(Option<f64>, u64) -> Box<T>,
}

/// Finds `name` in a registry.
pub fn lookup<'a, T: ?Sized>(table: &'a [Entry<T>], name: &str) -> Option<&'a Entry<T>> {
    table.iter().find(|e| e.name == name)
}

/// The valid names of a registry, for error messages: `"a", "b" or "c"`.
pub fn names<T: ?Sized>(table: &[Entry<T>]) -> String {
    let quoted: Vec<String> = table.iter().map(|e| format!("\"{}\"", e.name)).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
