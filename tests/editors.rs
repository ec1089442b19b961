//! The editor packaging stays in step with the language: the VS Code
//! grammar knows every component kind and engine the standard library
//! declares, and nothing else.

use std::collections::BTreeSet;

const GRAMMAR: &str = include_str!("../editors/vscode/syntaxes/medimg.tmLanguage.json");

/// The words of the `group`th alternation (`a|b|c`) in a pattern.
fn alternatives(pattern: &str, group: usize) -> BTreeSet<String> {
    let runs: Vec<&str> = pattern
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '|'))
        .filter(|run| run.contains('|'))
        .collect();
    runs[group].split('|').map(str::to_string).collect()
}

#[test]
fn the_grammar_knows_every_kind_and_engine() {
    let grammar: serde_json::Value = serde_json::from_str(GRAMMAR).unwrap();
    let pattern = grammar["repository"]["component"]["match"].as_str().unwrap();
    let schema = medc::stdlib::schema().unwrap();
    let kinds: BTreeSet<String> = schema.component_kinds().map(|k| k.name.clone()).collect();
    let engines: BTreeSet<String> = schema.kinds.iter().flat_map(|k| k.engines.clone()).collect();
    assert_eq!(alternatives(pattern, 0), kinds, "the grammar's kinds");
    assert_eq!(alternatives(pattern, 1), engines, "the grammar's engines");
}
