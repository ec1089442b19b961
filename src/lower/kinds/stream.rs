//! Kinesis: a data stream encrypted with the key, provisioned or on demand.

use super::alarms::{Alarm, ABOVE};
use super::service::{env_name, Wiring};
use super::Access;
use crate::check::model::Component;
use crate::check::view::Alarms;
use crate::check::view::{Stream, StreamMode};
use crate::lower::json::json;
use crate::lower::template::Resource;
use crate::lower::template::{get_att, reference};
use crate::lower::{logical_id, Lowering};
use crate::naming::Named;
use serde_json::Value;

pub fn stream_id(component: &Component) -> String {
    logical_id(&component.name, "Stream")
}

/// The stream's name.
fn stream_name(base: &str) -> Named {
    Named::new("Kinesis stream name", base.to_string(), 128)
}

pub fn names(base: &str) -> Vec<Named> {
    vec![stream_name(base)]
}

pub fn resources(lowering: &mut Lowering<'_>, view: &Stream<'_>) {
    let stream = view.component;
    let mut properties = json!({
        "Name": lowering.named(&stream_name(&lowering.base(&stream.name))),
        "RetentionPeriodHours": view.retention_hours(),
    });
    if view.encrypted {
        properties["StreamEncryption"] = json!({ "EncryptionType": "KMS", "KeyId": lowering.key_arn() });
    }
    match view.mode {
        StreamMode::OnDemand => properties["StreamModeDetails"] = json!({ "StreamMode": "ON_DEMAND" }),
        StreamMode::Provisioned => {
            properties["StreamModeDetails"] = json!({ "StreamMode": "PROVISIONED" });
            properties["ShardCount"] = json!(view.shards);
        }
    }
    let id = stream_id(stream);
    lowering.add(&id, Resource::new("AWS::Kinesis::Stream", properties).policy(lowering.stateful_policy(false)));
    lowering.record_waivers(&id, stream);
}

/// The alarms that watch a stream.
pub fn alarms(view: &Stream<'_>, thresholds: &Alarms<'_>) -> Vec<Alarm> {
    let component = view.component;
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = ABOVE;
    let dimension = vec![("StreamName", reference(&stream_id(component)))];
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

/// The stream's name and ARN.
pub fn outputs(view: &Stream<'_>) -> Vec<(&'static str, &'static str, Value)> {
    let stream = stream_id(view.component);
    vec![
        ("KinesisStreamName", "the Kinesis stream", reference(&stream)),
        ("KinesisStreamArn", "the Kinesis stream's ARN", get_att(&stream, "Arn")),
    ]
}

/// A service that `reads` or `writes`: the stream's name in its
/// environment, the Kinesis actions of that access on this stream, and the
/// key through Kinesis.
pub fn serve(kinesis: &Stream<'_>, access: Access<'_>, wiring: &mut Wiring) {
    let writes = match access {
        Access::Read => false,
        Access::Write => true,
        Access::Connect | Access::Mount(_) => return,
    };
    let name = kinesis.component.name.as_str();
    let stream = stream_id(kinesis.component);
    wiring.env(env_name(name, "STREAM"), reference(&stream));
    let actions: &[&str] = if writes {
        &["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"]
    } else {
        &[
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:ListShards",
            "kinesis:SubscribeToShard",
        ]
    };
    wiring.task_statements.push(json!({
        "Sid": format!("{}{}", if writes { "Write" } else { "Read" }, logical_id(name, "")),
        "Action": actions,
        "Effect": "Allow",
        "Resource": get_att(&stream, "Arn"),
    }));
    wiring.kms_via.push("kinesis");
}
