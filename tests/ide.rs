//! The editor queries (`medc::ide`) on their own: completion in each
//! context, navigation, rename, quick fixes and the outline; and a property
//! test that no sequence of edits makes any query panic.

use medc::ide::{self, CompletionKind, Found};
use medc::lsp::LineIndex;
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("../examples/medimg.medimg");

/// The offset just after the first `needle`.
fn after(text: &str, needle: &str) -> usize {
    text.find(needle).unwrap_or_else(|| panic!("`{needle}` in the text")) + needle.len()
}

fn labels(text: &str, offset: usize) -> Vec<String> {
    ide::complete(&ide::analyze(text), offset).into_iter().map(|c| c.label).collect()
}

fn apply(text: &str, edits: &[medc::diagnostics::Edit]) -> String {
    let mut text = text.to_string();
    for edit in edits.iter().rev() {
        text.replace_range(edit.span.range(), &edit.replacement);
    }
    text
}

#[test]
fn completion_follows_its_context() {
    // Top level: the kinds, and the pipeline's settings.
    let top = labels(EXAMPLE, after(EXAMPLE, "pipeline medimg <\n"));
    assert!(top.contains(&"database".to_string()) && top.contains(&"region".to_string()), "{top:?}");
    // A choice setting's values, while its value is being typed.
    let text = EXAMPLE.replace("disposable  //", "dis //");
    assert_eq!(labels(&text, after(&text, "lifecycle    dis")), ["protected", "retained", "disposable"]);
    // After `credentials`, only secrets.
    let text = EXAMPLE.replace("credentials db_admin", "credentials ");
    assert_eq!(labels(&text, after(&text, "credentials ")), ["db_admin", "queue_auth"]);
    // A list of references: the kinds `connects` takes, after the comma too.
    let connects = labels(EXAMPLE, after(EXAMPLE, "connects aurora, "));
    assert_eq!(connects, ["aurora", "queue"]);
    // After `waive`, the rule codes that may be waived, with their titles.
    let text = EXAMPLE.replace("backup < retention 35d >", "backup < waive  >");
    let rules = ide::complete(&ide::analyze(&text), after(&text, "waive "));
    assert!(rules.iter().all(|c| c.kind == CompletionKind::Rule && c.label.starts_with("MEDC-1")));
    assert!(rules.iter().any(|c| c.label == "MEDC-1010"));
    // A route's target: services.
    let target = labels(EXAMPLE, after(EXAMPLE, "route GET \"/health\" -> "));
    assert_eq!(target, ["processor"]);
    // Inside a nested block setting: its own settings.
    let block = "truststore param TruststoreUri  truststore_version param TruststoreVersion >";
    let mtls = labels(EXAMPLE, after(EXAMPLE, block) - block.len());
    assert!(mtls.contains(&"truststore".to_string()) && !mtls.contains(&"domain".to_string()), "{mtls:?}");
    // Inside the api: its settings and `route`, not the stream's.
    let api = labels(EXAMPLE, after(EXAMPLE, "api ingest <\n"));
    assert!(api.contains(&"route".to_string()) && !api.contains(&"shards".to_string()), "{api:?}");
    // After a kind: its engines.
    let text = EXAMPLE.replace("bucket s3 results", "bucket ");
    assert_eq!(labels(&text, after(&text, "bucket ")), ["s3"]);
    // Nothing inside a string or a comment.
    assert!(labels(EXAMPLE, after(EXAMPLE, "\"imaging-pla")).is_empty());
    assert!(labels(EXAMPLE, after(EXAMPLE, "// Credentials are")).is_empty());
}

#[test]
fn completion_works_on_text_that_does_not_parse() {
    // An unclosed block while typing: the context is still the database's.
    let text = "pipeline p <\n  database aurora < multi_az  ba";
    let found = labels(text, text.len());
    assert!(found.contains(&"backup".to_string()), "{found:?}");
}

#[test]
fn the_position_lookup_names_what_is_under_the_cursor() {
    let analyzed = ide::analyze(EXAMPLE);
    let outline = analyzed.outline().unwrap();
    let at = |needle: &str| after(EXAMPLE, needle) - 1;
    assert!(matches!(outline.find_at(at("pipeline medi")), Found::PipelineName));
    assert!(matches!(outline.find_at(at("  databa")), Found::Kind(c) if c.name() == "aurora"));
    assert!(matches!(outline.find_at(at("storage ef")), Found::Engine(c) if c.name() == "scratch"));
    assert!(matches!(outline.find_at(at("efs scrat")), Found::ComponentName(c) if c.name() == "scratch"));
    assert!(matches!(outline.find_at(at("backup 7")), Found::Value(s, _) if s.name.name == "backup"));
    assert!(matches!(outline.find_at(at("  backu")), Found::SettingName(s) if s.name.name == "backup"));
    assert!(matches!(outline.find_at(at("mount    scra")), Found::Reference(r) if r.name == "scratch"));
    assert!(matches!(outline.find_at(at("param ProcessorIm")), Found::Param(p) if p.name.name == "ProcessorImage"));
    assert!(matches!(outline.find_at(at("truststore param Trust")), Found::Param(_)));
    assert!(matches!(outline.find_at(at("-> process")), Found::Reference(r) if r.name == "processor"));
    let text = EXAMPLE.replace("backup < retention 35d >", "waive MEDC-1010 \"the backup plan keeps copies\"");
    let analyzed = ide::analyze(&text);
    let outline = analyzed.outline().unwrap();
    assert!(matches!(outline.find_at(after(&text, "waive MEDC-10")), Found::WaiverCode(_)));
}

#[test]
fn hover_tells_where_a_value_comes_from() {
    let analyzed = ide::analyze(EXAMPLE);
    let (component, _) = ide::hover(&analyzed, after(EXAMPLE, "  databa")).unwrap();
    assert!(component.contains("AWS::RDS::DBCluster"), "{component}");
    assert!(component.contains("From the standard library:") && component.contains("`tls on`"), "{component}");
    let (setting, _) = ide::hover(&analyzed, after(EXAMPLE, "snapshots 1")).unwrap();
    assert!(setting.contains("value: `15d`, written here") && setting.contains("MEDC-1010"), "{setting}");
    // Resources are attributed by the lowering, also for the unnamed kinds.
    let (key, _) = ide::hover(&analyzed, after(EXAMPLE, "  ke")).unwrap();
    assert!(key.contains("`PipelineKey`: AWS::KMS::Key"), "{key}");
    let (network, _) = ide::hover(&analyzed, after(EXAMPLE, "  netw")).unwrap();
    assert!(network.contains("AWS::EC2::VPC") && !network.contains("AWS::RDS"), "{network}");
    insta::assert_snapshot!("hover_database", component);
    // With an error, the component's hover is its kind's doc alone.
    let broken = EXAMPLE.replace("backup 7d", "backup 1d");
    let (component, _) = ide::hover(&ide::analyze(&broken), after(&broken, "  databa")).unwrap();
    assert!(!component.contains("AWS::RDS::DBCluster") && component.contains("Aurora"), "{component}");
}

#[test]
fn definitions_references_and_rename() {
    let analyzed = ide::analyze(EXAMPLE);
    let use_site = after(EXAMPLE, "auth queue_a");
    let declared = EXAMPLE.find("queue_auth <").unwrap();
    assert_eq!(ide::definition(&analyzed, use_site).map(|s| s.start), Some(declared));
    assert_eq!(ide::references(&analyzed, use_site).len(), 2);
    // A component named by its engine: renaming gives it a name of its own.
    let edits = ide::rename(&analyzed, after(EXAMPLE, "connects auro"), "metadata").unwrap();
    let renamed = apply(EXAMPLE, &edits);
    assert!(renamed.contains("database aurora metadata <") && renamed.contains("connects metadata, queue"));
    // The same findings (their spans move with the longer text).
    let findings = |text: &str| -> Vec<(&str, String)> {
        ide::analyze(text).diagnostics().iter().map(|d| (d.code.code, d.message.clone())).collect()
    };
    assert_eq!(findings(&renamed), findings(EXAMPLE));
    // Refused: a taken name, an invalid one, a component without a name.
    assert!(ide::rename(&analyzed, use_site, "db_admin").is_err());
    assert!(ide::rename(&analyzed, use_site, "Queue Auth").is_err());
    assert!(ide::prepare_rename(&analyzed, after(EXAMPLE, "  netw")).is_err());
    // A parameter: every use of it, renamed together.
    let param = after(EXAMPLE, "param Certifi");
    assert_eq!(ide::references(&analyzed, param).len(), 1);
    assert!(ide::definition(&analyzed, param).is_some());
    let text = EXAMPLE.replace("notify param AlarmEmail", "notify param CertificateArn");
    let analyzed = ide::analyze(&text);
    let param = after(&text, "param Certifi");
    assert_eq!(ide::references(&analyzed, param).len(), 2);
    let renamed = apply(&text, &ide::rename(&analyzed, param, "ApiCertificate").unwrap());
    assert_eq!(renamed.matches("param ApiCertificate").count(), 2, "{renamed}");
    assert!(ide::rename(&analyzed, param, "api-certificate").is_err());
    assert!(ide::rename(&analyzed, param, "EnvironmentSuffix").is_err());
}

#[test]
fn quick_fixes_apply_cleanly() {
    // The did-you-mean of an unknown reference.
    let text = EXAMPLE.replace("connects aurora, queue", "connects aurora, queu");
    let analyzed = ide::analyze(&text);
    let actions = ide::actions(&analyzed, medc::span::Span::new(0, text.len()));
    assert_eq!(actions[0].title, "replace `queu` with `queue`");
    assert_eq!(apply(&text, &actions[0].edits), EXAMPLE);
    // A waiver in a multi-line block goes on a line of its own, and is accepted.
    let text = EXAMPLE.replace("tasks    2..6", "tasks    1..6");
    let analyzed = ide::analyze(&text);
    let actions = ide::actions(&analyzed, medc::span::Span::new(0, text.len()));
    let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["use the secure default `tasks 2..6 on cpu 70%`", "waive MEDC-1009 here, with a reason"]);
    let waived = apply(&text, &actions[1].edits);
    assert!(waived.contains("    writes   events, results\n    waive MEDC-1009 \"TODO: say why"), "{waived}");
    assert!(!ide::analyze(&waived).analysis.has_errors(), "{:?}", ide::analyze(&waived).diagnostics());
    assert!(!ide::analyze(apply(&text, &actions[0].edits)).analysis.has_errors());
}

#[test]
fn the_outline_lists_components_and_their_settings() {
    let symbols = ide::symbols(&ide::analyze(EXAMPLE));
    let components: Vec<&str> =
        symbols[0].children.iter().filter(|s| s.kind == ide::SymbolKind::Component).map(|s| s.name.as_str()).collect();
    assert_eq!(
        components,
        [
            "phi",
            "network",
            "db_admin",
            "queue_auth",
            "aurora",
            "scratch",
            "results",
            "incoming",
            "queue",
            "events",
            "processor",
            "ingest",
            "alarms",
            "backup"
        ]
    );
}

/// Text an editor might insert: brackets, strings, comments, keywords,
/// names, multi-byte and astral characters, line breaks.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<".to_string()),
        Just(">".to_string()),
        Just("\"".to_string()),
        Just("// note\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just(", ".to_string()),
        Just(" -> ".to_string()),
        Just("database aurora < ".to_string()),
        Just("backup 1d".to_string()),
        Just("multi_azz".to_string()),
        Just("waive MEDC-1010 \"a reason long enough to count\"".to_string()),
        Just("route POST \"/x\" -> processor".to_string()),
        Just("param X".to_string()),
        Just("é🩻".to_string()),
        "[a-z0-9_ .%-]{0,8}",
    ]
}

/// A replacement of part of the text: where (as fractions of its length),
/// how much, and with what.
fn edit() -> impl Strategy<Value = (f64, f64, String)> {
    (0.0..=1.0f64, 0.0..0.2f64, fragment())
}

fn floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Every query, at every kind of position, after any sequence of
    /// edits, answers without panicking.
    #[test]
    fn no_edit_sequence_breaks_a_query(edits in prop::collection::vec(edit(), 1..6), probes in prop::collection::vec(0.0..=1.0f64, 4)) {
        let mut text = EXAMPLE.to_string();
        for (at, length, insert) in edits {
            let start = floor(&text, (at * text.len() as f64) as usize);
            let end = floor(&text, start + (length * text.len() as f64) as usize).max(start);
            text.replace_range(start..end, &insert);
            let analyzed = ide::analyze(text.as_str());
            let lines = LineIndex::new(&text);
            for probe in &probes {
                let offset = (probe * text.len() as f64) as usize;
                let position = lines.position(&text, offset);
                let back = lines.offset(&text, position);
                prop_assert!(back <= text.len() && text.is_char_boundary(back));
                let _ = ide::hover(&analyzed, back);
                let _ = ide::complete(&analyzed, offset);
                let _ = ide::definition(&analyzed, back);
                let _ = ide::references(&analyzed, back);
                let _ = ide::prepare_rename(&analyzed, back);
                if let Ok(edits) = ide::rename(&analyzed, back, "renamed") {
                    let renamed = apply(&text, &edits);
                    let _ = ide::analyze(renamed);
                }
                for action in ide::actions(&analyzed, medc::span::Span::new(back, back)) {
                    let _ = ide::analyze(apply(&text, &action.edits));
                }
            }
            let _ = ide::symbols(&analyzed);
        }
    }
}
