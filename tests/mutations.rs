//! Turning any secure setting of the reference example insecure makes
//! `medc check` fail with that rule's code, at that line, citing the rule.

use medc::diagnostics::Severity;
use medc::source::SourceFile;

const EXAMPLE: &str = include_str!("../examples/medimg.medimg");

/// (text of the example, its insecure replacement, the code expected)
const MUTATIONS: &[(&str, &str, &str)] = &[
    ("key phi < rotation on >", "key phi < rotation off >", "MEDC-1002"),
    ("network < azs 2  flow_logs on >", "network < azs 1  flow_logs on >", "MEDC-1008"),
    ("network < azs 2  flow_logs on >", "network < azs 2  flow_logs off >", "MEDC-1013"),
    ("network < azs 2  flow_logs on >", "network < azs 2  flow_logs on  public on >", "MEDC-1017"),
    ("region       sa-east-1 ", "region       us-east-1 ", "MEDC-1020"),
    ("database aurora < multi_az ", "database aurora < multi_az off ", "MEDC-1007"),
    ("credentials db_admin  backup 7d", "credentials db_admin  backup 1d", "MEDC-1010"),
    ("credentials db_admin  backup 7d", "credentials db_admin  backup 7d  encrypted off", "MEDC-1001"),
    ("credentials db_admin  backup 7d", "credentials db_admin  backup 7d  tls off", "MEDC-1003"),
    ("credentials db_admin  backup 7d", "credentials db_admin  backup 7d  public on", "MEDC-1017"),
    ("credentials db_admin  backup 7d", "password \"hunter2\"  backup 7d", "MEDC-1006"),
    ("bucket s3 results < versioning on >", "bucket s3 results < versioning off >", "MEDC-1012"),
    ("bucket s3 results < versioning on >", "bucket s3 results < versioning on  public on >", "MEDC-1017"),
    ("auth queue_auth  snapshots 15d", "auth queue_auth  snapshots 1d", "MEDC-1010"),
    ("auth queue_auth  snapshots 15d", "auth queue_auth  snapshots 15d  tls off", "MEDC-1003"),
    ("cache redis queue < multi_az ", "cache redis queue < multi_az off ", "MEDC-1007"),
    ("stream kinesis events < shards 1 ", "stream kinesis events < shards 1  encrypted off ", "MEDC-1001"),
    ("tasks    2..6 on cpu 70%", "tasks    1..6 on cpu 70%", "MEDC-1009"),
    ("mount    scratch at \"/mnt/dicom\"", "mount    scratch at \"/mnt/dicom\"  user root", "MEDC-1019"),
    ("mount    scratch at \"/mnt/dicom\"", "mount    scratch at \"/mnt/dicom\"  read_only_root off", "MEDC-1019"),
    ("mount    scratch at \"/mnt/dicom\"", "mount    scratch at \"/mnt/dicom\"  grant \"s3:*\" on \"*\"", "MEDC-1016"),
    ("mtls < truststore param TruststoreUri  truststore_version param TruststoreVersion >", "mtls off", "MEDC-1004"),
    (
        "mtls < truststore param TruststoreUri  truststore_version param TruststoreVersion >",
        "mtls < truststore param TruststoreUri  truststore_version param TruststoreVersion >  default_endpoint on",
        "MEDC-1004",
    ),
    (
        "mtls < truststore param TruststoreUri  truststore_version param TruststoreVersion >",
        "mtls < truststore param TruststoreUri  truststore_version param TruststoreVersion >  data_trace on",
        "MEDC-1015",
    ),
    (
        "mtls < truststore param TruststoreUri  truststore_version param TruststoreVersion >",
        "mtls < truststore param TruststoreUri  truststore_version param TruststoreVersion >  tls_policy 1.0",
        "MEDC-1003",
    ),
    ("route GET \"/health\" -> processor", "route GET \"/health\" -> processor < authorization none >", "MEDC-1005"),
    ("alarms < notify param AlarmEmail >", "alarms < notify param AlarmEmail  actions off >", "MEDC-1021"),
    ("backup < retention 35d >", "backup < retention 35d  plan off >", "MEDC-1011"),
    ("storage efs scratch < path", "storage efs scratch < tls off  path", "MEDC-1003"),
    ("lifecycle    disposable ", "lifecycle    disposable  log_retention 30d ", "MEDC-1014"),
];

/// The text with every run of spaces made one, so that the mutations
/// read as the settings are written, whatever the example's alignment.
fn single_spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_insecure_change_is_an_error_at_its_line() {
    let example = single_spaced(EXAMPLE);
    let clean = medc::analyze(&SourceFile::new("medimg.medimg", example.clone()));
    assert!(!clean.has_errors());
    for (original, insecure, code) in MUTATIONS {
        let (original, insecure) = (single_spaced(original), single_spaced(insecure));
        let (original, insecure) = (original.as_str(), insecure.as_str());
        assert_eq!(example.matches(original).count(), 1, "`{original}` appears once in the example");
        let mutated = example.replacen(original, insecure, 1);
        let line = example[..example.find(original).unwrap()].matches('\n').count() + 1;
        let checked = medc::analyze(&SourceFile::new("medimg.medimg", mutated.clone()));
        let found = checked.diagnostics().iter().find(|d| d.code.code == *code && d.severity == Severity::Error);
        let Some(diagnostic) = found else {
            panic!(
                "`{insecure}` gave no {code}: {:?}",
                checked.diagnostics().iter().map(|d| d.code.code).collect::<Vec<_>>()
            );
        };
        let at = mutated[..diagnostic.primary.span.start].matches('\n').count() + 1;
        assert_eq!(at, line, "`{insecure}`: {code} is reported at line {at}");
        assert!(!diagnostic.code.citations.is_empty(), "{code} cites its rule");
    }
}
