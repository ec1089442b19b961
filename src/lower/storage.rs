//! EFS: a file system encrypted with the key, a policy that refuses
//! anything but TLS, mount targets in every zone, an access point with a
//! fixed POSIX user, lifecycle transition and automatic backups.

use super::network;
use super::template::{get_att, reference, Resource};
use super::view::{Storage, Throughput};
use super::{logical_id, Lowering};
use crate::check::model::Component;
use crate::InternalError;
use serde_json::json;

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

pub fn lower(lowering: &mut Lowering<'_>, storage: &Storage<'_>) -> Result<(), InternalError> {
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
            "BackupPolicy": { "Status": if storage.backup { "ENABLED" } else { "DISABLED" } },
            "FileSystemPolicy": if storage.tls { policy } else { json!({ "Version": "2012-10-17", "Statement": [] }) },
        }),
    )
    .policy(lowering.stateful_policy(false));
    lowering.add(&file_system, resource);
    lowering.record_waivers(&file_system, efs);

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
