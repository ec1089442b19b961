//! The checker under attack (docs/security.md): every secure setting of the
//! reference example flipped, wildcards in every spelling, names that could
//! collide across every pair of kinds, Unicode tricks, and random programs
//! built from valid parts. A program without waivers either is rejected
//! with a code, or compiles to a template with no breach (`medc::audit`);
//! medc never panics and never fails internally.

use medc::source::SourceFile;
use medc::{compile, Failed};
use proptest::prelude::*;

const EXAMPLE: &str = include_str!("../examples/medimg.medimg");

/// The example with every run of spaces made one, so that edits read as the
/// settings are written, whatever the example's alignment.
fn example() -> String {
    let mut out = String::with_capacity(EXAMPLE.len());
    for c in EXAMPLE.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// What compiling a text gave: the codes of its errors, or the template's
/// breaches (none expected). Panics on an internal error.
enum Outcome {
    Rejected(Vec<&'static str>),
    Compiled(Vec<String>),
}

fn outcome(text: &str) -> Outcome {
    match compile(&SourceFile::new("adversarial.medimg", text)) {
        Ok(compiled) => Outcome::Compiled(medc::audit::breaches(&compiled.template)),
        Err(Failed::Rejected { diagnostics }) => Outcome::Rejected(
            diagnostics
                .iter()
                .filter(|d| d.severity == medc::diagnostics::Severity::Error)
                .map(|d| d.code.code)
                .collect(),
        ),
        Err(Failed::Internal { error, .. }) => panic!("internal error on\n{text}\n{error}"),
    }
}

fn assert_rejected(text: &str, code: &str) {
    match outcome(text) {
        Outcome::Rejected(codes) => assert!(codes.contains(&code), "expected {code}, got {codes:?} for\n{text}"),
        Outcome::Compiled(_) => panic!("expected {code}, but it compiled:\n{text}"),
    }
}

fn assert_sound(text: &str) {
    if let Outcome::Compiled(breaches) = outcome(text) {
        assert!(breaches.is_empty(), "an accepted program breaches {breaches:?}:\n{text}");
    }
}

#[test]
fn the_example_compiles_without_a_breach() {
    match outcome(&example()) {
        Outcome::Compiled(breaches) => assert!(breaches.is_empty(), "{breaches:?}"),
        Outcome::Rejected(codes) => panic!("the example is rejected: {codes:?}"),
    }
}

/// (text of the example, its insecure replacement, the code expected)
const FLIPS: &[(&str, &str, &str)] = &[
    ("route GET \"/health\" -> processor", "route GET \"/health\" -> processor\n waf off", "MEDC-1030"),
    ("route GET \"/health\" -> processor", "route GET \"/health\" -> processor\n tracing off", "MEDC-1013"),
    ("connects aurora, queue", "connects aurora, queue\n exec on", "MEDC-1019"),
    ("credentials db_admin", "credentials db_admin iam_auth off", "MEDC-1032"),
    ("bucket s3 results < versioning on >", "bucket s3 results < versioning on noncurrent_expiry 1d >", "MEDC-1012"),
    ("path \"/dicom\"", "path \"/dicom\" permissions \"0777\"", "MEDC-1016"),
    ("network < azs 2 flow_logs on >", "network < azs 2 flow_logs on egress nat >", "MEDC-1018"),
    ("waive MEDC-1022", "// waive MEDC-1022", "MEDC-1022"),
    ("alarms < notify param AlarmEmail >", "alarms < notify param AlarmEmail cpu 100% >", "MEDC-0262"),
    ("alarms < notify param AlarmEmail >", "alarms < notify \" @ \" >", "MEDC-0259"),
    ("connects aurora, queue", "connects aurora, queue\n health \"/health; echo\"", "MEDC-0254"),
    ("mount scratch at \"/mnt/dicom\"", "mount scratch at \"/usr/local/bin\"", "MEDC-1019"),
    ("mount scratch at \"/mnt/dicom\"", "mount scratch at \"/tmp\"", "MEDC-0255"),
    ("connects aurora, queue", "connects aurora, queue\n env < AURORA_HOST \"db.attacker.example\" >", "MEDC-0256"),
    ("connects aurora, queue", "connects aurora, queue\n env < DB_PASSWORD \"hunter2\" >", "MEDC-1006"),
    ("--listen 0.0.0.0:8443", "--listen 0.0.0.0:8443 --password hunter2", "MEDC-1006"),
    ("network < azs 2 flow_logs on >", "network < azs 2 flow_logs on cidr \"10.40.0.0/24\" >", "MEDC-0253"),
    ("backup < retention 35d >", "backup < retention 35d schedule \"cron(0 5 1 1 ? 2099)\" >", "MEDC-0258"),
    ("backup < retention 35d >", "backup < retention 35d schedule \"cron(0 5 ? * MON *)\" >", "MEDC-1011"),
    ("tasks 2..6 on cpu 70%", "tasks 2..6 on cpu 0%", "MEDC-0202"),
    ("capacity 0.5..4", "version 016.8  capacity 0.5..4", "MEDC-0007"),
    ("existing \"medimg/aurora-admin\"", "existing \"*\"", "MEDC-0251"),
    ("existing \"medimg/redis-auth\"", "existing \"medimg/redis-auth\" key \"*\"", "MEDC-0252"),
    ("existing \"medimg/aurora-admin\"", "existing param AdminSecret", "MEDC-0260"),
    (
        "network < azs 2 flow_logs on >",
        "network < azs 0 flow_logs on waive MEDC-1008 \"a single zone CI stack with synthetic data\" >",
        "MEDC-0202",
    ),
];

#[test]
fn every_flipped_protection_is_an_error() {
    let example = example();
    for (original, insecure, code) in FLIPS {
        assert_eq!(example.matches(original).count(), 1, "`{original}` appears once in the example");
        assert_rejected(&example.replacen(original, insecure, 1), code);
    }
}

/// Every way IAM reads a wildcard, and the actions that escalate.
#[test]
fn wildcards_and_escalation_in_every_spelling() {
    let grants: &[(&str, &str, &str)] = &[
        ("*", "arn:aws:s3:::medimg-exports/report.csv", "MEDC-1016"),
        ("s3:*", "arn:aws:s3:::medimg-exports/report.csv", "MEDC-1016"),
        ("s3:Get*", "arn:aws:s3:::medimg-exports/report.csv", "MEDC-1016"),
        ("s3:GetObjec?", "arn:aws:s3:::medimg-exports/report.csv", "MEDC-1016"),
        ("s3:???????????", "arn:aws:s3:::medimg-exports/report.csv", "MEDC-1016"),
        ("s3:GetObject", "*", "MEDC-1016"),
        ("s3:GetObject", "arn:aws:s3:::medimg-exports/*", "MEDC-1016"),
        ("s3:GetObject", "arn:aws:s3:::medimg-export?/report.csv", "MEDC-1016"),
        ("s3:GetObject", "medimg-exports", "MEDC-1016"),
        ("s3:GetObjekt", "arn:aws:s3:::medimg-exports/report.csv", "MEDC-0250"),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/admin", "MEDC-1031"),
        ("IAM:passrole", "arn:aws:iam::123456789012:role/admin", "MEDC-1031"),
        ("iam:AttachRolePolicy", "arn:aws:iam::123456789012:role/app", "MEDC-1031"),
        ("iam:PutRolePolicy", "arn:aws:iam::123456789012:role/app", "MEDC-1031"),
        ("iam:CreatePolicyVersion", "arn:aws:iam::123456789012:policy/app", "MEDC-1031"),
        ("iam:SetDefaultPolicyVersion", "arn:aws:iam::123456789012:policy/app", "MEDC-1031"),
        ("iam:CreateAccessKey", "arn:aws:iam::123456789012:user/app", "MEDC-1031"),
        ("sts:AssumeRole", "arn:aws:iam::123456789012:role/admin", "MEDC-1031"),
        ("lambda:UpdateFunctionCode", "arn:aws:lambda:sa-east-1:123456789012:function:f", "MEDC-1031"),
        ("ssm:SendCommand", "arn:aws:ec2:sa-east-1:123456789012:instance/i-1", "MEDC-1031"),
        ("ecs:RunTask", "arn:aws:ecs:sa-east-1:123456789012:task-definition/t", "MEDC-1031"),
    ];
    for (action, resource, code) in grants {
        let text = format!(
            "pipeline medimg <\n  service fargate processor < image param ProcessorImage  grant \"{action}\" on \"{resource}\" >\n>\n"
        );
        assert_rejected(&text, code);
    }
    // Secrets and keys reach IAM too: their names are validated.
    for existing in ["*", "medimg/*", "medimg/aurora-?dmin", "medimg/aurora-admin-AbCdEf"] {
        let text = format!(
            "pipeline medimg <\n  secret db_admin < existing \"{existing}\" >\n  database aurora < credentials db_admin >\n>\n"
        );
        assert_rejected(&text, "MEDC-0251");
    }
}

/// The named kinds, each as a component with the fewest settings it needs.
const KINDS: &[(&str, &str)] = &[
    ("database aurora", ""),
    ("storage efs", ""),
    ("bucket s3", ""),
    ("cache redis", ""),
    ("stream kinesis", ""),
    ("service fargate", "image param ProcessorImage"),
    ("secret", "existing \"medimg/x\""),
    (
        "api",
        "domain \"imaging.example.org\"  certificate param CertificateArn  mtls < truststore param TruststoreUri >",
    ),
];

/// Names an attacker tries: words medc uses in its own logical ids and
/// resource names, and look-alikes.
const NAMES: &[&str] = &[
    "log",
    "logs",
    "ecs",
    "endpoint",
    "vpc",
    "key",
    "pipeline",
    "alarms",
    "backup",
    "network",
    "flow",
    "api",
    "db-main",
    "db_main",
    "aurora",
    "aurora-cluster",
    "queue",
    "results",
    "scratch",
    "processor",
    "ingest",
    "topic",
    "vault",
];

#[test]
fn no_two_names_collide_across_any_pair_of_kinds() {
    let mut compiled = 0;
    for (i, (kind_a, settings_a)) in KINDS.iter().enumerate() {
        for (kind_b, settings_b) in &KINDS[i..] {
            // Each name against two others, so that every name meets every
            // pair of kinds without compiling the whole square.
            for (n, name_a) in NAMES.iter().enumerate() {
                for name_b in [NAMES[(n + 1) % NAMES.len()], NAMES[(n + 7) % NAMES.len()]] {
                    let text = format!(
                        "pipeline medimg <\n  {kind_a} {name_a} < {settings_a} >\n  {kind_b} {name_b} < {settings_b} >\n>\n"
                    );
                    if let Outcome::Compiled(breaches) = outcome(&text) {
                        compiled += 1;
                        assert!(breaches.is_empty(), "{breaches:?}\n{text}");
                    }
                }
            }
        }
    }
    assert!(compiled > 800, "{compiled} programs compiled: the pairs must mostly be valid to test anything");
}

/// Every component of an accepted program owns resources: none vanished.
#[test]
fn every_component_keeps_its_resources() {
    let compiled = compile(&SourceFile::new("medimg.medimg", example())).map_err(|_| ()).unwrap();
    for component in &compiled.program.components {
        let owns = compiled.template.resources.values().any(|r| r.owner.as_deref() == Some(component.name.as_str()));
        let kind = component.kind.name();
        assert!(owns || kind == "secret", "{kind} `{}` has no resource", component.name);
    }
}

#[test]
fn unicode_tricks_are_refused() {
    let example = example();
    for bidi in
        ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']
    {
        for place in ["// Credentials are", "owner \"imaging", "never real patient"] {
            let text = example.replacen(place, &format!("{place}{bidi}"), 1);
            assert_rejected(&text, "MEDC-0019");
        }
    }
    // A reason of invisible characters, of dots, or of blank space explains nothing.
    let reasons = [
        "\\u{200B}".repeat(25),
        "\\u{0}".repeat(25),
        ".".repeat(25),
        format!("a{}b", " ".repeat(25)),
        "\\u{FEFF}CI creates and deletes this stack".to_string(),
    ];
    for reason in reasons {
        let text = example.replacen(
            "\"CI creates and deletes this stack with synthetic studies only, never real patient data\"",
            &format!("\"{reason}\""),
            1,
        );
        assert_rejected(&text, "MEDC-0301");
    }
    // A Cyrillic `а` in a name is not the Latin one.
    assert_rejected(&example.replacen("connects aurora", "connects \u{0430}urora", 1), "MEDC-0014");
}

/// A service's environment, as the lowering writes it, only holds names the
/// checker reserves: the checker refuses exactly what medc sets.
#[test]
fn the_environment_medc_sets_is_reserved() {
    let compiled = compile(&SourceFile::new("medimg.medimg", example())).map_err(|_| ()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&compiled.json).unwrap();
    let mut names = Vec::new();
    for resource in json["Resources"].as_object().unwrap().values() {
        for definition in resource["Properties"]["ContainerDefinitions"].as_array().into_iter().flatten() {
            for variable in definition["Environment"].as_array().into_iter().flatten() {
                names.push(variable["Name"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(names.len() > 5, "{names:?}");
    for name in names {
        let text =
            example().replacen("connects aurora, queue", &format!("connects aurora, queue\n env < {name} \"x\" >"), 1);
        assert_rejected(&text, "MEDC-0256");
    }
}

/// Settings a generated program may change, with values secure and not.
const CHANGES: &[(&str, &[&str])] = &[
    ("database aurora", &["iam_auth off", "multi_az off", "backup 1d", "version 016.8", "public on", ""]),
    ("bucket s3 results", &["versioning off", "noncurrent_expiry 1d", "public on", "access_logs off", ""]),
    ("storage efs scratch", &["permissions \"0777\"", "permissions \"0700\"", "uid 0", "tls off", ""]),
    ("cache redis queue", &["replicas 0", "multi_az off", "tls off", "snapshots 1d", ""]),
    (
        "service fargate processor",
        &[
            "exec on",
            "user root",
            "health \"/health; echo\"",
            "health \"/ready\"",
            "env < AURORA_HOST \"x\" >",
            "env < LOG_LEVEL \"info\" >",
            "env < API_TOKEN \"x\" >",
            "grant \"s3:*\" on \"*\"",
            "grant \"s3:GetObject\" on \"arn:aws:s3:::exports/a.csv\"",
            "grant \"iam:PassRole\" on \"arn:aws:iam::123456789012:role/r\"",
            "command \"/bin/app --password x\"",
            "tasks 1..2 on cpu 50%",
            "",
        ],
    ),
    ("network", &["azs 0", "azs 1", "egress nat", "cidr \"10.0.0.0/24\"", "flow_logs off", "public on", ""]),
    ("alarms", &["cpu 100%", "notify \" @ \"", "notify \"oncall@hospital.example\"", "actions off", ""]),
    ("backup", &["plan off", "schedule \"cron(0 5 31 2 ? *)\"", "retention 1d", ""]),
];

/// A program of the example's kinds, each with one change and a name from
/// the attacker's list.
fn program(choices: &[(usize, usize)]) -> String {
    let mut text = String::from("pipeline medimg <\n");
    let mut names = NAMES.iter().cycle();
    for (index, (head, values)) in CHANGES.iter().enumerate() {
        let Some((value, name)) = choices.get(index) else { continue };
        let value = values[value % values.len()];
        let head = match head.split_whitespace().count() {
            3 if name % 3 == 0 => {
                let named = names.nth(name % NAMES.len()).copied().unwrap_or("x");
                let mut words: Vec<&str> = head.split_whitespace().collect();
                words[2] = named;
                words.join(" ")
            }
            _ => head.to_string(),
        };
        let extra = if head.starts_with("service") {
            "image param ProcessorImage  mount scratch at \"/mnt/dicom\""
        } else {
            ""
        };
        text.push_str(&format!("  {head} < {extra}  {value} >\n"));
    }
    text.push_str(">\n");
    text
}

#[test]
fn a_generated_program_of_secure_choices_compiles() {
    // The last value of each change is "": nothing changed.
    let secure: Vec<(usize, usize)> = CHANGES.iter().map(|(_, values)| (values.len() - 1, 1)).collect();
    match outcome(&program(&secure)) {
        Outcome::Compiled(breaches) => assert!(breaches.is_empty(), "{breaches:?}"),
        Outcome::Rejected(codes) => panic!("{codes:?}\n{}", program(&secure)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The fuzz target's assertions, on stable: built from valid parts, a
    /// program is rejected with a code or compiles without a breach.
    #[test]
    fn generated_programs_are_rejected_or_sound(choices in prop::collection::vec((0usize..16, 0usize..64), 8)) {
        assert_sound(&program(&choices));
    }
}

/// A value supplied at deploy time that becomes an IAM resource is held to
/// the same syntax: a secret's key given as a parameter admits only a key
/// ARN, never `*` or an alias.
#[test]
fn a_key_parameter_admits_only_a_key_arn() {
    let text = "pipeline medimg <\n  secret queue_auth < existing \"medimg/redis-auth\"  key param SecretsKeyArn >\n  cache redis queue < auth queue_auth >\n  service fargate processor < image param ProcessorImage  connects queue >\n>\n";
    let compiled = compile(&SourceFile::new("key.medimg", text)).map_err(|_| ()).unwrap();
    let pattern = compiled.template.parameters["SecretsKeyArn"].allowed_pattern.clone().unwrap_or_default();
    assert!(pattern.starts_with("^arn:aws") && pattern.contains(":key/") && !pattern.contains(".+"), "{pattern}");
}
