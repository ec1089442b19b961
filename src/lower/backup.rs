//! AWS Backup: a vault encrypted with the key, a daily plan, and a selection
//! covering every Aurora cluster and EFS file system.

use super::network::assume;
use super::template::{get_att, reference, sub, Resource};
use super::view::Backup;
use super::{database, storage, Lowering};
use serde_json::{json, Value};

pub fn lower(lowering: &mut Lowering<'_>, view: &Backup<'_>) {
    let backup = view.component;
    if !view.plan {
        return;
    }
    let mut resources: Vec<Value> = Vec::new();
    for db in lowering.views.databases() {
        let cluster = database::cluster_id(db.component);
        resources.push(sub(format!(
            "arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:cluster:${{{cluster}}}"
        )));
    }
    for efs in lowering.views.storages() {
        resources.push(sub(format!(
            "arn:${{AWS::Partition}}:elasticfilesystem:${{AWS::Region}}:${{AWS::AccountId}}:file-system/${{{}}}",
            storage::file_system_id(efs.component)
        )));
    }
    if resources.is_empty() {
        return;
    }
    let vault = if view.encrypted {
        json!({ "BackupVaultName": lowering.name(&[&backup.name, "vault"]), "EncryptionKeyArn": lowering.key_arn() })
    } else {
        json!({ "BackupVaultName": lowering.name(&[&backup.name, "vault"]) })
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
                "BackupPlanName": lowering.name(&[&backup.name, "plan"]),
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
    lowering.add(
        "BackupRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "Description": "Lets AWS Backup take and restore recovery points of the pipeline's data stores",
                "AssumeRolePolicyDocument": assume("backup.amazonaws.com"),
                "ManagedPolicyArns": [
                    sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"),
                    sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"),
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
                    "Resources": resources,
                },
            }),
        ),
    );
}
