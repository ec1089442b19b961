//! Aurora PostgreSQL: subnet group, cluster parameter group forcing TLS,
//! the cluster (encrypted, IAM authentication, log export, backups,
//! Serverless v2 scaling), and a writer and readers in different zones.

use super::alarms::{Alarm, ABOVE};
use super::network::{self, assume};
use super::service::{self, env_name, Wiring};
use super::Access;
use crate::check::model::Component;
use crate::check::view::Database;
use crate::check::view::{Alarms, Service};
use crate::lower::json::json;
use crate::lower::template::{availability_zone, get_att, reference, sub, Resource};
use crate::lower::{logical_id, Lowering, Suppression};
use crate::naming::Named;
use serde_json::Value;

/// A database's security group, for the services that connect to it.
pub fn security_group_id(component: &Component) -> String {
    logical_id(&component.name, "SecurityGroup")
}

pub fn cluster_id(component: &Component) -> String {
    logical_id(&component.name, "Cluster")
}

/// The logical ids of a database's instances: the writer first.
pub fn instance_ids(database: &Database<'_>) -> Vec<String> {
    (1..=database.readers + 1).map(|n| logical_id(&database.component.name, &format!("Instance{n}"))).collect()
}

/// The most instances a cluster has: the writer and at most 15 readers.
const MAX_INSTANCES: u64 = 16;

fn cluster_name(base: &str) -> Named {
    Named::new("Aurora cluster identifier", base.to_string(), 63)
}

/// Instances are numbered: the writer 1, the readers from 2.
fn instance_name(base: &str, number: u64) -> Named {
    Named::new("Aurora instance identifier", format!("{base}-{number}"), 63)
}

/// The cluster's identifier, and the longest instance identifier.
pub fn names(base: &str) -> Vec<Named> {
    vec![cluster_name(base), instance_name(base, MAX_INSTANCES)]
}

pub fn resources(lowering: &mut Lowering<'_>, database: &Database<'_>) {
    let db = database.component;
    let id = |suffix: &str| logical_id(&db.name, suffix);
    let (min_acu, max_acu) = database.capacity;
    let username = lowering.resolve_secret(&database.credentials, "username");
    let password = lowering.resolve_secret(&database.credentials, "password");
    let database_name =
        lowering.string_or_parameter(database.database_name, "name of the database created in the cluster");

    network::security_group(
        lowering,
        &security_group_id(db),
        &format!("Aurora {}: PostgreSQL from the services that connect", db.name),
        false,
    );

    lowering.add(
        &id("SubnetGroup"),
        Resource::new(
            "AWS::RDS::DBSubnetGroup",
            json!({
                "DBSubnetGroupDescription": format!("Aurora {}: isolated subnets in every zone", db.name),
                "SubnetIds": network::isolated_subnets(lowering),
            }),
        ),
    );
    lowering.add(
        &id("ParameterGroup"),
        Resource::new(
            "AWS::RDS::DBClusterParameterGroup",
            json!({
                "Description": format!("Aurora {}: TLS required, connections logged", db.name),
                "Family": format!("aurora-postgresql{}", database.major_version()),
                "Parameters": {
                    "rds.force_ssl": if database.tls { "1" } else { "0" },
                    "ssl_min_protocol_version": "TLSv1.2",
                    "log_connections": "1",
                    "log_disconnections": "1",
                },
            }),
        ),
    );
    lowering.suppress(
        &id("ParameterGroup"),
        Suppression {
            reason: "a cluster parameter group holds engine settings, not data, so it has no storage to encrypt; the rule's unanchored type pattern /AWS::RDS::DBCluster/ also matches AWS::RDS::DBClusterParameterGroup. The cluster itself is encrypted with the pipeline's key",
            guard: &["RDS_STORAGE_ENCRYPTED"],
            ..Suppression::default()
        },
    );
    let cluster = cluster_id(db);
    // RDS would create the export's log group unencrypted and kept forever;
    // creating it first gives it the key and the retention.
    let log_group = id("LogGroup");
    lowering.log_group(&log_group, sub(format!("/aws/rds/cluster/{}/postgresql", lowering.name_pattern(&[&db.name]))));
    let resource = Resource::new(
        "AWS::RDS::DBCluster",
        json!({
            "DBClusterIdentifier": lowering.named(&cluster_name(&lowering.base(&db.name))),
            "Engine": "aurora-postgresql",
            "EngineVersion": database.version,
            "DatabaseName": database_name,
            "Port": database.port,
            "MasterUsername": username,
            "MasterUserPassword": password,
            "DBSubnetGroupName": reference(&id("SubnetGroup")),
            "DBClusterParameterGroupName": reference(&id("ParameterGroup")),
            "VpcSecurityGroupIds": [get_att(&security_group_id(db), "GroupId")],
            "StorageEncrypted": database.encrypted,
            "KmsKeyId": lowering.key_arn(),
            "EnableIAMDatabaseAuthentication": database.iam_auth,
            "EnableHttpEndpoint": database.data_api,
            "EnableCloudwatchLogsExports": if database.log_export { json!(["postgresql"]) } else { json!([]) },
            "BackupRetentionPeriod": database.backup_days(),
            "PreferredBackupWindow": "03:00-04:00",
            "PreferredMaintenanceWindow": "sun:05:00-sun:06:00",
            "CopyTagsToSnapshot": true,
            "DeletionProtection": database.deletion_protection,
            "ServerlessV2ScalingConfiguration": { "MinCapacity": min_acu, "MaxCapacity": max_acu },
        }),
    )
    .policy(lowering.stateful_policy(true))
    .depends_on(&log_group);
    lowering.add(&cluster, resource);
    lowering.record_waivers(&cluster, db);

    let monitoring_role = id("MonitoringRole");
    lowering.add(
        &monitoring_role,
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "Description": format!("Enhanced monitoring of Aurora {}", db.name),
                "AssumeRolePolicyDocument": assume("monitoring.rds.amazonaws.com"),
                "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")],
            }),
        ),
    );
    let interval = database.monitoring.as_secs();
    let zones = network::zones(lowering);
    for (n, instance) in instance_ids(database).iter().enumerate() {
        let resource = Resource::new(
            "AWS::RDS::DBInstance",
            json!({
                "DBInstanceIdentifier": lowering.named(&instance_name(&lowering.base(&db.name), n as u64 + 1)),
                "DBClusterIdentifier": reference(&cluster),
                "DBInstanceClass": "db.serverless",
                "Engine": "aurora-postgresql",
                "AvailabilityZone": availability_zone(n as u32 % zones),
                "PromotionTier": n,
                "PubliclyAccessible": database.public,
                "AutoMinorVersionUpgrade": true,
                "MonitoringInterval": interval,
                "MonitoringRoleArn": get_att(&monitoring_role, "Arn"),
                "EnablePerformanceInsights": database.performance_insights,
                "PerformanceInsightsKMSKeyId": lowering.key_arn(),
                "PerformanceInsightsRetentionPeriod": 7,
            }),
        )
        .policy(crate::lower::template::Policy::Delete);
        lowering.add(instance, resource);
        lowering.record_waivers(instance, db);
        lowering.suppress(
            instance,
            Suppression {
                reason: "Aurora instances inherit encryption at rest, backup retention, deletion protection and log export from their cluster, which sets them; the instance-level properties do not apply to Aurora members",
                                checkov: &[],
                guard: &["RDS_STORAGE_ENCRYPTED", "RDS_INSTANCE_DELETION_PROTECTION_ENABLED", "DB_INSTANCE_BACKUP_ENABLED", "RDS_INSTANCE_LOGGING_ENABLED", "RDS_MULTI_AZ_SUPPORT", "RDS_IN_BACKUP_PLAN"],
                cdk_nag: &["HIPAA.Security-RDSStorageEncrypted", "HIPAA.Security-RDSInstanceDeletionProtectionEnabled", "HIPAA.Security-RDSInstanceBackupEnabled", "HIPAA.Security-RDSLoggingEnabled", "HIPAA.Security-RDSInstanceMultiAZSupport", "HIPAA.Security-RDSInBackupPlan"],
                cfn_lint: &[],
            },
        );
    }
}

/// The alarms that watch a database.
pub fn alarms(view: &Database<'_>, thresholds: &Alarms<'_>) -> Vec<Alarm> {
    let component = view.component;
    let cpu = thresholds.cpu;
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = ABOVE;
    let cluster = cluster_id(component);
    let dimension = vec![("DBClusterIdentifier", reference(&cluster))];
    vec![
        Alarm {
            id: id("DatabaseCpu"),
            description: format!("Aurora {name}: CPU above {cpu}%"),
            namespace: "AWS/RDS",
            metric: "CPUUtilization",
            dimensions: dimension.clone(),
            statistic: "Average",
            threshold: cpu,
            comparison: above,
        },
        Alarm {
            id: id("DatabaseConnections"),
            description: format!("Aurora {name}: more than 500 connections"),
            namespace: "AWS/RDS",
            metric: "DatabaseConnections",
            dimensions: dimension.clone(),
            statistic: "Maximum",
            threshold: 500.0,
            comparison: above,
        },
        Alarm {
            id: id("DatabaseCapacity"),
            description: format!("Aurora {name}: Serverless v2 capacity above {cpu}% of its maximum"),
            namespace: "AWS/RDS",
            metric: "ACUUtilization",
            dimensions: dimension,
            statistic: "Average",
            threshold: cpu,
            comparison: above,
        },
    ]
}

/// The writer and reader endpoints, the port and the master secret.
pub fn outputs(view: &Database<'_>) -> Vec<(&'static str, &'static str, Value)> {
    let cluster = cluster_id(view.component);
    vec![
        ("DatabaseEndpoint", "the Aurora writer endpoint", get_att(&cluster, "Endpoint.Address")),
        ("DatabaseReaderEndpoint", "the Aurora reader endpoint", get_att(&cluster, "ReadEndpoint.Address")),
        (
            "DatabaseClusterArn",
            "the Aurora cluster's ARN, for the Data API (`aws rds-data execute-statement --resource-arn`)",
            sub(format!("arn:${{AWS::Partition}}:rds:${{AWS::Region}}:${{AWS::AccountId}}:cluster:${{{cluster}}}")),
        ),
        ("DatabasePort", "the Aurora port", get_att(&cluster, "Endpoint.Port")),
        (
            "DatabaseSecretArn",
            "the existing secret with the master credentials (partial ARN)",
            // A `param` name's parameter exists: the cluster registered it.
            sub(crate::lower::partial_secret_arn(&view.credentials.name_pattern())),
        ),
    ]
}

/// A service that `connects`: endpoint, port, database and user in its
/// environment; IAM authentication (or the master secret without it); and
/// PostgreSQL through the two security groups.
pub fn serve(
    lowering: &mut Lowering<'_>,
    db: &Database<'_>,
    service: &Service<'_>,
    access: Access<'_>,
    wiring: &mut Wiring,
) {
    match access {
        Access::Connect => {}
        Access::Read | Access::Write | Access::Mount(_) => return,
    }
    let name = db.component.name.as_str();
    let client = service.component;
    let cluster = cluster_id(db.component);
    let port = db.port;
    wiring.env(env_name(name, "HOST"), get_att(&cluster, "Endpoint.Address"));
    wiring.env(env_name(name, "PORT"), json!(port.to_string()));
    let database_name = lowering.string_or_parameter(db.database_name, "name of the database created in the cluster");
    wiring.env(env_name(name, "DATABASE"), database_name);
    wiring.env(env_name(name, "USER"), json!(&client.name));
    if db.iam_auth {
        wiring.task_statements.push(json!({
            "Sid": format!("Connect{}", logical_id(name, "")),
            "Action": "rds-db:connect",
            "Effect": "Allow",
            "Resource": sub(format!("arn:${{AWS::Partition}}:rds-db:${{AWS::Region}}:${{AWS::AccountId}}:dbuser:${{{cluster}.DBClusterResourceId}}/{}", client.name)),
        }));
    }
    // Without IAM authentication (a waived MEDC-1032) the service gets no
    // database credentials at all: the master credentials are for
    // administrators and never reach a service.
    network::connect(
        lowering,
        &service::security_group_id(client),
        &security_group_id(db.component),
        port,
        &format!("PostgreSQL from service {}", client.name),
        &format!("PostgreSQL to {name}"),
    );
}
