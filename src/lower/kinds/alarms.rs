//! Monitoring: an SNS topic encrypted with the key, an e-mail subscription,
//! and CloudWatch alarms for every component, each sending to the topic.

use crate::check::view::Alarms;
use crate::lower::json::json;
use crate::lower::template::{reference, Resource};
use crate::lower::Lowering;
use crate::naming::Named;
use serde_json::Value;

pub const TOPIC: &str = "AlarmTopic";

/// One alarm: what it watches and when it fires.
pub struct Alarm {
    /// The start of its logical id and of its name.
    pub id: String,
    pub description: String,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimensions: Vec<(&'static str, Value)>,
    /// `Average`, `Maximum`, ... or a percentile such as `p99`.
    pub statistic: &'static str,
    pub threshold: f64,
    pub comparison: &'static str,
}

/// The comparison of most alarms.
pub const ABOVE: &str = "GreaterThanThreshold";

/// The topic's name.
fn topic_name(base: &str) -> Named {
    Named::new("SNS topic name", base.to_string(), 256)
}

pub fn names(base: &str) -> Vec<Named> {
    vec![topic_name(base)]
}

/// The topic, its policy and subscription, and every component's alarms.
pub fn resources(lowering: &mut Lowering<'_>, view: &Alarms<'_>) {
    let alarms = view.component;
    let mut topic = json!({ "TopicName": lowering.named(&topic_name(&lowering.base(&alarms.name))), "DisplayName": format!("{} alarms", lowering.program.name.name) });
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
        all.extend(super::alarms(lowering, component, view));
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
        if alarm.statistic.starts_with('p') {
            properties["ExtendedStatistic"] = json!(alarm.statistic);
        } else {
            properties["Statistic"] = json!(alarm.statistic);
        }
        lowering.add(&[alarm.id.as_str(), "Alarm"].concat(), Resource::new("AWS::CloudWatch::Alarm", properties));
    }
}
