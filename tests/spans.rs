//! The spans editor tools rely on: every name in the checked program points
//! at its own word, and nothing carries a placeholder `0..0`.

use medc::check::model::{Origin, Settings};
use medc::source::SourceFile;
use medc::span::Span;

fn checked(path: &str) -> (String, medc::check::Program) {
    let text = std::fs::read_to_string(path).unwrap();
    let analysis = medc::analyze(&SourceFile::new(path, text.clone()));
    let program = analysis.valid().unwrap_or_else(|| panic!("{path} has errors")).program().clone();
    (text, program)
}

fn assert_settings(text: &str, settings: &Settings, path: &str) {
    for setting in &settings.items {
        assert!(!setting.name_span.is_empty(), "{path}: `{}` has an empty name span", setting.name);
        if let Origin::User(span) = setting.origin {
            assert_eq!(&text[setting.name_span.range()], setting.name, "{path}");
            assert!(span.start == setting.name_span.start && span.end >= setting.name_span.end, "{path}");
        }
        if let Some(block) = &setting.block {
            assert_settings(text, block, path);
        }
    }
}

#[test]
fn names_have_their_own_spans() {
    let paths = ["examples/medimg.medimg", "examples/minimal.medimg", "examples/nat-egress.medimg"];
    for path in paths {
        let (text, program) = checked(path);
        assert_settings(&text, &program.settings, path);
        for component in &program.components {
            assert_ne!(component.head, Span::default(), "{path}: {} has no head", component.name);
            assert_settings(&text, &component.settings, path);
            for route in &component.routes {
                assert_settings(&text, &route.settings, path);
            }
            if component.origin == Origin::Stdlib {
                // A supplied component points at what owns it.
                assert_eq!(component.name_span, component.head, "{path}");
                continue;
            }
            assert_eq!(&text[component.kind_span.range()], component.kind.name(), "{path}");
            if let (Some(engine), Some(span)) = (&component.engine, component.engine_span) {
                assert_eq!(&text[span.range()], engine, "{path}");
            }
            assert_eq!(&text[component.name_span.range()], component.name, "{path}");
        }
    }
}

#[test]
fn waivers_point_at_their_code() {
    let (text, program) = checked("examples/nat-egress.medimg");
    let waiver = program.waivers.first().expect("the example waives MEDC-1018");
    assert_eq!(&text[waiver.code_span.range()], "MEDC-1018");
}

#[test]
fn implicit_secrets_point_at_the_component_they_serve() {
    let (text, program) = checked("examples/minimal.medimg");
    let secret = program.component("aurora_credentials").expect("the implicit secret");
    assert_eq!(&text[secret.head.range()], "database aurora");
    let credentials = program.component("aurora").unwrap().settings.get("credentials").unwrap();
    match &credentials.value {
        medc::types::Value::Ref(reference) => assert_eq!(reference.span, secret.head),
        other => panic!("credentials is {other:?}"),
    }
}
