//! AWS Backup: a vault encrypted with the key, a daily plan, and a selection
//! covering every Aurora cluster, EFS file system and backed-up bucket, by a
//! tag on each of them ([`PLAN_TAG`]). Buckets are
//! backed up in the region rather than replicated out of it (the standard
//! library's decision, `medc explain MEDC-1011`), which the replication rules
//! of the external checkers are told on each bucket.

use super::network::assume;
use super::{bucket, database, storage};
use crate::check::view::Backup;
use crate::lower::json::json;
use crate::lower::template::{get_att, reference, sub, Resource};
use crate::lower::{Lowering, Suppression};
use crate::naming::Named;
use crate::InternalError;
use serde_json::Value;

/// Why a bucket the plan covers has no replication configuration.
const BACKED_UP_NOT_REPLICATED: &str = "backed up, not replicated (standard library decision, `medc explain MEDC-1011`): AWS Backup keeps recovery points of every object version in the pipeline's KMS-encrypted vault in the pipeline's region, the retrievable exact copies 45 CFR 164.308(a)(7)(ii)(A) asks for; cross-region replication would carry PHI out of the jurisdiction's region (MEDC-1020, LGPD art. 33), and same-region replication would only repeat S3's own storage across the region's zones";

/// The tag on every store the plan covers, valued with the plan's name
/// (which holds the pipeline's and the environment's): the selection
/// picks the stores by it, so that it stays the same size however many
/// stores the pipeline has (AWS Backup takes at most 500 ARNs in one
/// selection, and a nested stack would need a parameter for each). A store
/// the plan does not cover (a bucket whose backup or versioning is waived)
/// does not carry it, and neither does another environment's store. The
/// colon keeps it apart from the pipeline's `tags`, whose names cannot
/// hold one.
pub const PLAN_TAG: &str = "medc:backup-plan";

/// Tags a store with the plan that covers it, beside the pipeline's tags.
/// The store's own copy of the shared tag list takes the tag, so that no
/// other resource carries it.
fn tag(id: &str, store: &mut Resource, plan: &Value) -> Result<(), InternalError> {
    match store.tag_value_mut() {
        Some(Value::Array(tags)) => {
            tags.push(json!({ "Key": PLAN_TAG, "Value": plan.clone() }));
            Ok(())
        }
        _ => Err(InternalError(format!("the backup plan covers `{id}`, whose tags are not a list"))),
    }
}

/// The vault's and the plan's names.
fn vault_name(base: &str) -> Named {
    Named::new("backup vault name", format!("{base}-vault"), 50)
}

fn plan_name(base: &str) -> Named {
    Named::new("backup plan name", format!("{base}-plan"), 50)
}

pub fn names(base: &str) -> Vec<Named> {
    vec![vault_name(base), plan_name(base)]
}

pub fn resources(lowering: &mut Lowering<'_>, view: &Backup<'_>) -> Result<(), InternalError> {
    let backup = view.component;
    let views = lowering.views;
    // The stores a plan covers, by logical id: clusters, file systems, and
    // the versioned buckets whose `backup` is on (AWS Backup for S3 needs
    // versioning), the log bucket among them.
    let mut stores: Vec<String> = Vec::new();
    stores.extend(views.databases().map(|db| database::cluster_id(db.component)));
    stores.extend(views.storages().map(|efs| storage::file_system_id(efs.component)));
    let mut buckets = vec![bucket::LOG_BUCKET.to_string()];
    buckets.extend(views.buckets().filter(|b| b.backup && b.versioning).map(|b| bucket::bucket_id(b.component)));
    if !view.plan {
        // A waived plan concerns every store it would have covered.
        for id in stores.iter().chain(&buckets) {
            lowering.record_waivers(id, backup);
        }
        return Ok(());
    }
    let plan = lowering.named(&plan_name(&lowering.base(&backup.name)));
    // A store the plan should cover and cannot tag would go unbacked-up
    // without a word: that is medc's error, never the program's.
    for id in stores.iter().chain(&buckets) {
        match lowering.template.resources.get_mut(id) {
            Some(store) => tag(id, store, &plan)?,
            None => return Err(InternalError(format!("the backup plan covers `{id}`, which was not lowered"))),
        }
    }
    for id in &buckets {
        lowering.suppress(
            id,
            Suppression {
                reason: BACKED_UP_NOT_REPLICATED,
                guard: &["S3_BUCKET_REPLICATION_ENABLED"],
                cdk_nag: &["HIPAA.Security-S3BucketReplicationEnabled"],
                ..Suppression::default()
            },
        );
    }
    // Each type of store the pipeline has, named: a selection by tags alone
    // would follow the account's opt-in settings, which can leave out S3. A
    // type named this way is backed up whatever the opt-in, except Aurora,
    // whose clusters share the ARN type with RDS clusters: the Aurora opt-in
    // must be on (the README's once-per-region step checks it).
    let mut types = Vec::new();
    if views.databases().next().is_some() {
        types.push(sub("arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:*"));
    }
    if views.storages().next().is_some() {
        types.push(sub("arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}:file-system/*"));
    }
    types.push(sub("arn:${AWS::Partition}:s3:::*"));
    let vault = if view.encrypted {
        json!({ "BackupVaultName": lowering.named(&vault_name(&lowering.base(&backup.name))), "EncryptionKeyArn": lowering.key_arn() })
    } else {
        json!({ "BackupVaultName": lowering.named(&vault_name(&lowering.base(&backup.name))) })
    };
    let schedule = lowering.string_or_parameter(view.schedule, "cron expression of the daily backup (UTC)");
    lowering
        .add("BackupVault", Resource::new("AWS::Backup::BackupVault", vault).policy(lowering.stateful_policy(false)));
    lowering.record_waivers("BackupVault", backup);
    lowering.add(
        "BackupPlan",
        Resource::new(
            "AWS::Backup::BackupPlan",
            json!({ "BackupPlan": {
                "BackupPlanName": plan.clone(),
                "BackupPlanRule": [{
                    "RuleName": "daily",
                    "TargetBackupVault": reference("BackupVault"),
                    "ScheduleExpression": schedule,
                    "StartWindowMinutes": 60,
                    "CompletionWindowMinutes": 480,
                    "Lifecycle": { "DeleteAfterDays": view.retention_days() },
                }],
            } }),
        ),
    );
    // The managed policies let the role select by tag: `tag:GetResources`,
    // `rds:ListTagsForResource` and `elasticfilesystem:DescribeTags` in the
    // first, `s3:GetBucketTagging` in the second.
    lowering.add(
        "BackupRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "Description": "Lets AWS Backup take recovery points of the pipeline's data stores (restores attach AWSBackupServiceRolePolicyForRestores when needed)",
                "AssumeRolePolicyDocument": assume("backup.amazonaws.com"),
                "ManagedPolicyArns": [
                    sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"),
                    sub("arn:${AWS::Partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"),
                ],
            }),
        ),
    );
    lowering.add(
        "BackupSelection",
        Resource::new(
            "AWS::Backup::BackupSelection",
            json!({
                "BackupPlanId": reference("BackupPlan"),
                "BackupSelection": {
                    "SelectionName": "data-stores",
                    "IamRoleArn": get_att("BackupRole", "Arn"),
                    "Resources": types,
                    "Conditions": { "StringEquals": [
                        { "ConditionKey": format!("aws:ResourceTag/{PLAN_TAG}"), "ConditionValue": plan },
                    ] },
                },
            }),
        ),
    );
    Ok(())
}
