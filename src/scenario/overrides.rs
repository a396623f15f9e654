//! `--set KEY=VALUE` overrides: replace any scenario value by its dotted path.
//!
//! Paths use dots and array indices: `policy.power.headroom=0.3`, `hosts.0.count=10` or
//! `hosts[0].count=10`. Values are TOML (`0.3`, `true`, `"pabfd"`, `[1, 2]`); a value that is
//! not valid TOML is taken as a string, so `--set policy.power.name=always-on` works. An empty
//! value (`--set policy.consolidation.overload_param=`) removes the key, so its default applies
//! (how `nightshift compare` resets a detector's parameter when it switches detectors).

use toml::{Table, Value};

/// Applies one `KEY=VALUE` override to a parsed scenario table.
pub fn apply_override(root: &mut Table, assignment: &str) -> Result<(), String> {
    let (key, raw) = assignment
        .split_once('=')
        .ok_or_else(|| "expected KEY=VALUE, e.g. policy.power.headroom=0.3".to_string())?;
    let key = key.trim();
    let parts: Vec<String> = key
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .map(str::to_string)
        .collect();
    if parts.iter().any(String::is_empty) {
        return Err(format!(
            "malformed key {key:?}: use names separated by dots, e.g. hosts.0.count"
        ));
    }
    let mut node = Value::Table(std::mem::take(root));
    let raw = raw.trim();
    let result = if raw.is_empty() {
        remove_path(&mut node, &parts, key)
    } else {
        set_path(&mut node, &parts, parse_value(raw), key)
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

/// Removes the key at `path`; a path that does not exist is already at its default.
fn remove_path(node: &mut Value, path: &[String], key: &str) -> Result<(), String> {
    let (head, rest) = path.split_first().expect("paths are never empty");
    match node {
        Value::Table(t) if rest.is_empty() => {
            t.remove(head);
            Ok(())
        }
        Value::Table(t) => match t.get_mut(head) {
            Some(child) => remove_path(child, rest, key),
            None => Ok(()),
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
        apply_override(&mut t, "policy.name=").unwrap();
        assert!(t["policy"].as_table().unwrap().get("name").is_none());
        apply_override(&mut t, "policy.consolidation.overload_param=").unwrap();
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
        assert!(
            apply_override(&mut t, "hosts..count=1")
                .unwrap_err()
                .contains("malformed key")
        );
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
