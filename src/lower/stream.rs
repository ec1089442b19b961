//! Kinesis: a data stream encrypted with the key, provisioned or on demand.

use super::template::Resource;
use super::{integer, logical_id, text, Lowering};
use crate::check::model::Component;
use serde_json::json;

pub fn stream_id(component: &Component) -> String {
    logical_id(&component.name, "Stream")
}

pub fn lower(lowering: &mut Lowering<'_>, stream: &Component) {
    let settings = &stream.settings;
    let hours = match settings.value("retention") {
        Some(crate::types::Value::Duration(d)) => d.seconds() / 3_600,
        _ => 24,
    };
    let mut properties = json!({
        "Name": lowering.name(&[&stream.name]),
        "RetentionPeriodHours": hours,
    });
    if settings.on("encrypted") {
        properties["StreamEncryption"] = json!({ "EncryptionType": "KMS", "KeyId": lowering.key_arn() });
    }
    if text(settings, "mode", "provisioned") == "on_demand" {
        properties["StreamModeDetails"] = json!({ "StreamMode": "ON_DEMAND" });
    } else {
        properties["StreamModeDetails"] = json!({ "StreamMode": "PROVISIONED" });
        properties["ShardCount"] = json!(integer(settings, "shards", 1));
    }
    let id = stream_id(stream);
    lowering.add(&id, Resource::new("AWS::Kinesis::Stream", properties).policy(lowering.stateful_policy(false)));
    lowering.record_waivers(&id, stream);
}
