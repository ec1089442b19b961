//! ElastiCache Redis: a subnet group and a replication group with a primary
//! and replicas across zones, automatic failover, encryption at rest with the
//! key and in transit (required), the AUTH token from the existing secret,
//! snapshots, and the slow log delivered to an encrypted log group.

use super::network;
use super::template::{get_att, reference, sub, Resource};
use super::view::Cache;
use super::{logical_id, Lowering};
use crate::check::model::Component;
use serde_json::json;

pub fn security_group_id(component: &Component) -> String {
    logical_id(&component.name, "SecurityGroup")
}

pub fn replication_group_id(component: &Component) -> String {
    logical_id(&component.name, "ReplicationGroup")
}

pub fn lower(lowering: &mut Lowering<'_>, cache: &Cache<'_>) {
    let redis = cache.component;
    let id = |suffix: &str| logical_id(&redis.name, suffix);
    let token = lowering.resolve_secret(&cache.auth, "token");
    network::security_group(
        lowering,
        &security_group_id(redis),
        &format!("Redis {}: TLS from the services that connect", redis.name),
        false,
    );
    lowering.add(
        &id("SubnetGroup"),
        Resource::new(
            "AWS::ElastiCache::SubnetGroup",
            json!({
                "Description": format!("Redis {}: isolated subnets in every zone", redis.name),
                "SubnetIds": network::isolated_subnets(lowering),
            }),
        ),
    );
    let log_group = id("SlowLogGroup");
    lowering.log_group(&log_group, sub(format!("/medc/{}/slow-log", lowering.name_pattern(&[&redis.name]))));
    let multi_az = cache.multi_az;
    let replicas = cache.replicas;
    let group = replication_group_id(redis);
    let mut properties = json!({
        "ReplicationGroupId": lowering.name(&[&redis.name]),
        "ReplicationGroupDescription": format!("{}: processing queue", redis.name),
        "Engine": "redis",
        "EngineVersion": cache.version,
        "CacheNodeType": cache.node,
        "NumCacheClusters": replicas + 1,
        "MultiAZEnabled": multi_az,
        "AutomaticFailoverEnabled": multi_az && replicas > 0,
        "Port": cache.port,
        "CacheSubnetGroupName": reference(&id("SubnetGroup")),
        "SecurityGroupIds": [get_att(&security_group_id(redis), "GroupId")],
        "AtRestEncryptionEnabled": cache.encrypted,
        "KmsKeyId": lowering.key_arn(),
        "TransitEncryptionEnabled": cache.tls,
        "AuthToken": token,
        "SnapshotRetentionLimit": cache.snapshot_days(),
        "SnapshotWindow": "03:00-05:00",
        "PreferredMaintenanceWindow": "sun:06:00-sun:07:00",
        "AutoMinorVersionUpgrade": true,
    });
    if cache.tls {
        properties["TransitEncryptionMode"] = json!("required");
    }
    if cache.slow_log {
        properties["LogDeliveryConfigurations"] = json!([{
            "DestinationType": "cloudwatch-logs",
            "DestinationDetails": { "CloudWatchLogsDetails": { "LogGroup": reference(&log_group) } },
            "LogFormat": "json",
            "LogType": "slow-log",
        }]);
    }
    let resource =
        Resource::new("AWS::ElastiCache::ReplicationGroup", properties).policy(lowering.stateful_policy(true));
    lowering.add(&group, resource);
    lowering.record_waivers(&group, redis);
}
