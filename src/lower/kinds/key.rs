//! The pipeline's customer-managed KMS key and its alias. The key policy
//! delegates to the account's IAM policies (so the services' roles, which
//! name the key and the service they reach it through, can use it) and
//! admits the two service principals that encrypt without a caller's
//! credentials: CloudWatch Logs and CloudWatch alarms.

use crate::check::view::Key;
use crate::lower::json::json;
use crate::lower::template::{reference, sub, Resource};
use crate::lower::Lowering;
use crate::naming::Named;

pub const KEY_ID: &str = "PipelineKey";

/// The key's alias, `alias/PIPELINE-key-SUFFIX`.
fn alias(base: &str) -> Named {
    Named::new("KMS alias", format!("alias/{base}"), 256)
}

pub fn names(base: &str) -> Vec<Named> {
    vec![alias(base)]
}

pub fn resources(lowering: &mut Lowering<'_>, view: &Key<'_>) {
    let key = view.component;
    let rotation_days = view.rotation_days();
    let pending_days = view.deletion_window_days();
    let region = lowering.region().to_string();
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministration",
                "Action": "kms:*",
                "Effect": "Allow",
                "Principal": { "AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root") },
                "Resource": "*"
            },
            {
                "Sid": "CloudWatchLogsEncryption",
                "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "Effect": "Allow",
                "Principal": { "Service": format!("logs.{region}.amazonaws.com") },
                "Resource": "*",
                "Condition": { "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*")
                } }
            },
            {
                "Sid": "AlarmNotificationsToEncryptedTopic",
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Effect": "Allow",
                "Principal": { "Service": "cloudwatch.amazonaws.com" },
                "Resource": "*",
                "Condition": { "StringEquals": { "aws:SourceAccount": reference("AWS::AccountId") } }
            }
        ]
    });
    let resource = Resource::new(
        "AWS::KMS::Key",
        json!({
            "Description": format!("{}: customer-managed key for every data store, log group, topic and vault", lowering.program.name.name),
                        "EnableKeyRotation": view.rotation,
            "RotationPeriodInDays": rotation_days,
            "PendingWindowInDays": pending_days,
            "KeySpec": "SYMMETRIC_DEFAULT",
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyPolicy": policy,
        }),
    )
    .policy(lowering.stateful_policy(false));
    lowering.add(KEY_ID, resource);
    lowering.record_waivers(KEY_ID, key);
    let alias = lowering.named(&alias(&lowering.base(&key.name)));
    lowering.add(
        "PipelineKeyAlias",
        Resource::new("AWS::KMS::Alias", json!({ "AliasName": alias, "TargetKeyId": reference(KEY_ID) })),
    );
}
