//! `--set KEY=VALUE` overrides: replace any scenario value by its dotted path.
//!
//! Paths use dots and array indices: `policy.power.headroom=0.3`, `hosts.0.count=10` or
//! `hosts[0].count=10`. Values are TOML (`0.3`, `true`, `"pabfd"`, `[1, 2]`); a value that is
//! not valid TOML is taken as a string, so `--set policy.power.name=always-on` works. An empty
//! value (`--set policy.consolidation.overload_param=`) removes the key, so its default applies
//! (how `nightshift compare` resets a detector's parameter when it switches detectors); the
//! caller checks that a key removed where the scenario did not set it is a field of the
//! format ([`Applied::Absent`]), so a typo (`policy.power.headrom=`) is not a silent no-op.

use crate::quote::excerpt;
use toml::{Table, Value};

/// What an override did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Set a value, or removed a key the scenario had.
    Done,
    /// Asked to remove a key the scenario does not set: nothing changed. The path is given so
    /// the caller can check that it names a field of the format.
    Absent(Vec<String>),
}

/// Splits a key (`hosts.0.count`, `hosts[0].count`, `loads.day-night.peak`) into its parts:
/// names of letters, digits, `_` and `-`, and array indices, either as a dotted number or in
/// closed brackets after a name.
fn key_parts(key: &str) -> Result<Vec<String>, String> {
    let bad = |why: &str| {
        format!(
            "malformed key {}: {why}; use names separated by dots, with array indices as hosts.0.count or hosts[0].count",
            excerpt(key)
        )
    };
    if key.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut parts = Vec::new();
    for segment in key.split('.') {
        let (name, mut indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if name.is_empty() {
            return Err(bad("a name is missing"));
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(bad(&format!(
                "{} may hold only letters, digits, '_' and '-'",
                excerpt(name)
            )));
        }
        parts.push(name.to_string());
        while !indices.is_empty() {
            let close = indices
                .find(']')
                .ok_or_else(|| bad("a '[' is not closed"))?;
            let index = &indices[1..close];
            if index.is_empty() || !index.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad("an index in brackets must be a number"));
            }
            parts.push(index.to_string());
            indices = &indices[close + 1..];
            if !indices.is_empty() && !indices.starts_with('[') {
                return Err(bad("a ']' must end its segment or be followed by '['"));
            }
        }
    }
    Ok(parts)
}

/// Applies one `KEY=VALUE` override to a parsed scenario table.
pub fn apply_override(root: &mut Table, assignment: &str) -> Result<Applied, String> {
    let (key, raw) = assignment
        .split_once('=')
        .ok_or_else(|| "expected KEY=VALUE, e.g. policy.power.headroom=0.3".to_string())?;
    let key = key.trim();
    let parts = key_parts(key)?;
    let mut node = Value::Table(std::mem::take(root));
    let raw = raw.trim();
    let result = if raw.is_empty() {
        remove_path(&mut node, &parts, key).map(|removed| {
            if removed {
                Applied::Done
            } else {
                Applied::Absent(parts.clone())
            }
        })
    } else {
        set_path(&mut node, &parts, parse_value(raw), key).map(|()| Applied::Done)
    };
    if let Value::Table(t) = node {
        *root = t;
    }
    result
}

/// A TOML value, or the raw text as a string if it is not one.
fn parse_value(raw: &str) -> Value {
    toml::from_str::<Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

fn set_path(node: &mut Value, path: &[String], value: Value, key: &str) -> Result<(), String> {
    let (head, rest) = path.split_first().expect("paths are never empty");
    let child = match node {
        Value::Table(t) if rest.is_empty() => {
            t.insert(head.clone(), value);
            return Ok(());
        }
        Value::Table(t) => t
            .entry(head.clone())
            .or_insert_with(|| Value::Table(Table::new())),
        Value::Array(a) => {
            let len = a.len();
            let i: usize = head.parse().map_err(|_| {
                format!("{key}: expected an array index 0..{len} where {head:?} is")
            })?;
            let slot = a.get_mut(i).ok_or_else(|| {
                format!("{key}: index {i} is out of range; the array has {len} entries")
            })?;
            if rest.is_empty() {
                *slot = value;
                return Ok(());
            }
            slot
        }
        other => {
            return Err(format!(
                "{key}: {head:?} is inside a {}, which has no fields",
                other.type_str()
            ));
        }
    };
    set_path(child, rest, value, key)
}

/// Removes the key at `path`; whether it was there (a path that is not is already at its
/// default, if it names a field at all).
fn remove_path(node: &mut Value, path: &[String], key: &str) -> Result<bool, String> {
    let (head, rest) = path.split_first().expect("paths are never empty");
    match node {
        Value::Table(t) if rest.is_empty() => Ok(t.remove(head).is_some()),
        Value::Table(t) => match t.get_mut(head) {
            Some(child) => remove_path(child, rest, key),
            None => Ok(false),
        },
        Value::Array(a) if !rest.is_empty() => {
            let len = a.len();
            let i: usize = head.parse().map_err(|_| {
                format!("{key}: expected an array index 0..{len} where {head:?} is")
            })?;
            match a.get_mut(i) {
                Some(child) => remove_path(child, rest, key),
                None => Err(format!(
                    "{key}: index {i} is out of range; the array has {len} entries"
                )),
            }
        }
        Value::Array(_) => Err(format!(
            "{key}: an empty value removes a key, but array entries cannot be removed"
        )),
        other => Err(format!(
            "{key}: {head:?} is inside a {}, which has no fields",
            other.type_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        toml::from_str("a = 1\n[[hosts]]\ncount = 2\n[policy]\nname = \"x\"\n").unwrap()
    }

    #[test]
    fn sets_nested_and_indexed_values() {
        let mut t = table();
        apply_override(&mut t, "hosts[0].count=5").unwrap();
        apply_override(&mut t, "policy.name=always-on").unwrap();
        apply_override(&mut t, "policy.power.headroom=0.3").unwrap();
        assert_eq!(t["hosts"][0]["count"].as_integer(), Some(5));
        assert_eq!(t["policy"]["name"].as_str(), Some("always-on"));
        assert_eq!(t["policy"]["power"]["headroom"].as_float(), Some(0.3));
    }

    /// `KEY=` removes the key (its default then applies); removing what is not there is a
    /// no-op that creates nothing; array entries cannot be removed.
    #[test]
    fn empty_value_removes_the_key() {
        let mut t = table();
        assert_eq!(apply_override(&mut t, "policy.name="), Ok(Applied::Done));
        assert!(t["policy"].as_table().unwrap().get("name").is_none());
        assert_eq!(
            apply_override(&mut t, "policy.consolidation.overload_param="),
            Ok(Applied::Absent(vec![
                "policy".into(),
                "consolidation".into(),
                "overload_param".into()
            ]))
        );
        assert!(
            t["policy"]
                .as_table()
                .unwrap()
                .get("consolidation")
                .is_none()
        );
        apply_override(&mut t, "hosts.0.count= ").unwrap();
        assert!(t["hosts"][0].as_table().unwrap().is_empty());
        assert!(
            apply_override(&mut t, "hosts.0=")
                .unwrap_err()
                .contains("cannot be removed")
        );
    }

    #[test]
    fn malformed_overrides_are_explained() {
        let mut t = table();
        assert!(
            apply_override(&mut t, "no-equals")
                .unwrap_err()
                .contains("KEY=VALUE")
        );
        for key in [
            "hosts..count",
            "hosts[0.count",
            "hosts[x].count",
            "hosts[0]x.count",
            "hosts.0].count",
            ".a",
            "a b",
            "",
        ] {
            let e = apply_override(&mut t, &format!("{key}=1")).unwrap_err();
            assert!(e.contains("malformed key"), "{key}: {e}");
        }
        apply_override(&mut t, "hosts[0].count=3").unwrap();
        assert_eq!(t["hosts"][0]["count"].as_integer(), Some(3));
        assert!(
            apply_override(&mut t, "hosts.3.count=1")
                .unwrap_err()
                .contains("out of range")
        );
        assert!(
            apply_override(&mut t, "hosts.x.count=1")
                .unwrap_err()
                .contains("array index")
        );
        assert!(
            apply_override(&mut t, "a.b=1")
                .unwrap_err()
                .contains("no fields")
        );
        assert_eq!(
            t["a"].as_integer(),
            Some(1),
            "a failed override leaves the table intact"
        );
    }
}
