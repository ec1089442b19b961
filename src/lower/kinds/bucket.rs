//! S3: the pipeline's log bucket (server and load-balancer access logs) and
//! each results bucket: SSE-KMS with the key, versioning, every public-access
//! block, owner-enforced ownership, a TLS-only policy, access logging and
//! lifecycle rules.

use super::service::{env_name, Wiring};
use super::Access;
use crate::check::model::Component;
use crate::check::view::Bucket;
use crate::lower::json::json;
use crate::lower::template::{get_att, reference, sub, Resource};
use crate::lower::{logical_id, Lowering, Suppression};
use crate::naming::{self, Named};
use serde_json::Value;

pub const LOG_BUCKET: &str = "LogBucket";

pub fn bucket_id(component: &Component) -> String {
    logical_id(&component.name, "Bucket")
}

fn public_access_block() -> Value {
    json!({ "BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true })
}

/// Denies every request that does not use TLS.
fn deny_insecure_transport(bucket: &str) -> Value {
    json!({
        "Sid": "DenyWithoutTls",
        "Action": "s3:*",
        "Effect": "Deny",
        "Principal": { "AWS": "*" },
        "Resource": [get_att(bucket, "Arn"), sub(format!("${{{bucket}.Arn}}/*"))],
        "Condition": { "Bool": { "aws:SecureTransport": false } },
    })
}

/// The bucket every access log goes to. Its objects use SSE-S3: S3 server
/// access logging cannot write to a bucket encrypted with a KMS key.
pub fn log_bucket(lowering: &mut Lowering<'_>) {
    let retention = lowering.views.pipeline.log_retention_days();
    let resource = Resource::new(
        "AWS::S3::Bucket",
        json!({
            "BucketName": lowering.named(&Named::bucket(lowering.base("logs"))),
            "BucketEncryption": { "ServerSideEncryptionConfiguration": [
                { "ServerSideEncryptionByDefault": { "SSEAlgorithm": "AES256" } }
            ] },
            "VersioningConfiguration": { "Status": "Enabled" },
            "PublicAccessBlockConfiguration": public_access_block(),
            "OwnershipControls": { "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] },
            "LifecycleConfiguration": { "Rules": [{
                "Id": "expire-logs",
                "Status": "Enabled",
                "ExpirationInDays": retention,
                "NoncurrentVersionExpiration": { "NoncurrentDays": 30 },
                "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": 7 },
            }] },
        }),
    )
    .policy(lowering.stateful_policy(false));
    lowering.add(LOG_BUCKET, resource);
    lowering.suppress(
        LOG_BUCKET,
        Suppression {
            reason: "this is the access-log bucket itself: S3 server access logging cannot target a KMS-encrypted bucket, so it uses SSE-S3, and it does not log its own access",
                        checkov: &["CKV_AWS_18"],
            guard: &["S3_BUCKET_LOGGING_ENABLED", "S3_DEFAULT_ENCRYPTION_KMS"],
            cdk_nag: &["HIPAA.Security-S3BucketLoggingEnabled", "HIPAA.Security-S3DefaultEncryptionKMS"],
            cfn_lint: &[],
        },
    );
    let region = lowering.region().to_string();
    let mut statements = vec![
        deny_insecure_transport(LOG_BUCKET),
        json!({
            "Sid": "ServerAccessLogs",
            "Action": "s3:PutObject",
            "Effect": "Allow",
            "Principal": { "Service": "logging.s3.amazonaws.com" },
            "Resource": sub(format!("${{{LOG_BUCKET}.Arn}}/s3/*")),
            "Condition": {
                "StringEquals": { "aws:SourceAccount": reference("AWS::AccountId") },
                "ArnLike": { "aws:SourceArn": sub(format!("arn:${{AWS::Partition}}:s3:::{}-*", naming::stem(&[lowering.pipeline()]))) },
            },
        }),
    ];
    if !lowering.apis.is_empty() {
        // Network load balancers deliver access logs through the log
        // delivery service.
        statements.push(json!({
            "Sid": "LoadBalancerAccessLogs",
            "Action": "s3:PutObject",
            "Effect": "Allow",
            "Principal": { "Service": "delivery.logs.amazonaws.com" },
            "Resource": sub(format!("${{{LOG_BUCKET}.Arn}}/nlb/AWSLogs/${{AWS::AccountId}}/*")),
            "Condition": {
                "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": reference("AWS::AccountId") },
                "ArnLike": { "aws:SourceArn": sub(format!("arn:${{AWS::Partition}}:logs:{region}:${{AWS::AccountId}}:*")) },
            },
        }));
        statements.push(json!({
            "Sid": "LoadBalancerAccessLogsAclCheck",
            "Action": "s3:GetBucketAcl",
            "Effect": "Allow",
            "Principal": { "Service": "delivery.logs.amazonaws.com" },
            "Resource": get_att(LOG_BUCKET, "Arn"),
            "Condition": { "StringEquals": { "aws:SourceAccount": reference("AWS::AccountId") } },
        }));
    }
    lowering.add(
        "LogBucketPolicy",
        Resource::new(
            "AWS::S3::BucketPolicy",
            json!({ "Bucket": reference(LOG_BUCKET), "PolicyDocument": { "Version": "2012-10-17", "Statement": statements } }),
        ),
    );
}

/// The bucket's name, with the account id.
pub fn names(base: &str) -> Vec<Named> {
    vec![Named::bucket(base.to_string())]
}

pub fn resources(lowering: &mut Lowering<'_>, view: &Bucket<'_>) {
    let bucket = view.component;
    let id = bucket_id(bucket);
    let encryption = if view.encrypted {
        json!({ "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": lowering.key_arn() })
    } else {
        json!({ "SSEAlgorithm": "AES256" })
    };
    let public = view.public;
    let mut properties = json!({
        "BucketName": lowering.named(&Named::bucket(lowering.base(&bucket.name))),
        "BucketEncryption": { "ServerSideEncryptionConfiguration": [
            { "ServerSideEncryptionByDefault": encryption, "BucketKeyEnabled": true }
        ] },
        "VersioningConfiguration": { "Status": if view.versioning { "Enabled" } else { "Suspended" } },
        "PublicAccessBlockConfiguration": if public {
            json!({ "BlockPublicAcls": false, "BlockPublicPolicy": false, "IgnorePublicAcls": false, "RestrictPublicBuckets": false })
        } else {
            public_access_block()
        },
        "OwnershipControls": { "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] },
        "LifecycleConfiguration": { "Rules": [{
            "Id": "tier-and-expire-versions",
            "Status": "Enabled",
            "Transitions": [{ "StorageClass": "STANDARD_IA", "TransitionInDays": view.transition_ia_days() }],
            "NoncurrentVersionExpiration": { "NoncurrentDays": view.noncurrent_expiry_days() },
            "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": 7 },
        }] },
    });
    if view.access_logs {
        properties["LoggingConfiguration"] =
            json!({ "DestinationBucketName": reference(LOG_BUCKET), "LogFilePrefix": format!("s3/{}/", bucket.name) });
    }
    lowering.add(&id, Resource::new("AWS::S3::Bucket", properties).policy(lowering.stateful_policy(false)));
    lowering.record_waivers(&id, bucket);
    let mut statements = if view.tls { vec![deny_insecure_transport(&id)] } else { Vec::new() };
    if view.encrypted {
        // Uploads without encryption headers take the bucket's default (the
        // pipeline's key); uploads that name another key or another kind of
        // encryption are refused.
        let objects = sub(format!("${{{id}.Arn}}/*"));
        statements.push(json!({
            "Sid": "DenyOtherEncryption",
            "Action": "s3:PutObject",
            "Effect": "Deny",
            "Principal": { "AWS": "*" },
            "Resource": &objects,
            "Condition": {
                "StringNotEquals": { "s3:x-amz-server-side-encryption": "aws:kms" },
                "Null": { "s3:x-amz-server-side-encryption": "false" },
            },
        }));
        statements.push(json!({
            "Sid": "DenyOtherKeys",
            "Action": "s3:PutObject",
            "Effect": "Deny",
            "Principal": { "AWS": "*" },
            "Resource": objects,
            "Condition": {
                "StringNotEquals": { "s3:x-amz-server-side-encryption-aws-kms-key-id": lowering.key_arn() },
                "Null": { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
            },
        }));
    }
    if !statements.is_empty() {
        lowering.add(
            &logical_id(&bucket.name, "BucketPolicy"),
            Resource::new(
                "AWS::S3::BucketPolicy",
                json!({ "Bucket": reference(&id), "PolicyDocument": { "Version": "2012-10-17", "Statement": statements } }),
            ),
        );
    }
}

/// The bucket's name.
pub fn outputs(view: &Bucket<'_>) -> Vec<(&'static str, &'static str, Value)> {
    vec![("ResultsBucketName", "the results bucket", reference(&bucket_id(view.component)))]
}

/// A service that `reads` or `writes`: the bucket's name in its environment,
/// the object actions of that access and listing, and the key through S3.
pub fn serve(s3: &Bucket<'_>, access: Access<'_>, wiring: &mut Wiring) {
    let writes = match access {
        Access::Read => false,
        Access::Write => true,
        Access::Connect | Access::Mount(_) => return,
    };
    let name = s3.component.name.as_str();
    let bucket = bucket_id(s3.component);
    wiring.env(env_name(name, "BUCKET"), reference(&bucket));
    // Writing is putting objects, nothing more: reading them back or
    // listing the bucket is `reads`.
    let object_actions: &[&str] = if writes { &["s3:PutObject", "s3:AbortMultipartUpload"] } else { &["s3:GetObject"] };
    wiring.task_statements.push(json!({
        "Sid": format!("{}{}Objects", if writes { "Write" } else { "Read" }, logical_id(name, "")),
        "Action": object_actions,
        "Effect": "Allow",
        "Resource": sub(format!("${{{bucket}.Arn}}/*")),
    }));
    if !writes {
        wiring.task_statements.push(json!({
            "Sid": format!("List{}", logical_id(name, "")),
            "Action": "s3:ListBucket",
            "Effect": "Allow",
            "Resource": get_att(&bucket, "Arn"),
        }));
    }
    wiring.kms_via.push("s3");
}
