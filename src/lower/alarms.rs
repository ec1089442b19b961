//! Monitoring: an SNS topic encrypted with the key, an e-mail subscription,
//! and CloudWatch alarms for every component, each sending to the topic.

use super::template::{get_att, reference, sub, Resource};
use super::{api, cache, database, logical_id, service, storage, stream, text, Lowering};
use crate::check::model::Component;
use crate::check::model::Kind;
use crate::types::Value as Setting;
use serde_json::{json, Value};

pub const TOPIC: &str = "AlarmTopic";

/// One alarm: what it watches and when it fires.
struct Alarm {
    id: String,
    description: String,
    namespace: &'static str,
    metric: &'static str,
    dimensions: Vec<(&'static str, Value)>,
    statistic: &'static str,
    threshold: f64,
    comparison: &'static str,
}

fn percent(settings: &crate::check::model::Settings, name: &str) -> f64 {
    match settings.value(name) {
        Some(Setting::Percent(p)) => *p,
        _ => 80.0,
    }
}

fn seconds(settings: &crate::check::model::Settings, name: &str, fallback: u64) -> f64 {
    match settings.value(name) {
        Some(Setting::Duration(d)) => d.seconds() as f64,
        _ => fallback as f64,
    }
}

pub fn lower(lowering: &mut Lowering<'_>) {
    let Some(alarms) = lowering.program.of_kind(Kind::Alarms).next() else { return };
    let settings = &alarms.settings;
    let mut topic = json!({ "TopicName": lowering.name(&[&alarms.name]), "DisplayName": format!("{} alarms", lowering.program.name.name) });
    if settings.on("encrypted") {
        topic["KmsMasterKeyId"] = lowering.key_arn();
    }
    lowering.add(TOPIC, Resource::new("AWS::SNS::Topic", topic));
    lowering.record_waivers(TOPIC, alarms);
    lowering.add(
        "AlarmTopicPolicy",
        Resource::new(
            "AWS::SNS::TopicPolicy",
            json!({
                "Topics": [reference(TOPIC)],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "CloudWatchAlarms",
                            "Action": "sns:Publish",
                            "Effect": "Allow",
                            "Principal": { "Service": "cloudwatch.amazonaws.com" },
                            "Resource": reference(TOPIC),
                            "Condition": { "StringEquals": { "aws:SourceAccount": reference("AWS::AccountId") } },
                        },
                        {
                            "Sid": "DenyWithoutTls",
                            "Action": "sns:Publish",
                            "Effect": "Deny",
                            "Principal": { "AWS": "*" },
                            "Resource": reference(TOPIC),
                            "Condition": { "Bool": { "aws:SecureTransport": false } },
                        },
                    ],
                },
            }),
        ),
    );
    let endpoint = lowering.string(settings, "notify", "e-mail address that receives the pipeline's alarms");
    lowering.add(
        "AlarmSubscription",
        Resource::new(
            "AWS::SNS::Subscription",
            json!({ "TopicArn": reference(TOPIC), "Protocol": "email", "Endpoint": endpoint }),
        ),
    );

    let cpu = percent(settings, "cpu");
    let memory = percent(settings, "memory");
    let mut all = Vec::new();
    for component in &lowering.program.components {
        all.extend(alarms_for(lowering, component, cpu, memory, settings));
    }
    let actions = settings.on("actions");
    for alarm in all {
        let dimensions: Vec<Value> =
            alarm.dimensions.into_iter().map(|(name, value)| json!({ "Name": name, "Value": value })).collect();
        let mut properties = json!({
            "AlarmName": lowering.name(&[&alarm.id.to_lowercase()]),
            "AlarmDescription": alarm.description,
            "Namespace": alarm.namespace,
            "MetricName": alarm.metric,
            "Dimensions": dimensions,
            "Period": 300,
            "EvaluationPeriods": 3,
            "DatapointsToAlarm": 2,
            "Threshold": alarm.threshold,
            "ComparisonOperator": alarm.comparison,
            "TreatMissingData": "notBreaching",
            "ActionsEnabled": actions,
            "AlarmActions": [reference(TOPIC)],
            "OKActions": [reference(TOPIC)],
        });
        if let Some(percentile) = alarm.statistic.strip_prefix("p") {
            properties["ExtendedStatistic"] = json!(format!("p{percentile}"));
        } else {
            properties["Statistic"] = json!(alarm.statistic);
        }
        lowering.add(&format!("{}Alarm", alarm.id), Resource::new("AWS::CloudWatch::Alarm", properties));
    }
}

fn alarms_for(
    lowering: &Lowering<'_>,
    component: &Component,
    cpu: f64,
    memory: f64,
    settings: &crate::check::model::Settings,
) -> Vec<Alarm> {
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = "GreaterThanThreshold";
    match component.kind {
        Kind::Database => {
            let cluster = database::cluster_id(component);
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
        Kind::Stream => {
            let dimension = vec![("StreamName", reference(&stream::stream_id(component)))];
            vec![
                Alarm {
                    id: id("IteratorAge"),
                    description: format!("Kinesis {name}: consumers fall behind"),
                    namespace: "AWS/Kinesis",
                    metric: "GetRecords.IteratorAgeMilliseconds",
                    dimensions: dimension.clone(),
                    statistic: "Maximum",
                    threshold: seconds(settings, "iterator_age", 300) * 1000.0,
                    comparison: above,
                },
                Alarm {
                    id: id("WriteThrottling"),
                    description: format!("Kinesis {name}: writes throttled"),
                    namespace: "AWS/Kinesis",
                    metric: "WriteProvisionedThroughputExceeded",
                    dimensions: dimension,
                    statistic: "Sum",
                    threshold: 0.0,
                    comparison: above,
                },
            ]
        }
        Kind::Service => {
            let dimension = vec![
                ("ClusterName", reference(service::CLUSTER)),
                ("ServiceName", get_att(&service::service_id(component), "Name")),
            ];
            vec![
                Alarm {
                    id: id("ServiceCpu"),
                    description: format!("service {name}: CPU above {cpu}%"),
                    namespace: "AWS/ECS",
                    metric: "CPUUtilization",
                    dimensions: dimension.clone(),
                    statistic: "Average",
                    threshold: cpu,
                    comparison: above,
                },
                Alarm {
                    id: id("ServiceMemory"),
                    description: format!("service {name}: memory above {memory}%"),
                    namespace: "AWS/ECS",
                    metric: "MemoryUtilization",
                    dimensions: dimension,
                    statistic: "Average",
                    threshold: memory,
                    comparison: above,
                },
            ]
        }
        Kind::Cache => {
            // ElastiCache reports per node; the primary is node 001.
            let dimension =
                vec![("CacheClusterId", sub(format!("${{{}}}-001", cache::replication_group_id(component))))];
            vec![
                Alarm {
                    id: id("CacheCpu"),
                    description: format!("Redis {name}: engine CPU above {cpu}%"),
                    namespace: "AWS/ElastiCache",
                    metric: "EngineCPUUtilization",
                    dimensions: dimension.clone(),
                    statistic: "Average",
                    threshold: cpu,
                    comparison: above,
                },
                Alarm {
                    id: id("CacheMemory"),
                    description: format!("Redis {name}: memory above {memory}%"),
                    namespace: "AWS/ElastiCache",
                    metric: "DatabaseMemoryUsagePercentage",
                    dimensions: dimension,
                    statistic: "Average",
                    threshold: memory,
                    comparison: above,
                },
            ]
        }
        Kind::Storage => {
            let dimension = vec![("FileSystemId", reference(&storage::file_system_id(component)))];
            if text(&component.settings, "throughput", "elastic") == "bursting" {
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
        Kind::Api => {
            let rest = vec![("ApiName", sub(lowering.name_pattern(&[name]))), ("Stage", json!("api"))];
            let mut alarms = vec![
                Alarm {
                    id: id("Api5xx"),
                    description: format!("api {name}: server errors"),
                    namespace: "AWS/ApiGateway",
                    metric: "5XXError",
                    dimensions: rest.clone(),
                    statistic: "Sum",
                    threshold: 0.0,
                    comparison: above,
                },
                Alarm {
                    id: id("ApiLatency"),
                    description: format!("api {name}: p99 latency too high"),
                    namespace: "AWS/ApiGateway",
                    metric: "Latency",
                    dimensions: rest,
                    statistic: "p99",
                    threshold: seconds(settings, "latency", 5) * 1000.0,
                    comparison: above,
                },
            ];
            for target in
                lowering.program.components.iter().filter(|c| component.routes.iter().any(|r| r.target.name == c.name))
            {
                alarms.push(Alarm {
                    id: id(&logical_id(&target.name, "UnhealthyHosts")),
                    description: format!("api {name}: unhealthy tasks of service {}", target.name),
                    namespace: "AWS/NetworkELB",
                    metric: "UnHealthyHostCount",
                    dimensions: vec![
                        ("LoadBalancer", get_att(&api::load_balancer_id(component), "LoadBalancerFullName")),
                        ("TargetGroup", get_att(&api::target_group_id(component, target), "TargetGroupFullName")),
                    ],
                    statistic: "Maximum",
                    threshold: 0.0,
                    comparison: above,
                });
            }
            alarms
        }
        Kind::Key | Kind::Secret | Kind::Network | Kind::Bucket | Kind::Alarms | Kind::Backup => Vec::new(),
    }
}
