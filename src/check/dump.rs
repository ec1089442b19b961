//! A readable dump of the elaborated program: every setting with its value
//! and where it came from (`user @START..END` or `stdlib`), for golden tests.

use super::model::{Origin, Program, Settings};
use std::fmt::Write;

pub fn program(program: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "pipeline {}", program.name.name);
    settings(&mut out, &program.settings, 1);
    for component in &program.components {
        let engine = component.engine.as_ref().map_or(String::new(), |e| format!(" {e}"));
        let _ = writeln!(out, "  {}{engine} {} ({})", component.kind, component.name, origin(component.origin));
        settings(&mut out, &component.settings, 2);
        for route in &component.routes {
            let _ =
                writeln!(out, "    route {} {:?} -> {} @{}", route.method, route.path, route.target.name, route.span);
            settings(&mut out, &route.settings, 3);
        }
    }
    for waiver in &program.waivers {
        let _ = writeln!(out, "  waive {} {:?} in {}", waiver.code.code, waiver.reason, waiver.scope);
    }
    for waived in &program.waived {
        let _ =
            writeln!(out, "  waived {} in {}", waived.code.code, waived.component.as_deref().unwrap_or("the pipeline"));
    }
    out
}

fn settings(out: &mut String, settings: &Settings, depth: usize) {
    let indent = "  ".repeat(depth);
    for setting in &settings.items {
        let _ = writeln!(out, "{indent}{} {}  [{}]", setting.name, setting.value, origin(setting.origin));
        if let Some(block) = &setting.block {
            self::settings(out, block, depth + 1);
        }
    }
}

fn origin(origin: Origin) -> String {
    match origin {
        Origin::User(span) => format!("user @{span}"),
        Origin::Stdlib => "stdlib".to_string(),
    }
}
