//! Generated `.medimg` programs of a chosen size, for the benchmarks and
//! the measured commands of the README (`cargo run --release --example
//! generate`). A program is valid: it checks without errors and builds.
//!
//! It is the reference example's header, then as many copies as the size
//! asks of a tier (two secrets, a database, EFS, two buckets, one of them
//! waived, Redis, Kinesis and a Fargate service using all of them), then an
//! API routed to the first service.

/// A program of at least `bytes` bytes (and at least one tier).
pub fn program(name: &str, bytes: usize) -> String {
    let mut text = format!(
        "// Generated: about {bytes} bytes.\n\
         pipeline {name} <\n  region sa-east-1\n  jurisdiction brazil\n  compliance hipaa\n  lifecycle disposable\n  \
         waive MEDC-1022 \"a generated benchmark stack, never deployed with patient data\"\n  \
         owner \"imaging-platform\"\n  tags < cost_center \"radiology\" >\n  key phi < rotation on >\n  \
         network < azs 2  flow_logs on >\n  alarms < notify param AlarmEmail >\n  backup < retention 35d >\n"
    );
    let mut tier = 0;
    while tier == 0 || text.len() + API.len() + 2 < bytes {
        push_tier(&mut text, name, tier);
        tier += 1;
    }
    text.push_str(API);
    text.push_str(">\n");
    text
}

const API: &str = "  api ingest <\n    domain \"imaging.medtech.example\"\n    certificate param CertificateArn\n    \
                   mtls < truststore param TruststoreUri >\n    route POST \"/studies\" -> proc0\n  >\n";

fn push_tier(text: &mut String, name: &str, i: usize) {
    text.push_str(&format!(
        "  secret db_admin{i} < existing \"{name}/aurora-admin-{i}\" >\n  \
         secret queue_auth{i} < existing \"{name}/redis-auth-{i}\" >\n  \
         database aurora db{i} < version 16.8  capacity 0.5..4  credentials db_admin{i}  backup 7d >\n  \
         storage efs scratch{i} < path \"/dicom\"  uid 1000  gid 1000 >\n  \
         bucket s3 results{i} < versioning on >\n  \
         bucket s3 replay{i} < encrypted off  waive MEDC-1001 \"synthetic studies replayed in CI, never patient data\" >\n  \
         cache redis queue{i} < auth queue_auth{i}  snapshots 15d >\n  \
         stream kinesis events{i} < shards 1  retention 24h >\n  \
         service fargate proc{i} <\n    image param ProcessorImage\n    cpu 1024  memory 2048  tasks 2..6 on cpu 70%\n    \
         mount scratch{i} at \"/mnt/dicom\"\n    connects db{i}, queue{i}\n    writes events{i}, results{i}, replay{i}\n  >\n"
    ));
}

/// `count` programs of about `bytes` bytes each, named `site0`, `site1`, ...
pub fn pipelines(count: usize, bytes: usize) -> impl Iterator<Item = (String, String)> {
    (0..count).map(move |i| {
        let name = format!("site{i}");
        let text = program(&name, bytes);
        (name, text)
    })
}
