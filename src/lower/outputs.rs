//! Outputs, named as the task's integration tests read them from
//! `cfn-outputs/flat-outputs.json`, each exported with the suffix.

use super::template::{get_att, reference, sub, Export, Output};
use super::view::Typed;
use super::{
    alarms, api, bucket, cache, database, key, logical_id, network, service, storage, stream, Lowering,
    SUFFIX_PARAMETER,
};
use crate::check::model::Kind;
use serde_json::Value;

pub fn lower(lowering: &mut Lowering<'_>) {
    let program = lowering.program;
    let views = lowering.views;
    let mut outputs: Vec<(String, &str, Value)> = Vec::new();
    let mut add = |name: String, description: &'static str, value: Value| outputs.push((name, description, value));
    add("VpcId".into(), "the VPC", reference(network::VPC));
    add("KmsKeyId".into(), "the pipeline's customer-managed KMS key", reference(key::KEY_ID));
    add("KmsKeyArn".into(), "the ARN of the pipeline's KMS key", get_att(key::KEY_ID, "Arn"));
    add("LogBucketName".into(), "the bucket that receives access logs", reference(bucket::LOG_BUCKET));
    // The first component of a kind takes the plain name; later ones are
    // prefixed with their own name.
    let named = |first: bool, component: &str, plain: &str| {
        if first {
            plain.to_string()
        } else {
            logical_id(component, plain)
        }
    };
    for kind in [Kind::Database, Kind::Storage, Kind::Bucket, Kind::Cache, Kind::Stream, Kind::Service, Kind::Api] {
        for (n, component) in program.of_kind(kind).enumerate() {
            let first = n == 0;
            let name = &component.name;
            match kind {
                Kind::Database => {
                    add(
                        named(first, name, "DatabaseEndpoint"),
                        "the Aurora writer endpoint",
                        get_att(&database::cluster_id(component), "Endpoint.Address"),
                    );
                    add(
                        named(first, name, "DatabaseReaderEndpoint"),
                        "the Aurora reader endpoint",
                        get_att(&database::cluster_id(component), "ReadEndpoint.Address"),
                    );
                    add(
                        named(first, name, "DatabasePort"),
                        "the Aurora port",
                        get_att(&database::cluster_id(component), "Endpoint.Port"),
                    );
                    if let Some(Typed::Database(db)) = views.get(name) {
                        // The parameter of a `param` name exists: the cluster registered it.
                        add(
                            named(first, name, "DatabaseSecretArn"),
                            "the existing secret with the master credentials (partial ARN)",
                            sub(super::partial_secret_arn(&db.credentials.name_pattern())),
                        );
                    }
                }
                Kind::Storage => {
                    add(
                        named(first, name, "EfsFileSystemId"),
                        "the EFS file system",
                        reference(&storage::file_system_id(component)),
                    );
                    add(
                        named(first, name, "EfsAccessPointId"),
                        "the EFS access point",
                        reference(&storage::access_point_id(component)),
                    );
                }
                Kind::Bucket => add(
                    named(first, name, "ResultsBucketName"),
                    "the results bucket",
                    reference(&bucket::bucket_id(component)),
                ),
                Kind::Cache => {
                    add(
                        named(first, name, "RedisEndpoint"),
                        "the Redis primary endpoint",
                        get_att(&cache::replication_group_id(component), "PrimaryEndPoint.Address"),
                    );
                    add(
                        named(first, name, "RedisPort"),
                        "the Redis port",
                        get_att(&cache::replication_group_id(component), "PrimaryEndPoint.Port"),
                    );
                }
                Kind::Stream => {
                    add(
                        named(first, name, "KinesisStreamName"),
                        "the Kinesis stream",
                        reference(&stream::stream_id(component)),
                    );
                    add(
                        named(first, name, "KinesisStreamArn"),
                        "the Kinesis stream's ARN",
                        get_att(&stream::stream_id(component), "Arn"),
                    );
                }
                Kind::Service => {
                    if first {
                        add("EcsClusterName".into(), "the ECS cluster", reference(service::CLUSTER));
                    }
                    add(
                        named(first, name, "EcsServiceName"),
                        "the ECS service",
                        get_att(&service::service_id(component), "Name"),
                    );
                }
                Kind::Api => {
                    let domain = api::domain_id(component);
                    add(
                        named(first, name, "ApiGatewayUrl"),
                        "the API's URL (its mutual-TLS custom domain)",
                        sub(format!("https://${{{domain}}}/")),
                    );
                    add(named(first, name, "ApiDomainName"), "the API's custom domain", reference(&domain));
                    add(
                        named(first, name, "ApiRegionalDomainName"),
                        "the target of the domain's DNS record (CNAME or alias)",
                        get_att(&domain, "RegionalDomainName"),
                    );
                    add(named(first, name, "ApiRestApiId"), "the REST API", reference(&api::rest_api_id(component)));
                }
                Kind::Key | Kind::Secret | Kind::Network | Kind::Alarms | Kind::Backup => {}
            }
        }
    }
    if lowering.template.resources.contains_key(alarms::TOPIC) {
        add("AlarmTopicArn".into(), "the SNS topic alarms send to", reference(alarms::TOPIC));
    }
    let pipeline = program.name.name.replace('_', "-");
    for (name, description, value) in outputs {
        let export = Export { name: sub(format!("{pipeline}-${{{SUFFIX_PARAMETER}}}-{name}")) };
        lowering.template.outputs.insert(name, Output { description: description.to_string(), value, export });
    }
}
