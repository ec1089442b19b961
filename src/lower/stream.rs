//! Kinesis: a data stream encrypted with the key, provisioned or on demand.

use super::template::Resource;
use super::view::{Stream, StreamMode};
use super::{logical_id, Lowering};
use crate::check::model::Component;
use serde_json::json;

pub fn stream_id(component: &Component) -> String {
    logical_id(&component.name, "Stream")
}

pub fn lower(lowering: &mut Lowering<'_>, view: &Stream<'_>) {
    let stream = view.component;
    let mut properties = json!({
        "Name": lowering.name(&[&stream.name]),
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
