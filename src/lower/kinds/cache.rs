//! ElastiCache Redis: a subnet group and a replication group with a primary
//! and replicas across zones, automatic failover, encryption at rest with the
//! key and in transit (required), the AUTH token from the existing secret,
//! snapshots, and the slow log delivered to an encrypted log group.

use super::alarms::{Alarm, ABOVE};
use super::network;
use super::service::{self, env_name, Wiring};
use super::Access;
use crate::check::model::Component;
use crate::check::view::Cache;
use crate::check::view::{Alarms, Service};
use crate::lower::json::json;
use crate::lower::template::{get_att, reference, sub, Resource};
use crate::lower::{logical_id, Lowering};
use crate::naming::Named;
use serde_json::Value;

pub fn security_group_id(component: &Component) -> String {
    logical_id(&component.name, "SecurityGroup")
}

pub fn replication_group_id(component: &Component) -> String {
    logical_id(&component.name, "ReplicationGroup")
}

/// The replication group's id.
fn group_id(base: &str) -> Named {
    Named::new("ElastiCache replication group id", base.to_string(), 40)
}

pub fn names(base: &str) -> Vec<Named> {
    vec![group_id(base)]
}

pub fn resources(lowering: &mut Lowering<'_>, cache: &Cache<'_>) {
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
        "ReplicationGroupId": lowering.named(&group_id(&lowering.base(&redis.name))),
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

/// The alarms that watch a cache.
pub fn alarms(view: &Cache<'_>, thresholds: &Alarms<'_>) -> Vec<Alarm> {
    let component = view.component;
    let cpu = thresholds.cpu;
    let memory = thresholds.memory;
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = ABOVE;
    // ElastiCache reports per node (`GROUP-001`, `-002`, ...), and after a
    // failover the primary is another node: every node is watched, the
    // primary and each replica.
    let group = replication_group_id(component);
    let mut alarms = Vec::new();
    for node in 1..=1 + view.replicas {
        let dimension = vec![("CacheClusterId", sub(format!("${{{group}}}-{node:03}")))];
        let (suffix, which) = if node == 1 {
            (String::new(), String::new())
        } else {
            (format!("Node{node}"), format!(" node {node:03}"))
        };
        alarms.push(Alarm {
            id: id(&format!("CacheCpu{suffix}")),
            description: format!("Redis {name}{which}: engine CPU above {cpu}%"),
            namespace: "AWS/ElastiCache",
            metric: "EngineCPUUtilization",
            dimensions: dimension.clone(),
            statistic: "Average",
            threshold: cpu,
            comparison: above,
        });
        alarms.push(Alarm {
            id: id(&format!("CacheMemory{suffix}")),
            description: format!("Redis {name}{which}: memory above {memory}%"),
            namespace: "AWS/ElastiCache",
            metric: "DatabaseMemoryUsagePercentage",
            dimensions: dimension,
            statistic: "Average",
            threshold: memory,
            comparison: above,
        });
    }
    alarms
}

/// The primary endpoint and the port.
pub fn outputs(view: &Cache<'_>) -> Vec<(&'static str, &'static str, Value)> {
    let group = replication_group_id(view.component);
    vec![
        ("RedisEndpoint", "the Redis primary endpoint", get_att(&group, "PrimaryEndPoint.Address")),
        ("RedisPort", "the Redis port", get_att(&group, "PrimaryEndPoint.Port")),
    ]
}

/// A service that `connects`: primary and reader endpoints, port and TLS in
/// its environment, the AUTH token from the secret, and Redis through the
/// two security groups.
pub fn serve(
    lowering: &mut Lowering<'_>,
    redis: &Cache<'_>,
    service: &Service<'_>,
    access: Access<'_>,
    wiring: &mut Wiring,
) {
    match access {
        Access::Connect => {}
        Access::Read | Access::Write | Access::Mount(_) => return,
    }
    let name = redis.component.name.as_str();
    let client = service.component;
    let group = replication_group_id(redis.component);
    let port = redis.port;
    wiring.env(env_name(name, "HOST"), get_att(&group, "PrimaryEndPoint.Address"));
    wiring.env(env_name(name, "READER_HOST"), get_att(&group, "ReaderEndPoint.Address"));
    wiring.env(env_name(name, "PORT"), json!(port.to_string()));
    wiring.env(env_name(name, "TLS"), json!("true"));
    wiring.inject(lowering, &redis.auth, &[(env_name(name, "AUTH_TOKEN"), "token")]);
    network::connect(
        lowering,
        &service::security_group_id(client),
        &security_group_id(redis.component),
        port,
        &format!("Redis (TLS) from service {}", client.name),
        &format!("Redis (TLS) to {name}"),
    );
}
