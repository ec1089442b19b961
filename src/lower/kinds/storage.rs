//! EFS: a file system encrypted with the key, a policy that refuses
//! anything but TLS, mount targets in every zone, an access point with a
//! fixed POSIX user, lifecycle transition and automatic backups.

use super::alarms::{Alarm, ABOVE};
use super::network;
use super::service::{self, env_name, Wiring};
use super::Access;
use crate::check::model::Component;
use crate::check::view::Service;
use crate::check::view::{Storage, Throughput};
use crate::lower::json::json;
use crate::lower::template::{get_att, reference, Resource};
use crate::lower::{logical_id, Lowering, Suppression};
use crate::InternalError;
use serde_json::Value;

pub fn security_group_id(component: &Component) -> String {
    logical_id(&component.name, "SecurityGroup")
}

pub fn file_system_id(component: &Component) -> String {
    logical_id(&component.name, "FileSystem")
}

pub fn access_point_id(component: &Component) -> String {
    logical_id(&component.name, "AccessPoint")
}

/// EFS's names for lifecycle transitions; the checker allows only these
/// (MEDC-0203), so another number is medc's bug.
fn transition(days: u64) -> Result<&'static str, InternalError> {
    Ok(match days {
        1 => "AFTER_1_DAY",
        7 => "AFTER_7_DAYS",
        14 => "AFTER_14_DAYS",
        30 => "AFTER_30_DAYS",
        60 => "AFTER_60_DAYS",
        90 => "AFTER_90_DAYS",
        180 => "AFTER_180_DAYS",
        270 => "AFTER_270_DAYS",
        365 => "AFTER_365_DAYS",
        other => return Err(InternalError(format!("EFS has no transition after {other} days"))),
    })
}

pub fn resources(lowering: &mut Lowering<'_>, storage: &Storage<'_>) -> Result<(), InternalError> {
    let efs = storage.component;
    let file_system = file_system_id(efs);
    let security_group = security_group_id(efs);
    network::security_group(
        lowering,
        &security_group,
        &format!("EFS {}: NFS from the services that mount it", efs.name),
        false,
    );
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyWithoutTls",
            "Action": "*",
            "Effect": "Deny",
            "Principal": { "AWS": "*" },
            "Condition": { "Bool": { "aws:SecureTransport": false } },
        }],
    });
    let throughput = match storage.throughput {
        Throughput::Bursting => "bursting",
        Throughput::Elastic => "elastic",
    };
    // The pipeline's backup plan selects every file system, into its own
    // vault under its key. EFS automatic backups would copy the same PHI
    // into AWS's default vault, outside the stack and its key, where it
    // outlives the stack: they serve only when no plan covers the storage.
    let covered_by_plan = lowering.backup.is_some_and(|b| b.plan);
    let automatic_backups = storage.backup && !covered_by_plan;
    let resource = Resource::new(
        "AWS::EFS::FileSystem",
        json!({
            "Encrypted": storage.encrypted,
            "KmsKeyId": lowering.key_arn(),
            "PerformanceMode": "generalPurpose",
            "ThroughputMode": throughput,
            "LifecyclePolicies": [
                { "TransitionToIA": transition(storage.transition_ia_days())? },
                { "TransitionToPrimaryStorageClass": "AFTER_1_ACCESS" },
            ],
            "BackupPolicy": { "Status": if automatic_backups { "ENABLED" } else { "DISABLED" } },
            "FileSystemPolicy": if storage.tls { policy } else { json!({ "Version": "2012-10-17", "Statement": [] }) },
        }),
    )
    .policy(lowering.stateful_policy(false));
    lowering.add(&file_system, resource);
    lowering.record_waivers(&file_system, efs);
    if covered_by_plan {
        lowering.suppress(
            &file_system,
            Suppression {
                reason: "the pipeline's AWS Backup plan selects this file system (BackupSelection), into its vault encrypted with the pipeline's key; EFS automatic backups would copy the scratch PHI into AWS's default vault, outside the stack and its key",
                checkov: &[],
                guard: &["EFS_IN_BACKUP_PLAN"],
                cdk_nag: &["HIPAA.Security-EFSInBackupPlan"],
                cfn_lint: &[],
            },
        );
    }

    for zone in 1..=network::zones(lowering) {
        lowering.add(
            &format!("{file_system}MountTarget{zone}"),
            Resource::new(
                "AWS::EFS::MountTarget",
                json!({
                    "FileSystemId": reference(&file_system),
                    "SubnetId": reference(&format!("IsolatedSubnet{zone}")),
                    "SecurityGroups": [get_att(&security_group, "GroupId")],
                }),
            ),
        );
    }
    let (uid, gid) = (storage.uid, storage.gid);
    let path = lowering.string_or_parameter(storage.path, "root directory of the EFS access point");
    let permissions =
        lowering.string_or_parameter(storage.permissions, "mode of the EFS access point's root directory");
    lowering.add(
        &access_point_id(efs),
        Resource::new(
            "AWS::EFS::AccessPoint",
            json!({
                "FileSystemId": reference(&file_system),
                "PosixUser": { "Uid": uid.to_string(), "Gid": gid.to_string() },
                "RootDirectory": {
                    "Path": path,
                    "CreationInfo": {
                        "OwnerUid": uid.to_string(),
                        "OwnerGid": gid.to_string(),
                        "Permissions": permissions,
                    },
                },
            }),
        ),
    );
    Ok(())
}

/// The alarms that watch a storage.
pub fn alarms(efs: &Storage<'_>) -> Vec<Alarm> {
    let component = efs.component;
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = ABOVE;
    let dimension = vec![("FileSystemId", reference(&file_system_id(component)))];
    if efs.throughput == Throughput::Bursting {
        vec![Alarm {
            id: id("BurstCredits"),
            description: format!("EFS {name}: burst credits running low"),
            namespace: "AWS/EFS",
            metric: "BurstCreditBalance",
            dimensions: dimension,
            statistic: "Minimum",
            threshold: 1e12,
            comparison: "LessThanThreshold",
        }]
    } else {
        vec![Alarm {
            id: id("IoLimit"),
            description: format!("EFS {name}: near its I/O limit"),
            namespace: "AWS/EFS",
            metric: "PercentIOLimit",
            dimensions: dimension,
            statistic: "Maximum",
            threshold: 90.0,
            comparison: above,
        }]
    }
}

/// The file system and its access point.
pub fn outputs(view: &Storage<'_>) -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("EfsFileSystemId", "the EFS file system", reference(&file_system_id(view.component))),
        ("EfsAccessPointId", "the EFS access point", reference(&access_point_id(view.component))),
    ]
}

/// A service that mounts the file system: a volume through the access
/// point with TLS and IAM, the mount point and its path in the
/// environment, the mount permission on this access point, and NFS through
/// the two security groups.
pub fn serve(
    lowering: &mut Lowering<'_>,
    efs: &Storage<'_>,
    service: &Service<'_>,
    access: Access<'_>,
    wiring: &mut Wiring,
) {
    let path = match access {
        Access::Mount(path) => path,
        Access::Connect | Access::Read | Access::Write => return,
    };
    let component = efs.component;
    let client = service.component;
    let file_system = file_system_id(component);
    let access_point = access_point_id(component);
    wiring.volumes.push(json!({
        "Name": &component.name,
        "EFSVolumeConfiguration": {
            "FilesystemId": reference(&file_system),
            "TransitEncryption": "ENABLED",
            "AuthorizationConfig": { "AccessPointId": reference(&access_point), "IAM": "ENABLED" },
        },
    }));
    wiring.mount_points.push(json!({ "SourceVolume": &component.name, "ContainerPath": path, "ReadOnly": false }));
    wiring.env(env_name(&component.name, "PATH"), json!(path));
    wiring.task_statements.push(json!({
        "Sid": format!("Mount{}", logical_id(&component.name, "")),
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Effect": "Allow",
        "Resource": get_att(&file_system, "Arn"),
        "Condition": { "StringEquals": { "elasticfilesystem:AccessPointArn": get_att(&access_point, "Arn") } },
    }));
    network::connect(
        lowering,
        &service::security_group_id(client),
        &security_group_id(component),
        2049,
        &format!("NFS (TLS) from service {}", client.name),
        &format!("NFS (TLS) to {}", component.name),
    );
}
