//! No import circles between modules: reads `src/**/*.rs` (no build), collects the edges that
//! `use crate::a::b`, `super::x` and inline `crate::a::...` paths make between the modules of
//! each [`LEVELS`] entry, and fails naming the cycle and the lines that make it. Test-only
//! code (`#[cfg(test)]` items and the files they declare) is left out: a test may use anything.
//!
//! To check the sub-modules of another folder, add a row to [`LEVELS`].

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A set of sibling modules whose imports must not go round in a circle.
struct Level {
    /// The parent module's path (`&[]` is the crate root, `&["scenario"]` is `src/scenario/`).
    parent: &'static [&'static str],
    /// Whether the parent's own file (`mod.rs`) is a node, named `mod`: true makes a child
    /// that uses an item defined in `mod.rs`, which uses the child, a cycle. At the crate root
    /// `lib.rs` only declares the modules, so it is not one.
    parent_is_node: bool,
}

/// The levels checked: the crate's top-level modules, and the modules inside `src/scenario/`,
/// `src/sim/`, `src/trace/`, `src/pipeline/`, `src/output/` and `src/chart/`.
const LEVELS: &[Level] = &[
    Level {
        parent: &[],
        parent_is_node: false,
    },
    Level {
        parent: &["scenario"],
        parent_is_node: true,
    },
    Level {
        parent: &["sim"],
        parent_is_node: false,
    },
    Level {
        parent: &["trace"],
        parent_is_node: false,
    },
    Level {
        parent: &["pipeline"],
        parent_is_node: false,
    },
    Level {
        parent: &["output"],
        parent_is_node: false,
    },
    Level {
        parent: &["chart"],
        parent_is_node: false,
    },
];

/// Where an edge comes from: the file and line of the path that makes it.
type Site = (PathBuf, usize);

#[test]
fn no_module_imports_itself_through_others() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = source_files(&root);
    let mut report = Vec::new();
    for level in LEVELS {
        let edges = level_edges(level, &files);
        let name = if level.parent.is_empty() {
            "crate".to_string()
        } else {
            level.parent.join("::")
        };
        for group in circles(&edges) {
            let mut text = format!(
                "import circle among the modules of {name}: {}; its edges:",
                group.join(", ")
            );
            for ((a, b), (file, line)) in &edges {
                if group.contains(a) && group.contains(b) {
                    let file = file.strip_prefix(&root).unwrap_or(file);
                    text.push_str(&format!("\n  {a} -> {b}: src/{}:{line}", file.display()));
                }
            }
            report.push(text);
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// The checker finds a circle, and names it, in a made-up pair of modules.
#[test]
fn a_circle_is_found_and_named() {
    let a = "use crate::b::Thing;\nfn f() {}\n";
    let b = "fn g() -> crate::a::Other { todo!() }\n";
    let files = vec![parsed(&["a"], a.to_string()), parsed(&["b"], b.to_string())];
    let level = Level {
        parent: &[],
        parent_is_node: false,
    };
    let edges = level_edges(&level, &files);
    assert_eq!(
        circles(&edges),
        vec![vec!["a".to_string(), "b".to_string()]]
    );
}

/// Comments, strings and test modules make no edges; grouped `use` trees and `super::` do.
#[test]
fn paths_are_read_from_code_only() {
    let text = r##"
//! See [`crate::x::Doc`].
use super::{one, two::Deep, self as me};
use crate::{three, four::{Five}};
const S: &str = "crate::six::Seven";
const R: &str = r#"crate::seven"#;
/* crate::eight */
fn f() -> crate::nine::Ten { let c = '"'; crate::ten::eleven() }
#[cfg(test)]
mod tests {
    use crate::twelve;
}
#[cfg(test)]
use crate::thirteen;
"##;
    let f = parsed(&["p", "m"], text.to_string());
    let mut targets: Vec<String> = f.paths.iter().map(|(p, _)| p.join("::")).collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "four::Five",
            "nine::Ten",
            "p",
            "p::one",
            "p::two::Deep",
            "ten::eleven",
            "three",
        ]
    );
}

/// One source file: its module path and the absolute paths it names, with their lines.
struct File {
    path: PathBuf,
    module: Vec<String>,
    paths: Vec<(Vec<String>, usize)>,
}

fn parsed(module: &[&str], text: String) -> File {
    let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
    let code = strip_tests(&strip_comments_and_strings(&text));
    let paths = named_paths(&code, &module, &[]);
    File {
        path: PathBuf::from(module.join("/")),
        module,
        paths,
    }
}

/// Every non-test `.rs` file under `root`, parsed.
fn source_files(root: &Path) -> Vec<File> {
    let mut list = Vec::new();
    collect(root, &mut list);
    list.sort();
    // First every file's test modules, so a test file is left out wherever it sorts.
    let code_of = |path: &Path| strip_comments_and_strings(&fs::read_to_string(path).unwrap());
    let dir_of = |path: &Path| {
        if path
            .file_name()
            .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        }
    };
    let mut test_only: BTreeSet<PathBuf> = BTreeSet::new();
    for path in &list {
        let dir = dir_of(path);
        for name in test_modules(&code_of(path)) {
            test_only.insert(dir.join(format!("{name}.rs")));
            test_only.insert(dir.join(&name));
        }
    }
    let mut files = Vec::new();
    for path in &list {
        if test_only.iter().any(|t| path.starts_with(t)) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap();
        if rel == Path::new("main.rs") {
            continue; // the binary: its own crate, it names the library as `nightshift::`
        }
        let module = module_of(rel);
        let dir = dir_of(path);
        let code = strip_tests(&code_of(path));
        let children: Vec<String> = declared_modules(&code)
            .into_iter()
            .filter(|c| dir.join(format!("{c}.rs")).exists() || dir.join(c).is_dir())
            .collect();
        let paths = named_paths(&code, &module, &children);
        files.push(File {
            path: path.clone(),
            module,
            paths,
        });
    }
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `scenario/compile/hosts.rs` -> `[scenario, compile, hosts]`; `mod.rs` and `lib.rs` name
/// their folder.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The edges between the nodes of `level`, each with the first place that makes it.
fn level_edges(level: &Level, files: &[File]) -> BTreeMap<(String, String), Site> {
    let depth = level.parent.len();
    let inside = |m: &[String]| m.len() >= depth && m.iter().zip(level.parent).all(|(a, b)| a == b);
    let node = |m: &[String]| -> Option<String> {
        if !inside(m) {
            None
        } else if m.len() > depth {
            Some(m[depth].clone())
        } else if level.parent_is_node {
            Some("mod".to_string())
        } else {
            None
        }
    };
    let children: BTreeSet<String> = files
        .iter()
        .filter(|f| inside(&f.module) && f.module.len() > depth)
        .map(|f| f.module[depth].clone())
        .collect();
    let mut edges = BTreeMap::new();
    for f in files {
        let Some(from) = node(&f.module) else {
            continue;
        };
        for (path, line) in &f.paths {
            if !inside(path) {
                continue;
            }
            let to = match path.get(depth) {
                Some(c) if children.contains(c) => c.clone(),
                _ if level.parent_is_node => "mod".to_string(),
                _ => continue,
            };
            if to != from {
                edges
                    .entry((from.clone(), to))
                    .or_insert_with(|| (f.path.clone(), *line));
            }
        }
    }
    edges
}

/// The groups of modules that reach each other (the graph's strongly connected components
/// of more than one module), each in name order.
fn circles(edges: &BTreeMap<(String, String), Site>) -> Vec<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        next.entry(a).or_default().push(b);
    }
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from];
        while let Some(n) = todo.pop() {
            for m in next.get(n).into_iter().flatten() {
                if seen.insert(*m) {
                    todo.push(m);
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&str, BTreeSet<&str>> = next.keys().map(|n| (*n, reach(n))).collect();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for (n, seen) in &reaches {
        if !seen.contains(n) || groups.iter().any(|g| g.iter().any(|m| m == n)) {
            continue;
        }
        groups.push(
            seen.iter()
                .filter(|m| reaches.get(*m).is_some_and(|r| r.contains(n)))
                .map(|m| m.to_string())
                .collect(),
        );
    }
    groups
}

/// `code` with comments, string and char literals blanked (newlines kept, so lines count).
fn strip_comments_and_strings(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    while i < c.len() {
        let at = |k: usize| c.get(i + k).copied().unwrap_or('\0');
        if at(0) == '/' && at(1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if at(0) == '/' && at(1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if (at(0) == 'r' || (at(0) == 'b' && at(1) == 'r'))
            && !prev_is_ident(&c, i)
            && raw_string_start(&c, i + usize::from(at(0) == 'b')).is_some()
        {
            let start = i + usize::from(at(0) == 'b');
            let hashes = raw_string_start(&c, start).unwrap();
            i = start + 2 + hashes;
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < c.len() && !c[i..].starts_with(&close) {
                blank(&mut out, c[i]);
                i += 1;
            }
            i += close.len();
            out.push_str("\"\"");
        } else if at(0) == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if at(0) == '\'' && (at(1) == '\\' || at(2) == '\'') {
            // A char literal ('x', '\n', '\u{..}'); a lone quote starts a lifetime.
            i += 1;
            if c[i] == '\\' {
                i += 2;
            } else {
                i += 1;
            }
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn prev_is_ident(c: &[char], i: usize) -> bool {
    i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_')
}

/// The number of `#` of a raw string starting at `i` (`r"`, `r#"`...), if one does.
fn raw_string_start(c: &[char], i: usize) -> Option<usize> {
    if c.get(i) != Some(&'r') {
        return None;
    }
    let mut n = 0;
    while c.get(i + 1 + n) == Some(&'#') {
        n += 1;
    }
    (c.get(i + 1 + n) == Some(&'"')).then_some(n)
}

/// The names of `#[cfg(test)] mod name;` declarations: files that only tests compile.
fn test_modules(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("#[cfg(test)]") {
        rest = &rest[i + 12..];
        let item = rest.trim_start();
        let item = item.strip_prefix("pub(crate) ").unwrap_or(item);
        if let Some(decl) = item.strip_prefix("mod ") {
            let name: String = decl
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if decl[name.len()..].trim_start().starts_with(';') {
                out.push(name);
            }
        }
    }
    out
}

/// `code` with each `#[cfg(test)]` item (a `mod { ... }`, a `use ...;`) blanked.
fn strip_tests(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(i) = out.find("#[cfg(test)]") {
        let bytes = out.as_bytes();
        let mut j = i + 12;
        let mut depth = 0usize;
        // The item ends at its block's closing brace, or at a `;` or `,` outside brackets
        // (a `use`, a field); a bracket closing at depth 0 is the enclosing item's.
        while j < bytes.len() {
            match bytes[j] {
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' if depth == 0 => break,
                b'}' if depth == 1 => {
                    j += 1;
                    break;
                }
                b'}' | b')' | b']' => depth -= 1,
                b';' | b',' if depth == 0 => {
                    j += 1;
                    break;
                }
                _ => {}
            }
            j += 1;
        }
        let blanked: String = out[i..j]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(i..j, &blanked);
    }
    out
}

/// The `mod name;` declarations of a file (its child modules kept in files).
fn declared_modules(code: &str) -> Vec<String> {
    let tokens = tokens(code);
    let mut out = Vec::new();
    for (k, (t, _)) in tokens.iter().enumerate() {
        if t == "mod"
            && let (Some((name, _)), Some((semi, _))) = (tokens.get(k + 1), tokens.get(k + 2))
            && semi == ";"
        {
            out.push(name.clone());
        }
    }
    out
}

/// Identifiers, `::` and single punctuation characters, each with its line.
fn tokens(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let c: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphanumeric() || ch == '_' || ch == '$' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            out.push((word.trim_start_matches('$').to_string(), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push(("::".to_string(), line));
            i += 2;
        } else {
            out.push((ch.to_string(), line));
            i += 1;
        }
    }
    out
}

/// The absolute module paths that `code` (the file of module `module`, with file child
/// modules `children`) names: its `use` trees, expanded, and inline `crate::`, `self::`,
/// `super::` paths. Paths into other crates are left out.
fn named_paths(code: &str, module: &[String], children: &[String]) -> Vec<(Vec<String>, usize)> {
    let tokens = tokens(code);
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let (t, line) = &tokens[k];
        let after_path = k > 0 && tokens[k - 1].0 == "::";
        if t == "use" && !after_path {
            let end = (k..tokens.len())
                .find(|&e| tokens[e].0 == ";")
                .unwrap_or(tokens.len());
            let mut trees = Vec::new();
            expand_use(&tokens[k + 1..end], Vec::new(), &mut trees);
            for tree in trees {
                if let Some(p) = resolve(&tree, module, children, true) {
                    out.push((p, *line));
                }
            }
            k = end;
        } else if matches!(t.as_str(), "crate" | "super" | "self")
            && !after_path
            && tokens.get(k + 1).is_some_and(|n| n.0 == "::")
        {
            let mut path = vec![t.clone()];
            let mut j = k + 1;
            while tokens.get(j).is_some_and(|n| n.0 == "::")
                && tokens
                    .get(j + 1)
                    .is_some_and(|n| n.0.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                path.push(tokens[j + 1].0.clone());
                j += 2;
            }
            if let Some(p) = resolve(&path, module, children, false) {
                out.push((p, *line));
            }
            k = j;
        } else {
            k += 1;
        }
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d}}`) into its paths, each after `prefix`.
fn expand_use(tokens: &[(String, usize)], prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let mut k = 0;
    while k < tokens.len() {
        let t = tokens[k].0.as_str();
        match t {
            "::" | "pub" => k += 1,
            "{" => {
                let mut depth = 0;
                let mut start = k + 1;
                for j in k..tokens.len() {
                    match tokens[j].0.as_str() {
                        "{" => depth += 1,
                        "}" => {
                            depth -= 1;
                            if depth == 0 {
                                expand_use(&tokens[start..j], path.clone(), out);
                                return;
                            }
                        }
                        "," if depth == 1 => {
                            expand_use(&tokens[start..j], path.clone(), out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            "as" | "*" => break,
            _ => {
                if t == "self" && !path.is_empty() {
                    // `a::{self}` names `a` itself.
                } else {
                    path.push(t.to_string());
                }
                k += 1;
            }
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// `path` as seen from module `module` made absolute (without `crate`), or None for another
/// crate. In a `use`, a first segment naming a child module is relative to `module`.
fn resolve(
    path: &[String],
    module: &[String],
    children: &[String],
    in_use: bool,
) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => module.to_vec(),
        name if in_use && children.iter().any(|c| c == name) => {
            let mut p = module.to_vec();
            p.extend(path.iter().cloned());
            return Some(p);
        }
        _ => return None,
    };
    let mut rest = if first == "crate" || first == "self" {
        &path[1..]
    } else {
        path
    };
    while rest.first().is_some_and(|s| s == "super") {
        base.pop()?;
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    Some(base)
}
