//! `medc show` and `medc report` over the examples: golden text, JSON and
//! Markdown (hashes redacted, checked apart), a well-formed self-contained
//! HTML page, and every rule of the catalogue in every report.

use medc::source::SourceFile;
use std::path::Path;

struct Built {
    file: SourceFile,
    compiled: medc::Compiled,
}

fn build(path: &Path) -> Built {
    let text = std::fs::read_to_string(path).unwrap();
    let name = format!("examples/{}", path.file_name().unwrap().to_string_lossy());
    let file = SourceFile::new(name, text);
    match medc::compile(&file) {
        Ok(compiled) => Built { file, compiled },
        Err(failed) => panic!("{}: {:?}", path.display(), failed.diagnostics()),
    }
}

fn report(built: &Built) -> medc::report::Report {
    medc::report::Report::build(&built.file, &built.compiled, medc::stdlib::schema().unwrap())
}

fn plan(built: &Built) -> medc::show::Plan {
    let schema = medc::stdlib::schema().unwrap();
    medc::show::Plan::build(&built.file, &built.compiled.program, &built.compiled.template, schema)
}

/// Hashes and the version change with every edit anywhere; they are
/// checked on their own, and kept out of the snapshots.
fn redacted(text: &str, report: &medc::report::Report) -> String {
    text.replace(&report.identity.source_sha256, "[source sha256]")
        .replace(&report.identity.template_sha256, "[template sha256]")
        .replace(report.identity.medc_version, "[version]")
}

#[test]
fn show_of_every_example() {
    insta::glob!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"), "*.medimg", |path| {
        let built = build(path);
        insta::assert_snapshot!(plan(&built).to_text());
    });
}

#[test]
fn show_json_lists_every_resource_under_its_component() {
    let built = build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/medimg.medimg"));
    let json: serde_json::Value = serde_json::from_str(&plan(&built).to_json()).unwrap();
    assert_eq!(json["schema"], "medc-show/1");
    let listed: usize =
        json["components"].as_array().unwrap().iter().map(|c| c["resources"].as_array().unwrap().len()).sum();
    let pipeline_wide = json["pipeline_resources"].as_array().unwrap().len();
    assert_eq!(listed + pipeline_wide, built.compiled.template.resources.len(), "every resource is listed once");
    assert!(pipeline_wide < 10, "most resources belong to a component: {pipeline_wide}");
    assert_eq!(json["resources"], 117);
    // Every setting has its provenance, and a user's value its line.
    for component in json["components"].as_array().unwrap() {
        for setting in component["settings"].as_array().unwrap() {
            match setting["provenance"].as_str().unwrap() {
                "user" => assert!(setting["line"].is_u64(), "{setting}"),
                "stdlib" => assert!(setting["line"].is_null() && !setting["why"].as_str().unwrap().is_empty()),
                other => panic!("provenance {other}"),
            }
        }
    }
    let processor = json["components"].as_array().unwrap().iter().find(|c| c["name"] == "processor").unwrap();
    let actions: Vec<&str> = processor["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["actions"].as_array().unwrap())
        .filter_map(|a| a.as_str())
        .collect();
    assert!(actions.contains(&"rds-db:connect") && actions.contains(&"kinesis:PutRecord"), "{actions:?}");
}

#[test]
fn report_markdown_and_json_of_every_example() {
    insta::glob!(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"), "*.medimg", |path| {
        let built = build(path);
        let report = report(&built);
        let text = format!("{}\n--- json\n{}", medc::report::markdown::render(&report), report.to_json());
        insta::assert_snapshot!(redacted(&text, &report));
    });
}

#[test]
fn the_build_identity_is_the_hashes_of_source_and_template() {
    use sha2::{Digest, Sha256};
    let built = build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/medimg.medimg"));
    let report = report(&built);
    let hex = |bytes: &[u8]| Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect::<String>();
    assert_eq!(report.identity.source_sha256, hex(built.file.text.as_bytes()));
    assert_eq!(report.identity.template_sha256, hex(built.compiled.json.as_bytes()));
    assert_eq!(report.identity.medc_version, env!("CARGO_PKG_VERSION"));
}

#[test]
fn the_html_report_is_one_well_formed_self_contained_page() {
    let built = build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/medimg.medimg"));
    let report = report(&built);
    let svg = medc::graph::to_svg(&medc::graph::picture(&built.compiled.program).unwrap()).unwrap();
    let html = medc::report::html::render(&report, &svg);
    let document = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() },
    )
    .unwrap_or_else(|e| panic!("the page is not well-formed: {e}"));
    // Self-contained: nothing is fetched, nothing runs.
    for node in document.descendants().filter(|n| n.is_element()) {
        assert!(!["script", "link", "img", "iframe"].contains(&node.tag_name().name()), "{:?}", node.tag_name());
        for attribute in node.attributes() {
            assert!(
                !attribute.value().contains("http://") && !attribute.value().contains("https://")
                    || attribute.name() == "xmlns",
                "{}={}",
                attribute.name(),
                attribute.value()
            );
        }
    }
    assert_eq!(document.descendants().filter(|n| n.has_tag_name("svg")).count(), 1, "the graph is embedded");
    assert!(html.contains("@media print"));
    // Every rule of the catalogue, with each of its citations.
    for rule in medc::diagnostics::codes::rules() {
        assert!(html.contains(&format!("id=\"{}\"", rule.code)), "{} missing", rule.code);
        for citation in rule.citations {
            assert!(html.contains(&citation.replace('&', "&amp;")), "{citation} missing");
        }
    }
    // The disposable lifecycle is there as a waiver, with its reason.
    assert!(html.contains("lifecycle disposable"), "the waiver of the disposable lifecycle");
}

#[test]
fn every_rule_and_every_security_rule_provision_appears_in_each_report() {
    for example in ["medimg", "minimal", "nat-egress"] {
        let built = build(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{example}.medimg")));
        let report = report(&built);
        let codes: Vec<&str> = report.rules.iter().map(|r| r.code).collect();
        for rule in medc::diagnostics::codes::rules() {
            assert!(codes.contains(&rule.code), "{example}: {}", rule.code);
        }
        assert_eq!(report.provisions.len(), medc::report::SECURITY_RULE.len());
        // What medc does not cover is named, with who answers for it.
        let uncovered: Vec<_> = report.provisions.iter().filter(|p| p.rules.is_empty()).collect();
        assert!(uncovered.iter().any(|p| p.title == "Security awareness and training"));
        assert!(uncovered.iter().all(|p| p.outside.is_some()));
    }
}
