//! The commands that help people read and start programs: `stdlib KIND
//! [SETTING]`, `explain SETTING`, `init`, `completions`, and the options CI
//! uses (`--deny warnings`, `--color` before the subcommand).

use assert_cmd::Command;

fn medc() -> Command {
    let mut command = Command::cargo_bin("medc").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn stdlib_prints_one_kind_as_declared() {
    let output = medc().args(["stdlib", "database"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("// stdlib/data.medimg:"), "{text}");
    assert!(text.contains("kind database <") && text.contains("setting backup <"), "{text}");
    assert!(!text.contains("kind storage"), "only the one kind: {text}");
}

#[test]
fn stdlib_prints_one_setting_with_its_default_and_rules() {
    let output = medc().args(["stdlib", "database", "backup"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("default:    7d"), "{text}");
    assert!(text.contains("MEDC-1010") && text.contains("45 CFR 164.308(a)(7)(ii)(A)"), "{text}");
}

#[test]
fn stdlib_suggests_a_kind_or_setting_for_a_typo() {
    let output = medc().args(["stdlib", "databse"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `database`?"));
    let output = medc().args(["stdlib", "database", "bakup"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `backup`?"));
}

#[test]
fn explain_takes_a_setting_name_as_well_as_a_code() {
    let output = medc().args(["explain", "database.backup"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("setting `backup` of kind `database`"));
    // A bare name declared by several kinds explains each of them.
    let text = stdout(&medc().args(["explain", "encrypted"]).output().unwrap());
    assert!(text.contains("of kind `database`") && text.contains("of kind `bucket`"), "{text}");
    let output = medc().args(["explain", "no_such_thing"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn init_writes_a_starter_that_checks_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new-pipeline");
    medc().arg("init").arg(&target).assert().code(0);
    let written = target.join("pipeline.medimg");
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("//"), "the starter explains itself in comments");
    medc().arg("check").arg(&written).assert().code(0).stderr("");
    medc().arg("build").arg(&written).args(["-o", "-"]).assert().code(0);
    std::fs::write(&written, "pipeline mine < >\n").unwrap();
    medc().arg("init").arg(&target).assert().code(2);
    assert_eq!(std::fs::read_to_string(&written).unwrap(), "pipeline mine < >\n");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let output = medc().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let text = stdout(&output);
        assert!(text.contains("medc") && text.contains("explain"), "{shell}: {text}");
    }
}

#[test]
fn deny_warnings_makes_a_warning_fail_the_run() {
    let warning = "tests/cases/warn/MEDC-0107-unused-secret.medimg";
    assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(warning).exists());
    medc().args(["check", warning]).assert().code(0);
    medc().args(["check", "-D", "warnings", warning]).assert().code(1);
    medc().args(["check", "--deny", "warnings", warning]).assert().code(1);
    medc().args(["check", "--deny", "warnings", "examples/minimal.medimg"]).assert().code(0);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.json");
    medc().args(["build", "-D", "warnings", warning, "-o"]).arg(&out).assert().code(1);
    assert!(!out.exists(), "nothing is written when warnings are denied");
}

#[test]
fn color_is_accepted_before_and_after_the_subcommand() {
    let bad = "tests/cases/err/names-unknown-setting.medimg";
    for args in [["--color", "always", "check", bad], ["check", bad, "--color", "always"]] {
        let output = medc().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stderr).contains('\u{1b}'), "{args:?} colours");
    }
    let output = medc().args(["--color", "never", "check", bad]).output().unwrap();
    assert!(!String::from_utf8_lossy(&output.stderr).contains('\u{1b}'));
}
