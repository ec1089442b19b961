//! `medc graph`: the DOT and Mermaid text of every example (golden), and an
//! SVG that is well-formed XML with one node per component.

use medc::source::SourceFile;
use std::path::Path;

fn program(path: &Path) -> medc::check::Program {
    let text = std::fs::read_to_string(path).unwrap();
    match medc::compile(&SourceFile::new(path.display().to_string(), text)) {
        Ok(compiled) => compiled.program,
        Err(failed) => panic!("{}: {:?}", path.display(), failed.diagnostics()),
    }
}

#[test]
fn dot_and_mermaid_of_every_example() {
    insta::glob!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"), "*.medimg", |path| {
        let picture = medc::graph::picture(&program(path)).unwrap();
        let text = format!("{}\n--- mermaid\n{}", medc::graph::to_dot(&picture), medc::graph::to_mermaid(&picture));
        insta::assert_snapshot!(text);
    });
}

#[test]
fn the_svg_is_well_formed_with_one_node_per_component() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for example in ["medimg", "minimal", "nat-egress"] {
        let program = program(&root.join(format!("examples/{example}.medimg")));
        let picture = medc::graph::picture(&program).unwrap();
        let svg = medc::graph::to_svg(&picture).unwrap();
        let document = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{example}: {e}"));
        assert_eq!(document.root_element().tag_name().name(), "svg");
        // Each node's label is the first line of a `text` element.
        let texts: Vec<&str> = document
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.descendants().find(|t| t.is_text()).and_then(|t| t.text()))
            .collect();
        for component in &program.components {
            let label = medc::check::describe(component).replace('`', "");
            let count = texts.iter().filter(|t| t.trim() == label).count();
            assert_eq!(count, 1, "{example}: `{label}` is drawn once, in {texts:?}");
        }
    }
}

#[test]
fn every_declared_data_path_is_an_edge() {
    let program = program(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/medimg.medimg"));
    let picture = medc::graph::picture(&program).unwrap();
    let has = |from: &str, to: &str, relation: &str| {
        picture.edges.iter().any(|e| e.from == from && e.to == to && e.relation.starts_with(relation))
    };
    assert!(has(medc::graph::CLIENTS, "ingest", "the only entry point"));
    assert!(has("processor", "aurora", "connects"));
    assert!(has("processor", "queue", "connects"));
    assert!(has("processor", "events", "writes"));
    assert!(has("processor", "results", "writes"));
    assert!(has("processor", "scratch", "mount"));
    assert!(has("ingest", "processor", "POST /studies"));
    assert!(has("db_admin", "aurora", "credentials"));
    // The clients reach the API, and the upload bucket only through the
    // presigned URLs an API route hands out.
    assert!(has(medc::graph::CLIENTS, "incoming", "upload, URL from POST /studies"));
    assert!(has("incoming", "processor", "reads the uploads"));
    for edge in picture.edges.iter().filter(|e| e.from == medc::graph::CLIENTS) {
        assert!(edge.to == "ingest" || edge.relation.starts_with("upload, URL from "), "{edge:?}");
    }
}

#[test]
fn the_svg_is_the_same_bytes_every_time() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let picture = medc::graph::picture(&program(&root.join("examples/medimg.medimg"))).unwrap();
    let first = medc::graph::to_svg(&picture).unwrap();
    for _ in 0..5 {
        assert_eq!(medc::graph::to_svg(&picture).unwrap(), first);
    }
}

#[test]
fn the_committed_picture_of_the_reference_example_is_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let svg =
        medc::graph::to_svg(&medc::graph::picture(&program(&root.join("examples/medimg.medimg"))).unwrap()).unwrap();
    let committed = std::fs::read_to_string(root.join("docs/medimg.svg")).unwrap();
    assert!(
        committed == svg,
        "docs/medimg.svg is stale: run `cargo run -- graph examples/medimg.medimg -o docs/medimg.svg`"
    );
}
