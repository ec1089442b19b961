//! The documentation keeps up with the code.

#[test]
fn the_readme_lists_every_code() {
    let readme = include_str!("../README.md");
    for code in medc::diagnostics::codes::ALL {
        let row = format!("| {} | ", code.code);
        assert!(readme.contains(&row), "README's code index lacks {}", code.code);
        assert!(
            readme.contains(code.title) || readme.contains(&code.title.replace('|', "\\|")),
            "README's title for {}",
            code.code
        );
    }
}

#[test]
fn the_language_reference_names_every_kind() {
    let reference = include_str!("../docs/language.md");
    let schema = medc::stdlib::schema().unwrap();
    for kind in schema.component_kinds() {
        assert!(reference.contains(&format!("| `{}` |", kind.name)), "docs/language.md lacks the kind `{}`", kind.name);
    }
}

/// docs/adding-a-kind.md names every dispatch on kinds in the lowering, and
/// every file it sends the reader to exists.
#[test]
fn the_adding_a_kind_guide_is_true() {
    let guide = include_str!("../docs/adding-a-kind.md");
    let dispatch = include_str!("../src/lower/kinds/mod.rs");
    let mut dispatches = 0;
    for line in dispatch.lines() {
        if let Some(name) = line.strip_prefix("pub fn ").and_then(|rest| rest.split('(').next()) {
            dispatches += 1;
            assert!(guide.contains(&format!("`kinds::{name}`")), "docs/adding-a-kind.md lacks `kinds::{name}`");
        }
    }
    assert!(dispatches >= 7, "{dispatches}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for quoted in guide.split('`').skip(1).step_by(2) {
        let is_path = (quoted.starts_with("src/") || quoted.starts_with("stdlib/") || quoted.starts_with("tests/"))
            && !quoted.contains(' ')
            && !quoted.contains("queue");
        if is_path {
            let path = quoted.trim_end_matches('/');
            assert!(root.join(path).exists(), "docs/adding-a-kind.md names `{quoted}`, which does not exist");
        }
    }
}
