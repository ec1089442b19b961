//! Nested stacks (`stacks nested`): a pipeline over a stack's quotas built
//! as a parent and children, each under every quota, through the library
//! and through `medc build`.

#[allow(dead_code)]
#[path = "../benches/support/generate.rs"]
mod generate;

use assert_cmd::Command;
use medc::lower::nest::{self, Limits, Nested};
use medc::quotas;
use medc::source::SourceFile;
use serde_json::Value;
use std::path::Path;

fn medc() -> Command {
    let mut command = Command::cargo_bin("medc").unwrap();
    command.env("NO_COLOR", "1");
    command
}

/// A generated program of about `bytes` bytes, with `stacks nested`.
fn nested_program(bytes: usize) -> String {
    generate::program("site", bytes).replacen(
        "  lifecycle disposable\n",
        "  lifecycle disposable\n  stacks nested\n",
        1,
    )
}

fn compiled(text: &str) -> medc::Compiled {
    match medc::compile(&SourceFile::new("site.medimg", text.to_string())) {
        Ok(compiled) => compiled,
        Err(failed) => panic!("does not compile: {:?}", failed.diagnostics()),
    }
}

fn under_every_quota(name: &str, template: &medc::lower::template::Template) {
    assert!(template.resources.len() <= quotas::MAX_RESOURCES, "{name}: {} resources", template.resources.len());
    assert!(template.parameters.len() <= quotas::MAX_PARAMETERS, "{name}: {} parameters", template.parameters.len());
    assert!(template.outputs.len() <= quotas::MAX_OUTPUTS, "{name}: {} outputs", template.outputs.len());
    assert!(nest::compact_len(template) <= quotas::MAX_BODY, "{name}: {} bytes", nest::compact_len(template));
}

#[test]
fn a_program_of_1500_resources_is_stacks_each_under_every_quota() {
    let compiled = compiled(&nested_program(22_000));
    let total = compiled.template.resources.len();
    assert!((1_400..2_000).contains(&total), "{total} resources");
    // As one stack it would be refused.
    assert!(total > quotas::MAX_RESOURCES && compiled.template.outputs.len() > quotas::MAX_OUTPUTS);
    let nested = compiled.nested.as_ref().expect("a nested pipeline");
    assert!(nested.children.len() >= 4, "{} children", nested.children.len());
    under_every_quota("the parent", &nested.parent);
    for (name, child) in &nested.children {
        under_every_quota(name, child);
    }
    assert_eq!(nest::dangling(nested), Vec::<String>::new());
    // Every resource is in exactly one child, under its own logical id.
    let mut ids: Vec<&String> = nested.children.iter().flat_map(|(_, t)| t.resources.keys()).collect();
    ids.retain(|id| !nested.children.iter().any(|(name, _)| name == *id));
    ids.sort();
    let mut expected: Vec<&String> = compiled.template.resources.keys().collect();
    expected.sort();
    assert_eq!(ids, expected);
}

#[test]
fn a_pipeline_that_fits_one_stack_is_one_child_and_the_same_resources() {
    let text = std::fs::read_to_string("examples/minimal.medimg").unwrap();
    let single = compiled(&text);
    let nested = compiled(&text.replacen("pipeline medimg <", "pipeline medimg < stacks nested", 1));
    let split = nested.nested.as_ref().expect("a nested pipeline");
    assert_eq!(split.children.len(), 1);
    let child = &split.children[0].1;
    assert_eq!(
        serde_json::to_value(&child.resources).unwrap(),
        serde_json::to_value(&single.template.resources).unwrap(),
        "resources, their metadata (the waivers' suppressions) and logical ids unchanged"
    );
    assert_eq!(
        split.parent.parameters.keys().collect::<Vec<_>>(),
        single.template.parameters.keys().collect::<Vec<_>>()
    );
    assert_eq!(split.parent.outputs.keys().collect::<Vec<_>>(), single.template.outputs.keys().collect::<Vec<_>>());
}

/// The files of a split as `medc build` writes them, for the snapshot.
fn rendered(nested: &Nested) -> String {
    let mut text = format!("=== site.template.json\n{}", nest_json(&nested.parent_in("site")));
    for (name, child) in &nested.children {
        text.push_str(&format!("=== site/{name}.template.json\n{}", nest_json(child)));
    }
    text
}

fn nest_json(template: &medc::lower::template::Template) -> String {
    medc::deploy::render(template, false)
}

#[test]
fn a_small_pipeline_split_into_small_stacks() {
    // The minimal example under limits of 20 resources a stack (18 with
    // the margin): every kind of wiring on a template small enough to read.
    let text = std::fs::read_to_string("examples/minimal.medimg").unwrap();
    let file = SourceFile::new("minimal.medimg", text);
    let analysis = medc::analyze(&file);
    let valid = analysis.valid().expect("the example checks");
    let lowered = medc::lower::lower_within(valid, usize::MAX).unwrap();
    let limits = Limits { resources: 20, body: 1_000_000, parameters: 200, outputs: 200 };
    let nested = nest::split(lowered.template, &limits, &lowered.nesting).unwrap();
    assert_eq!(nest::dangling(&nested), Vec::<String>::new());
    assert!(nested.children.len() >= 3);
    insta::assert_snapshot!(rendered(&nested));
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn build_writes_the_parent_and_its_children_into_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("site.medimg");
    std::fs::write(&program, nested_program(8_000)).unwrap();
    let out = dir.path().join("out");
    let output = medc().arg("build").arg(&program).arg("-o").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let parent = read_json(&out.join("site.template.json"));
    let stacks: Vec<(&String, &Value)> = parent["Resources"].as_object().unwrap().iter().collect();
    assert!(stacks.len() >= 2);
    for (name, stack) in stacks {
        assert_eq!(stack["Type"], "AWS::CloudFormation::Stack");
        let url = stack["Properties"]["TemplateURL"].as_str().unwrap();
        assert_eq!(url, format!("site/{name}.template.json"));
        let child = read_json(&out.join(url));
        let declared: Vec<&String> = child["Parameters"].as_object().unwrap().keys().collect();
        let passed: Vec<&String> = stack["Properties"]["Parameters"].as_object().unwrap().keys().collect();
        assert_eq!(declared, passed, "{name}");
    }
    assert!(String::from_utf8_lossy(&output.stderr).contains("site.template.json"));

    // --compact: every file on one line.
    let compact = dir.path().join("compact");
    medc().arg("build").arg(&program).arg("-o").arg(&compact).arg("--compact").assert().success();
    for entry in std::fs::read_dir(compact.join("site")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert_eq!(text.lines().count(), 1);
    }
    // The same bytes every time.
    let again = dir.path().join("again");
    medc().arg("build").arg(&program).arg("-o").arg(&again).assert().success();
    for entry in std::fs::read_dir(out.join("site")).unwrap() {
        let path = entry.unwrap().path();
        let twin = again.join("site").join(path.file_name().unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(twin).unwrap());
    }
}

#[test]
fn a_nested_pipeline_cannot_go_to_one_file_or_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("site.medimg");
    std::fs::write(&program, nested_program(4_000)).unwrap();
    let file = dir.path().join("site.json");
    for destination in [file.as_os_str(), "-".as_ref()] {
        let output = medc().arg("build").arg(&program).arg("-o").arg(destination).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{destination:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("give `-o DIRECTORY`"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(written, ["site.medimg"], "nothing written");
}

#[test]
fn the_batch_mode_builds_nested_and_single_programs_together() {
    let dir = tempfile::tempdir().unwrap();
    let programs = dir.path().join("programs");
    std::fs::create_dir(&programs).unwrap();
    std::fs::write(programs.join("big.medimg"), nested_program(4_000)).unwrap();
    std::fs::copy("examples/minimal.medimg", programs.join("small.medimg")).unwrap();
    let out = dir.path().join("out");
    let output = medc().arg("build").arg(&programs).arg("-o").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let parent = read_json(&out.join("big.template.json"));
    let url = parent["Resources"]["Stack001"]["Properties"]["TemplateURL"].as_str().unwrap();
    assert_eq!(url, "big/Stack001.template.json");
    assert!(out.join(url).exists());
    assert!(read_json(&out.join("small.template.json"))["Resources"]["Vpc"].is_object());
}

#[test]
fn the_other_commands_describe_the_whole_nested_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("site.medimg");
    std::fs::write(&program, nested_program(4_000)).unwrap();
    let params = medc().arg("params").arg(&program).output().unwrap();
    assert!(params.status.success());
    let listed: Value = serde_json::from_slice(&params.stdout).unwrap();
    assert!(listed.as_array().unwrap().iter().any(|p| p["ParameterKey"] == "EnvironmentSuffix"));
    for command in [&["show"][..], &["graph", "--format", "dot"], &["report", "--format", "json"]] {
        medc().args(command).arg(&program).assert().success();
    }
}

#[test]
fn check_reports_the_same_diagnostics_with_or_without_nesting() {
    // `medc check` does not lower: the quotas are judged by `medc build`.
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("site.medimg");
    let single = dir.path().join("single.medimg");
    std::fs::write(&nested, nested_program(4_000)).unwrap();
    std::fs::write(&single, generate::program("site", 4_000)).unwrap();
    let report = |path: &Path| {
        let output = medc().args(["check", "--error-format", "short"]).arg(path).output().unwrap();
        assert!(output.status.success());
        let text = String::from_utf8_lossy(&output.stderr).into_owned();
        // Line numbers differ by the one line `stacks nested` adds.
        text.lines().map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string()).collect::<Vec<_>>()
    };
    assert_eq!(report(&nested), report(&single));
}

#[test]
fn a_program_with_more_stores_than_a_stack_has_parameters_splits_under_every_quota() {
    // The backup plan once listed every store, and so needed a parameter
    // for each store in another stack: past about 180 stores no stack
    // could hold it. It selects them by tag now.
    let compiled = medc::compile_keeping(&SourceFile::new("site.medimg", nested_program(100_000)), medc::Keep::Stacks);
    let compiled = compiled.unwrap_or_else(|failed| panic!("does not compile: {:?}", failed.diagnostics()));
    let nested = compiled.nested.as_ref().expect("a nested pipeline");
    let tagged = |template: &medc::lower::template::Template| {
        let tags = |r: &medc::lower::template::Resource| {
            let list = r.properties.get("Tags").or(r.properties.get("FileSystemTags"));
            list.is_some_and(|l| l.to_string().contains("medc:backup-plan"))
        };
        template.resources.values().filter(|r| tags(r)).count()
    };
    let stores: usize = nested.children.iter().map(|(_, child)| tagged(child)).sum();
    assert!(stores > 2 * quotas::MAX_PARAMETERS, "{stores} stores");
    under_every_quota("the parent", &nested.parent);
    for (name, child) in &nested.children {
        under_every_quota(name, child);
    }
    assert_eq!(nest::dangling(nested), Vec::<String>::new());
    // Built for its stacks alone, the whole template is not kept.
    assert!(compiled.template.resources.is_empty() && compiled.json.is_empty());
}

/// The child files in a nested build's folder, by name.
fn files_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn rebuilding_a_smaller_program_removes_the_stacks_it_no_longer_has() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("site.medimg");
    let out = dir.path().join("out");
    let build = || medc().arg("build").arg(&program).arg("-o").arg(&out).output().unwrap();
    std::fs::write(&program, nested_program(30_000)).unwrap();
    assert!(build().status.success());
    let before = files_in(&out.join("site"));
    // Files that are not medc's, in the same folder, are left alone.
    let foreign = ["notes.txt", "Stack01.template.json", "Stack001.template.json.bak", "MyStack001.template.json"];
    for name in foreign {
        std::fs::write(out.join("site").join(name), "kept").unwrap();
    }

    // A failed build (here the parent cannot be written) removes nothing.
    std::fs::write(&program, nested_program(4_000)).unwrap();
    std::fs::remove_file(out.join("site.template.json")).unwrap();
    std::fs::create_dir(out.join("site.template.json")).unwrap();
    let failed = build();
    assert_eq!(failed.status.code(), Some(2), "{}", String::from_utf8_lossy(&failed.stderr));
    for name in &before {
        assert!(out.join("site").join(name).exists(), "{name} kept after a failed build");
    }

    std::fs::remove_dir(out.join("site.template.json")).unwrap();
    let rebuilt = build();
    assert!(rebuilt.status.success(), "{}", String::from_utf8_lossy(&rebuilt.stderr));
    let parent = read_json(&out.join("site.template.json"));
    let mut expected: Vec<String> = parent["Resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|stack| stack["Properties"]["TemplateURL"].as_str().unwrap().trim_start_matches("site/").to_string())
        .collect();
    assert!(expected.len() < before.len(), "{} stacks, {} before", expected.len(), before.len());
    expected.extend(foreign.iter().map(|name| name.to_string()));
    expected.sort();
    assert_eq!(files_in(&out.join("site")), expected);
}

#[test]
fn building_a_formerly_nested_program_as_one_stack_removes_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("site.medimg");
    let out = dir.path().join("out");
    std::fs::write(&program, nested_program(8_000)).unwrap();
    medc().arg("build").arg(&program).arg("-o").arg(&out).assert().success();
    assert!(!files_in(&out.join("site")).is_empty());
    std::fs::write(out.join("site").join("notes.txt"), "kept").unwrap();
    // The same program as one stack, written where the parent was.
    std::fs::write(&program, generate::program("site", 4_000)).unwrap();
    let output = medc().arg("build").arg(&program).arg("-o").arg(out.join("site.template.json")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(read_json(&out.join("site.template.json"))["Resources"]["Vpc"].is_object());
    assert_eq!(files_in(&out.join("site")), ["notes.txt"]);
}
