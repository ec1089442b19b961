//! AWS Backup: a vault encrypted with the key, a daily plan, and a selection
//! covering every Aurora cluster and EFS file system.

use super::network::assume;
use super::template::{get_att, reference, sub, Resource};
use super::{database, days, storage, text, Lowering};
use crate::check::model::Kind;
use serde_json::{json, Value};

pub fn lower(lowering: &mut Lowering<'_>) {
    let Some(backup) = lowering.program.of_kind(Kind::Backup).next() else { return };
    if !backup.settings.on("plan") {
        return;
    }
    let mut resources: Vec<Value> = Vec::new();
    for db in lowering.program.of_kind(Kind::Database) {
        let cluster = database::cluster_id(db);
        resources.push(sub(format!(
            "arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:cluster:${{{cluster}}}"
        )));
    }
    for efs in lowering.program.of_kind(Kind::Storage) {
        resources.push(sub(format!(
            "arn:${{AWS::Partition}}:elasticfilesystem:${{AWS::Region}}:${{AWS::AccountId}}:file-system/${{{}}}",
            storage::file_system_id(efs)
        )));
    }
    if resources.is_empty() {
        return;
    }
    let settings = &backup.settings;
    lowering.add(
        "BackupVault",
        Resource::new(
            "AWS::Backup::BackupVault",
            json!({ "BackupVaultName": lowering.name(&[&backup.name, "vault"]), "EncryptionKeyArn": lowering.key_arn() }),
        )
        .policy(lowering.stateful_policy(false)),
    );
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
                    "ScheduleExpression": text(settings, "schedule", "cron(0 5 * * ? *)"),
                    "StartWindowMinutes": 60,
                    "CompletionWindowMinutes": 480,
                    "Lifecycle": { "DeleteAfterDays": days(settings, "retention", 35) },
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
