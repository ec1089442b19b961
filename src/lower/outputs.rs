//! Outputs, named as the task's integration tests read them from
//! `cfn-outputs/flat-outputs.json`, each exported with the suffix: the
//! pipeline-wide ones here, each component's from its kind's module.

use super::kinds::{self, alarms, bucket, key, network};
use super::template::{get_att, reference, sub, Export, Output};
use super::{logical_id, Lowering, SUFFIX_PARAMETER};
use crate::check::model::Kind;
use serde_json::Value;

pub fn lower(lowering: &mut Lowering<'_>) {
    let views = lowering.views;
    let mut outputs: Vec<(String, &str, Value)> = vec![
        ("VpcId".into(), "the VPC", reference(network::VPC)),
        ("KmsKeyId".into(), "the pipeline's customer-managed KMS key", reference(key::KEY_ID)),
        ("KmsKeyArn".into(), "the ARN of the pipeline's KMS key", get_att(key::KEY_ID, "Arn")),
        ("LogBucketName".into(), "the bucket that receives access logs", reference(bucket::LOG_BUCKET)),
    ];
    // Grouped by kind; the first component of a kind takes the plain name,
    // later ones are prefixed with their own name.
    for kind in Kind::ALL {
        let of_kind = views.components.iter().filter(|c| c.component().kind == kind);
        for (n, typed) in of_kind.enumerate() {
            let first = n == 0;
            for (plain, description, value) in kinds::outputs(typed, first) {
                let name = if first { plain.to_string() } else { logical_id(&typed.component().name, plain) };
                outputs.push((name, description, value));
            }
        }
    }
    if lowering.template.resources.contains_key("BackupVault") {
        outputs.push((
            "BackupVaultName".into(),
            "the AWS Backup vault of the pipeline's recovery points",
            reference("BackupVault"),
        ));
    }
    if lowering.template.resources.contains_key(alarms::TOPIC) {
        outputs.push(("AlarmTopicArn".into(), "the SNS topic alarms send to", reference(alarms::TOPIC)));
    }
    let pipeline = lowering.program.name.name.replace('_', "-");
    for (name, description, value) in outputs {
        let export = Export { name: sub([pipeline.as_str(), "-${", SUFFIX_PARAMETER, "}-", &name].concat()) };
        lowering
            .template
            .outputs
            .insert(name, Output { description: description.to_string(), value, export: Some(export) });
    }
}
