//! The command line: exit statuses, every `--error-format`, and the
//! informational commands.

use assert_cmd::Command;
use serde_json::Value;

fn medc() -> Command {
    let mut command = Command::cargo_bin("medc").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

const BAD: &str = "tests/cases/err/names-unknown-setting.medimg";

#[test]
fn a_clean_program_exits_zero() {
    medc().args(["check", "examples/medimg.medimg"]).assert().code(0);
    medc().args(["check", "examples/minimal.medimg"]).assert().code(0).stderr("");
}

#[test]
fn a_program_with_errors_exits_one() {
    let output = medc().args(["check", BAD]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("MEDC-0101"), "{stderr}");
    assert!(stderr.contains("did you mean `multi_az`?"), "{stderr}");
    assert!(stderr.ends_with("medc: 1 error, 0 warnings\n"), "{stderr}");
}

#[test]
fn warnings_alone_exit_zero() {
    medc().args(["check", "tests/cases/warn/MEDC-0302-unused-waiver.medimg"]).assert().code(0);
}

#[test]
fn io_errors_exit_two_with_a_clear_message() {
    let output = medc().args(["check", "does/not/exist.medimg"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "error: cannot read `does/not/exist.medimg`: no such file\n");

    // A directory is a set of programs; one that holds none is an error.
    let empty = tempfile::tempdir().unwrap();
    let output = medc().arg("check").arg(empty.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).ends_with("holds no .medimg file\n"));
}

#[test]
fn usage_errors_exit_two() {
    medc().assert().code(2);
    medc().args(["frobnicate"]).assert().code(2);
    medc().args(["check"]).assert().code(2);
    medc().args(["check", "--error-format", "xml", BAD]).assert().code(2);
    medc().args(["explain", "MEDC-9999"]).assert().code(2);
}

#[test]
fn several_files_are_checked_in_one_run() {
    let output = medc()
        .args([
            "check",
            "--error-format",
            "short",
            "examples/medimg.medimg",
            BAD,
            "tests/cases/err/types-mismatch.medimg",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("names-unknown-setting.medimg:3:21: error[MEDC-0101]"), "{stderr}");
    assert!(stderr.contains("types-mismatch.medimg:3:28: error[MEDC-0201]"), "{stderr}");
}

#[test]
fn a_missing_file_does_not_stop_the_others() {
    let output = medc().args(["check", "--error-format", "short", "nope.medimg", BAD]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("nope.medimg") && stderr.contains("MEDC-0101"), "{stderr}");
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let output = medc()
        .args(["check", "--error-format", "short", "-"])
        .write_stdin("pipeline p < database aurora < backup 1d > >")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("<stdin>:1:32: error[MEDC-1010]"));
}

#[test]
fn short_format_is_one_line_per_diagnostic() {
    let output =
        medc().args(["check", "--error-format", "short", "tests/cases/err/many-problems.medimg"]).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    for line in stderr.lines() {
        let parts: Vec<&str> = line.splitn(4, ':').collect();
        assert_eq!(parts.len(), 4, "{line}");
        assert!(parts[1].parse::<usize>().is_ok() && parts[2].parse::<usize>().is_ok(), "{line}");
        assert!(parts[3].starts_with(" error[MEDC-") || parts[3].starts_with(" warning[MEDC-"), "{line}");
    }
    assert!(stderr.lines().count() >= 10);
}

#[test]
fn json_format_follows_the_documented_schema() {
    let output = medc().args(["check", "--error-format", "json", BAD]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document = stdout_json(&output);
    assert_eq!(document["schema"], "medc-diagnostics/1");
    let diagnostic = &document["diagnostics"][0];
    assert_eq!(diagnostic["file"], BAD);
    assert_eq!(diagnostic["code"], "MEDC-0101");
    assert_eq!(diagnostic["severity"], "error");
    assert!(diagnostic["message"].as_str().unwrap().starts_with("unknown setting `mutli_az`"));
    assert_eq!(diagnostic["help"], "did you mean `multi_az`?");
    assert_eq!(diagnostic["span"]["start_line"], 3);
    assert_eq!(diagnostic["span"]["start_column"], 21);
    assert_eq!(diagnostic["labels"][0]["primary"], true);

    // A clean program still prints a document, with no diagnostics.
    let output = medc().args(["check", "--error-format", "json", "examples/minimal.medimg"]).output().unwrap();
    assert_eq!(stdout_json(&output)["diagnostics"], serde_json::json!([]));
}

#[test]
fn sarif_format_is_sarif_2_1_0() {
    let output = medc()
        .args(["check", "--error-format", "sarif", "tests/cases/err/rule-MEDC-1007-multi-az.medimg"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let log = stdout_json(&output);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "medc");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "MEDC-1007");
    assert_eq!(result["level"], "error");
    let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "MEDC-1007");
    assert_eq!(rule["properties"]["citations"][0], "45 CFR 164.308(a)(7)(ii)(B)");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(3), Some(21)));
}

#[test]
fn human_output_has_no_colour_unless_asked() {
    let plain = medc().args(["check", BAD]).output().unwrap();
    assert!(!plain.stderr.contains(&0x1b));
    let coloured = medc().args(["check", "--color", "always", BAD]).output().unwrap();
    assert!(coloured.stderr.contains(&0x1b));
}

#[test]
fn every_code_is_explained() {
    for code in medc::diagnostics::codes::ALL {
        let output = medc().args(["explain", code.code]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", code.code);
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.starts_with(&format!("{}: {}", code.code, code.title)), "{text}");
    }
    let output = medc().args(["explain", "medc-1001"]).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("45 CFR 164.312(a)(2)(iv)"));
}

#[test]
fn rules_are_listed_as_json() {
    let output = medc().args(["rules", "--format", "json"]).output().unwrap();
    let rules = stdout_json(&output);
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 18, "{} rules", rules.len());
    for rule in rules {
        for key in ["code", "title", "severity", "citations", "waivable", "enforced_by"] {
            assert!(rule.get(key).is_some(), "{rule} lacks {key}");
        }
        let enforced = &rule["enforced_by"];
        assert!(
            enforced["constraints"].as_array().unwrap().len() + enforced["unit"].is_object() as usize > 0,
            "{rule}"
        );
    }
    let residency = rules.iter().find(|r| r["code"] == "MEDC-1020").unwrap();
    assert_eq!(residency["enforced_by"]["unit"]["file"], "src/check/rules/residency.rs");
    let table = medc().args(["rules"]).output().unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("MEDC-1006  error    no"));
}

#[test]
fn stdlib_is_printed() {
    let output = medc().args(["stdlib"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("kind database <") && text.contains("setting backup <\n      type    duration\n      default 7d")
    );
}

#[test]
fn build_writes_the_template_next_to_the_input_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pipeline.medimg");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/minimal.medimg"), &input).unwrap();
    medc().arg("build").arg(&input).assert().code(0);
    let written = std::fs::read_to_string(dir.path().join("pipeline.template.json")).unwrap();
    let template: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(template["AWSTemplateFormatVersion"], "2010-09-09");
}

#[test]
fn build_writes_where_asked_and_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    medc().args(["build", "examples/medimg.medimg", "-o"]).arg(&out).assert().code(0);
    let file = std::fs::read(&out).unwrap();
    let stdout = medc().args(["build", "examples/medimg.medimg", "-o", "-"]).output().unwrap();
    assert_eq!(stdout.status.code(), Some(0));
    assert_eq!(stdout.stdout, file, "the same program gives the same bytes, wherever they go");
}

#[test]
fn build_writes_nothing_when_the_program_has_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    std::fs::write(&out, "previous template").unwrap();
    medc().args(["build", BAD, "-o"]).arg(&out).assert().code(1);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous template", "the old file is untouched");
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn build_reports_an_unwritable_destination() {
    let output = medc().args(["build", "examples/minimal.medimg", "-o", "no/such/dir/out.json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write `no/such/dir/out.json`"));
}

#[test]
fn build_says_how_a_template_over_the_inline_limit_deploys() {
    // Over the limit even compact: the quota warning sends it through S3.
    let output = medc().args(["build", "examples/medimg.medimg", "-o", "-"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("MEDC-0232") && stderr.contains("--s3-bucket"), "{stderr}");
    assert!(!stderr.contains("--compact` writes it"), "{stderr}");
    // Over the limit only with indentation: the advice is `--compact`.
    let output = medc().args(["build", "examples/minimal.medimg", "-o", "-"]).output().unwrap();
    assert!(output.stdout.len() > medc::quotas::MAX_INLINE_BODY);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("over the 51,200 bytes") && stderr.contains("`--compact` writes it in"), "{stderr}");
    let output = medc().args(["build", "examples/minimal.medimg", "--compact", "-o", "-"]).output().unwrap();
    assert!(output.stdout.len() <= medc::quotas::MAX_INLINE_BODY);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn compact_output_is_the_same_template_in_fewer_bytes() {
    let pretty = medc().args(["build", "examples/minimal.medimg", "-o", "-"]).output().unwrap();
    let compact = medc().args(["build", "examples/minimal.medimg", "--compact", "-o", "-"]).output().unwrap();
    assert_eq!(compact.status.code(), Some(0));
    assert!(compact.stdout.len() < pretty.stdout.len() * 2 / 3, "{} bytes", compact.stdout.len());
    assert_eq!(compact.stdout.iter().filter(|b| **b == b'\n').count(), 1, "one line");
    let (pretty, compact): (Value, Value) =
        (serde_json::from_slice(&pretty.stdout).unwrap(), serde_json::from_slice(&compact.stdout).unwrap());
    assert_eq!(pretty, compact);
}

#[test]
fn params_lists_every_parameter_of_the_template() {
    let output = medc().args(["params", "examples/medimg.medimg"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let list = stdout_json(&output);
    let template = medc().args(["build", "examples/medimg.medimg", "-o", "-"]).output().unwrap();
    let template: Value = serde_json::from_slice(&template.stdout).unwrap();
    let declared: Vec<&String> = template["Parameters"].as_object().unwrap().keys().collect();
    let listed: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["ParameterKey"].as_str().unwrap()).collect();
    assert_eq!(declared, listed);
    assert_eq!(list[0], serde_json::json!({ "ParameterKey": "EnvironmentSuffix", "ParameterValue": "dev" }));

    let output = medc().args(["params", "examples/medimg.medimg", "--format", "overrides"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for key in declared {
        let line = text.lines().position(|l| l.starts_with(&format!("{key}="))).unwrap_or_else(|| panic!("{key}"));
        let comment = text.lines().nth(line - 1).unwrap();
        assert!(comment.starts_with("#   "), "{key} is explained: {comment}");
    }
}

#[test]
fn params_of_a_program_with_errors_writes_nothing() {
    let output = medc().args(["params", BAD]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
}

#[test]
fn bootstrap_writes_the_account_template() {
    let output = medc().args(["bootstrap"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let template = stdout_json(&output);
    assert_eq!(template["Resources"]["ApiGatewayAccount"]["Type"], "AWS::ApiGateway::Account");
}

/// Where each format says a program's first diagnostic is, as `line:column`.
fn first_position(format: &str, source: &str) -> String {
    let output = medc().args(["check", "--error-format", format, "-"]).write_stdin(source).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{format}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    match format {
        "human" => {
            let heading = stderr.split("[<stdin>:").nth(1).expect("a `[file:line:column]` heading");
            heading[..heading.find(']').unwrap()].to_string()
        }
        "short" => stderr.split(':').skip(1).take(2).collect::<Vec<_>>().join(":"),
        "json" => {
            let span = &serde_json::from_str::<Value>(&stdout).unwrap()["diagnostics"][0]["span"];
            format!("{}:{}", span["start_line"], span["start_column"])
        }
        "sarif" => {
            let log = serde_json::from_str::<Value>(&stdout).unwrap();
            let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
            format!("{}:{}", region["startLine"], region["startColumn"])
        }
        _ => unreachable!(),
    }
}

#[test]
fn every_format_counts_columns_in_characters() {
    // `í` and `ã` take two bytes each: the misspelt setting starts at
    // character 47 of line 2, which is byte 49.
    let source = "pipeline p <\n  owner \"Clínica São Paulo\" database aurora < mutli_az >\n>\n";
    let line = source.lines().nth(1).unwrap();
    let byte = line.find("mutli_az").unwrap();
    assert_eq!((line[..byte].chars().count() + 1, byte + 1), (47, 49));
    for format in ["human", "short", "json", "sarif"] {
        assert_eq!(first_position(format, source), "2:47", "{format}");
    }
}

#[test]
fn build_keeps_standard_error_one_document_in_the_machine_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    // A program that builds with a note, so the document is not empty.
    let program = "tests/cases/waived/MEDC-1018-internet-egress.medimg";
    for format in ["json", "sarif"] {
        let output = medc().args(["build", "--error-format", format, program, "-o"]).arg(&out).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}");
        let document: Value = serde_json::from_slice(&output.stderr)
            .unwrap_or_else(|e| panic!("{format}: standard error is not one document ({e})"));
        let notes = match format {
            "json" => document["diagnostics"].as_array().unwrap().len(),
            _ => document["runs"][0]["results"].as_array().unwrap().len(),
        };
        assert!(notes > 0, "{format}: {document}");
        assert!(out.exists(), "{format}: the template is written");
        std::fs::remove_file(&out).unwrap();
    }
    // People are told where the template went.
    let output = medc().args(["build", "--error-format", "short", program, "-o"]).arg(&out).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).ends_with(&format!("medc: wrote {}\n", out.display())));

    // A file that cannot be read, or written, is in the document too.
    let output = medc().args(["build", "--error-format", "json", "nope.medimg"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let document: Value = serde_json::from_slice(&output.stderr).unwrap();
    assert_eq!(document["failures"][0]["file"], "nope.medimg");
    assert_eq!(document["failures"][0]["message"], "cannot read `nope.medimg`: no such file");
    let output = medc()
        .args(["build", "--error-format", "sarif", "examples/minimal.medimg", "-o", "no/such/dir/out.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let log: Value = serde_json::from_slice(&output.stderr).unwrap();
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let text = invocation["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap();
    assert!(text.starts_with("cannot write `no/such/dir/out.json`"), "{text}");
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs medc with `args` under a shell that sets `umask`.
#[cfg(unix)]
fn medc_with_umask(umask: &str, args: &[&std::ffi::OsStr]) {
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("medc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
}

/// Builds the minimal example to `out` under a shell that sets `umask`.
#[cfg(unix)]
fn build_with_umask(umask: &str, out: &std::path::Path) {
    medc_with_umask(umask, &["build".as_ref(), "examples/minimal.medimg".as_ref(), "-o".as_ref(), out.as_os_str()]);
}

#[cfg(unix)]
#[test]
fn build_gives_the_template_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // A new file: 0666 less the umask, as any other tool would create it.
    let out = dir.path().join("new.json");
    build_with_umask("022", &out);
    assert_eq!(mode(&out), 0o644);
    let out = dir.path().join("private.json");
    build_with_umask("077", &out);
    assert_eq!(mode(&out), 0o600);
    // An existing file keeps its mode, whatever the umask.
    let out = dir.path().join("existing.json");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    build_with_umask("022", &out);
    assert_eq!(mode(&out), 0o640);
    assert!(std::fs::read_to_string(&out).unwrap().contains("AWSTemplateFormatVersion"), "replaced whole");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3, "no temporary file is left behind");

    // `medc init` writes its starter program the same way.
    let project = dir.path().join("project");
    medc_with_umask("022", &["init".as_ref(), project.as_os_str()]);
    assert_eq!(mode(&project.join("pipeline.medimg")), 0o644);
}

#[test]
fn sarif_marks_waived_findings_as_suppressed_in_source() {
    let case = "tests/cases/waived/MEDC-1001-encryption-at-rest.medimg";
    let output = medc().args(["check", "--error-format", "sarif", case]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let log = stdout_json(&output);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let waived: Vec<&Value> = results.iter().filter(|r| r["ruleId"] == "MEDC-1001").collect();
    assert!(!waived.is_empty(), "{log}");
    let source = std::fs::read_to_string(case).unwrap();
    for result in waived {
        assert_eq!(result["level"], "error", "the rule's own level; the suppression says it is let through");
        let suppression = &result["suppressions"][0];
        assert_eq!(suppression["kind"], "inSource");
        let reason = suppression["justification"].as_str().unwrap();
        assert!(source.contains(&format!("waive MEDC-1001 \"{reason}\"")), "{reason}");
        let line = suppression["location"]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() as usize;
        assert!(source.lines().nth(line - 1).unwrap().contains("waive MEDC-1001"), "points at the waiver");
    }
    assert!(results.iter().filter(|r| r["ruleId"] != "MEDC-1001").all(|r| r.get("suppressions").is_none()));
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_reports_an_unreadable_file_as_a_failed_execution() {
    let output = medc().args(["check", "--error-format", "sarif", "nope.medimg", BAD]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(output.stderr, b"", "everything is in the log");
    let run = &stdout_json(&output)["runs"][0];
    assert_eq!(run["results"][0]["ruleId"], "MEDC-0101", "the readable file is still checked");
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(notification["message"]["text"], "cannot read `nope.medimg`: no such file");
    let artifact = &notification["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!((artifact["uri"].as_str(), artifact["uriBaseId"].as_str()), (Some("nope.medimg"), Some("%SRCROOT%")));
}

#[test]
fn sarif_artifact_locations_are_file_uris() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("my pipelines");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("clínica #1.medimg");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/", "tests/cases/err/names-unknown-setting.medimg"), &file)
        .unwrap();
    let artifact = |output: &std::process::Output| {
        let log = stdout_json(output);
        let run = &log["runs"][0];
        (run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].clone(), run.clone())
    };

    // An absolute path is an absolute `file:` URI that names the same file.
    let output = medc().args(["check", "--error-format", "sarif"]).arg(&file).output().unwrap();
    let (location, run) = artifact(&output);
    let uri = location["uri"].as_str().unwrap();
    assert!(uri.starts_with("file:///") && uri.contains("my%20pipelines/cl%C3%ADnica%20%231.medimg"), "{uri}");
    assert!(location.get("uriBaseId").is_none() && run.get("originalUriBaseIds").is_none());
    assert_eq!(url::Url::parse(uri).unwrap().to_file_path().unwrap(), file);

    // A relative path is a relative reference, resolved against the
    // directory medc ran in, which the log names.
    let output = medc()
        .current_dir(dir.path())
        .args(["check", "--error-format", "sarif", "my pipelines/clínica #1.medimg"])
        .output()
        .unwrap();
    let (location, run) = artifact(&output);
    let reference = location["uri"].as_str().unwrap();
    assert_eq!(reference, "my%20pipelines/cl%C3%ADnica%20%231.medimg");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
    let root = url::Url::parse(run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap()).unwrap();
    assert!(root.path().ends_with('/'), "a base URI ends with a slash");
    let resolved = root.join(reference).unwrap().to_file_path().unwrap();
    assert_eq!(resolved.canonicalize().unwrap(), file.canonicalize().unwrap());
}

#[test]
fn many_programs_are_checked_in_a_stable_order_with_one_summary_and_the_worst_status() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/minimal.medimg")).unwrap();
    let bad = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BAD)).unwrap();
    for (name, text) in [("c.medimg", &good), ("a.medimg", &bad), ("b.medimg", &bad), ("notes.txt", &bad)] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let run = || medc().args(["check", "--error-format", "short"]).arg(dir.path()).output().unwrap();
    let output = run();
    assert_eq!(output.status.code(), Some(1), "one program with errors makes the run fail");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let a = stderr.find("a.medimg:").expect("a.medimg reported");
    let b = stderr.find("b.medimg:").expect("b.medimg reported");
    assert!(a < b, "programs are reported in path order: {stderr}");
    assert!(!stderr.contains("notes.txt"), "{stderr}");
    assert!(stderr.ends_with("medc: 3 pipelines, 2 with errors: 2 errors, 0 warnings\n"), "{stderr}");
    assert_eq!(stderr.matches("medc: ").count(), 1, "one summary line: {stderr}");
    assert_eq!(run().stderr, stderr.as_bytes(), "the same run prints the same report");

    let missing = medc().arg("check").arg(dir.path().join("c.medimg")).arg("no/such.medimg").output().unwrap();
    assert_eq!(missing.status.code(), Some(2), "an unreadable file is the worst status");
}

#[test]
fn many_programs_build_into_one_directory_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for site in ["east", "west"] {
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/minimal.medimg"),
            input.join(format!("{site}.medimg")),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let output = medc().arg("build").arg(&input).arg("-o").arg(&out).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let single = medc().args(["build", "examples/minimal.medimg", "-o", "-"]).output().unwrap().stdout;
    for site in ["east", "west"] {
        let written = std::fs::read(out.join(format!("{site}.template.json"))).unwrap();
        assert_eq!(written, single, "a template built in a batch is the one built alone");
    }
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.lines().last().unwrap().starts_with("medc: wrote 2 templates into "), "{stderr}");

    std::fs::copy(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BAD), input.join("broken.medimg")).unwrap();
    let refused = dir.path().join("refused");
    medc().arg("build").arg(&input).arg("-o").arg(&refused).assert().code(1);
    assert!(!refused.exists(), "nothing is written when one program has errors");
    medc().arg("build").arg(&input).args(["-o", "-"]).assert().code(2);
}

#[test]
fn explain_says_where_a_rule_is_enforced() {
    let explain = |code: &str| String::from_utf8(medc().args(["explain", code]).output().unwrap().stdout).unwrap();
    let encryption = explain("MEDC-1001");
    let enforced = encryption.split("enforced by:\n").nth(1).expect("an `enforced by` section");
    assert!(
        enforced.lines().any(|l| l.contains("database.encrypted") && l.contains("must be on  (stdlib/data.medimg)")),
        "{enforced}"
    );
    let residency = explain("MEDC-1020");
    assert!(residency.contains("src/check/rules/residency.rs"), "{residency}");
    let secrets = explain("MEDC-1006");
    assert!(
        secrets.contains("database.password") && secrets.contains("src/check/rules/literal_secret.rs"),
        "{secrets}"
    );
    assert!(!explain("MEDC-0101").contains("enforced by"), "language errors are enforced by the language");
}
