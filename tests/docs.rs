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
