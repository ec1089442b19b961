//! Monitoring: an SNS topic encrypted with the key, an e-mail subscription,
//! and CloudWatch alarms for every component, each sending to the topic.

use super::template::{get_att, reference, sub, Resource};
use super::view::{Alarms, Throughput, Typed};
use super::{api, cache, database, logical_id, service, storage, stream, Lowering};
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

pub fn lower(lowering: &mut Lowering<'_>, view: &Alarms<'_>) {
    let alarms = view.component;
    let mut topic = json!({ "TopicName": lowering.name(&[&alarms.name]), "DisplayName": format!("{} alarms", lowering.program.name.name) });
    if view.encrypted {
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
    let endpoint = lowering.string_or_parameter(view.notify, "e-mail address that receives the pipeline's alarms");
    lowering.add(
        "AlarmSubscription",
        Resource::new(
            "AWS::SNS::Subscription",
            json!({ "TopicArn": reference(TOPIC), "Protocol": "email", "Endpoint": endpoint }),
        ),
    );

    let mut all = Vec::new();
    for component in &lowering.views.components {
        all.extend(alarms_for(lowering, component, view));
    }
    let actions = view.actions;
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

/// The alarms that watch one component, with the thresholds of `alarms`.
fn alarms_for(lowering: &Lowering<'_>, typed: &Typed<'_>, thresholds: &Alarms<'_>) -> Vec<Alarm> {
    let component = typed.component();
    let (cpu, memory) = (thresholds.cpu, thresholds.memory);
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = "GreaterThanThreshold";
    match typed {
        Typed::Database(_) => {
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
        Typed::Stream(_) => {
            let dimension = vec![("StreamName", reference(&stream::stream_id(component)))];
            vec![
                Alarm {
                    id: id("IteratorAge"),
                    description: format!("Kinesis {name}: consumers fall behind"),
                    namespace: "AWS/Kinesis",
                    metric: "GetRecords.IteratorAgeMilliseconds",
                    dimensions: dimension.clone(),
                    statistic: "Maximum",
                    threshold: thresholds.iterator_age.as_secs_f64() * 1000.0,
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
        Typed::Service(_) => {
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
        Typed::Cache(_) => {
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
        Typed::Storage(efs) => {
            let dimension = vec![("FileSystemId", reference(&storage::file_system_id(component)))];
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
        Typed::Api(api_view) => {
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
                    threshold: thresholds.latency.as_secs_f64() * 1000.0,
                    comparison: above,
                },
            ];
            let targets = api_view.targets();
            for target in lowering.program.components.iter().filter(|c| targets.iter().any(|t| t.name == c.name)) {
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
        Typed::Key(_)
        | Typed::Secret(_)
        | Typed::Network(_)
        | Typed::Bucket(_)
        | Typed::Alarms(_)
        | Typed::Backup(_) => Vec::new(),
    }
}
