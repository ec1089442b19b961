//! The emitted CloudFormation: golden snapshots of the examples, and
//! assertions on the parsed JSON of every template the cases produce, so a
//! regression fails with a message that names the property, not only as a
//! snapshot diff.

use medc::source::SourceFile;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn build(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match medc::compile(&SourceFile::new(path.display().to_string(), text)) {
        Ok(compiled) => compiled.json,
        Err(failed) => panic!("{} does not compile: {failed:?}", path.display()),
    }
}

fn template(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    serde_json::from_str(&build(&path)).unwrap()
}

/// Every program that compiles: the examples and the accepted and waived cases.
fn every_program() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["examples", "tests/cases/ok", "tests/cases/waived", "tests/cases/warn"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        found.retain(|p| p.extension().is_some_and(|e| e == "medimg"));
        found.sort();
        paths.extend(found);
    }
    paths
}

fn resources<'a>(template: &'a Value, kind: &'a str) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
    template["Resources"].as_object().unwrap().iter().filter(move |(_, r)| r["Type"] == kind)
}

fn key_arn() -> Value {
    serde_json::json!({ "Fn::GetAtt": ["PipelineKey", "Arn"] })
}

#[test]
fn golden_templates() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    insta::glob!(examples, "*.medimg", |path| insta::assert_snapshot!(build(path)));
}

#[test]
fn the_same_program_gives_the_same_bytes() {
    for path in every_program() {
        assert_eq!(build(&path), build(&path), "{}", path.display());
    }
}

#[test]
fn every_store_is_encrypted_with_the_pipeline_key() {
    let t = template("examples/medimg.medimg");
    let key = key_arn();
    for (id, r) in resources(&t, "AWS::RDS::DBCluster") {
        assert_eq!(r["Properties"]["StorageEncrypted"], true, "{id}");
        assert_eq!(r["Properties"]["KmsKeyId"], key, "{id}");
    }
    for (id, r) in resources(&t, "AWS::RDS::DBInstance") {
        assert_eq!(r["Properties"]["PerformanceInsightsKMSKeyId"], key, "{id}");
    }
    for (id, r) in resources(&t, "AWS::EFS::FileSystem") {
        assert_eq!(r["Properties"]["Encrypted"], true, "{id}");
        assert_eq!(r["Properties"]["KmsKeyId"], key, "{id}");
    }
    for (id, r) in resources(&t, "AWS::ElastiCache::ReplicationGroup") {
        assert_eq!(r["Properties"]["AtRestEncryptionEnabled"], true, "{id}");
        assert_eq!(r["Properties"]["KmsKeyId"], key, "{id}");
        assert_eq!(r["Properties"]["TransitEncryptionEnabled"], true, "{id}");
        assert_eq!(r["Properties"]["TransitEncryptionMode"], "required", "{id}");
    }
    for (id, r) in resources(&t, "AWS::Kinesis::Stream") {
        assert_eq!(r["Properties"]["StreamEncryption"]["KeyId"], key, "{id}");
    }
    for (id, r) in resources(&t, "AWS::S3::Bucket").filter(|(id, _)| *id != "LogBucket") {
        let rule = &r["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0];
        assert_eq!(rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"], key, "{id}");
    }
    for (id, r) in resources(&t, "AWS::Logs::LogGroup") {
        assert_eq!(r["Properties"]["KmsKeyId"], key, "log group {id}");
    }
    for (id, r) in resources(&t, "AWS::SNS::Topic") {
        assert_eq!(r["Properties"]["KmsMasterKeyId"], key, "{id}");
    }
    for (id, r) in resources(&t, "AWS::Backup::BackupVault") {
        assert_eq!(r["Properties"]["EncryptionKeyArn"], key, "{id}");
    }
    let keys: Vec<_> = resources(&t, "AWS::KMS::Key").collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].1["Properties"]["EnableKeyRotation"], true);
    let policy = keys[0].1["Properties"]["KeyPolicy"].to_string();
    assert!(policy.contains("logs.sa-east-1.amazonaws.com"), "the key policy admits CloudWatch Logs");
}

#[test]
fn secrets_are_referenced_never_created() {
    for path in every_program() {
        let text = build(&path);
        assert!(!text.contains("AWS::SecretsManager::Secret"), "{} creates a secret", path.display());
    }
    let t = template("examples/medimg.medimg");
    let cluster = &t["Resources"]["AuroraCluster"]["Properties"];
    assert_eq!(cluster["MasterUsername"], "{{resolve:secretsmanager:medimg/aurora-admin:SecretString:username}}");
    assert_eq!(cluster["MasterUserPassword"], "{{resolve:secretsmanager:medimg/aurora-admin:SecretString:password}}");
    let redis = &t["Resources"]["QueueReplicationGroup"]["Properties"];
    assert_eq!(redis["AuthToken"], "{{resolve:secretsmanager:medimg/redis-auth:SecretString:token}}");
}

/// Every string in a JSON value, wherever it is.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out)
        }),
        _ => {}
    }
}

#[test]
fn no_availability_zone_is_hard_coded() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        let mut all = Vec::new();
        strings(&t, &mut all);
        let zone = all.iter().find(|s| {
            let s = s.as_str();
            s.len() > 2 && s.starts_with(|c: char| c.is_ascii_lowercase()) && s.split('-').count() == 3 && {
                let last = s.rsplit('-').next().unwrap_or_default();
                last.len() == 2 && last.as_bytes()[0].is_ascii_digit() && last.as_bytes()[1].is_ascii_lowercase()
            }
        });
        assert_eq!(zone, None, "{} hard-codes a zone", path.display());
        for (id, r) in t["Resources"].as_object().unwrap() {
            if let Some(az) = r["Properties"].get("AvailabilityZone") {
                assert!(az.to_string().contains("Fn::GetAZs"), "{id}: {az}");
            }
        }
    }
}

#[test]
fn every_name_carries_the_environment_suffix() {
    const NAMES: &[&str] = &[
        "BucketName",
        "DBClusterIdentifier",
        "DBInstanceIdentifier",
        "ReplicationGroupId",
        "Name",
        "ClusterName",
        "ServiceName",
        "Family",
        "TopicName",
        "AlarmName",
        "LogGroupName",
        "AliasName",
        "BackupVaultName",
        "PolicyName",
        "DomainName",
    ];
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        for (id, r) in t["Resources"].as_object().unwrap() {
            let properties = &r["Properties"];
            for name in NAMES {
                // A VPC endpoint's ServiceName names an AWS service, not a resource.
                // A parameter group's Family names an engine, not a resource.
                let names_a_resource = match *name {
                    "ServiceName" => r["Type"] == "AWS::ECS::Service",
                    // A custom domain is unique in its region across all
                    // accounts: per environment, so never a literal.
                    "DomainName" => r["Type"] == "AWS::ApiGateway::DomainName",
                    "Family" => r["Type"] == "AWS::ECS::TaskDefinition",
                    _ => true,
                };
                if !names_a_resource {
                    continue;
                }
                if let Some(value) = properties.get(*name) {
                    // A Kinesis stream's Name, a bucket's BucketName... all through Fn::Sub.
                    let text = value.to_string();
                    // A reference to another resource of the template carries that one's name.
                    // So does a name AWS derives from a resource's id (API Gateway's
                    // execution-log group).
                    // A parameter is given per deployment, so per environment.
                    let refers = value["Ref"].as_str().is_some_and(|r| t["Resources"].get(r).is_some())
                        || value["Ref"]
                            .as_str()
                            .is_some_and(|r| r != "AWS::Region" && t["Parameters"].get(r).is_some())
                        || t["Resources"].as_object().unwrap().keys().any(|k| text.contains(&format!("${{{k}}}")));
                    assert!(
                        refers || text.contains("${EnvironmentSuffix}"),
                        "{}: {id}.{name} = {text}",
                        path.display()
                    );
                }
            }
            if let Some(plan) = properties.get("BackupPlan") {
                assert!(plan["BackupPlanName"].to_string().contains("${EnvironmentSuffix}"), "{id}");
            }
        }
    }
}

#[test]
fn iam_is_least_privilege() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        assert_eq!(resources(&t, "AWS::IAM::Policy").count(), 0, "{}: no inline policies", path.display());
        for (id, r) in resources(&t, "AWS::IAM::Role") {
            assert!(r["Properties"].get("Policies").is_none(), "{}: role {id} has inline policies", path.display());
        }
        let declared_grants = std::fs::read_to_string(&path).unwrap().contains("grant ");
        let waived = t["Metadata"]["medc"]["Waivers"].to_string().contains("MEDC-1016");
        for (id, r) in resources(&t, "AWS::IAM::ManagedPolicy") {
            for statement in r["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap() {
                let keys: Vec<&String> = statement.as_object().unwrap().keys().collect();
                let action = keys.iter().position(|k| *k == "Action").unwrap();
                let effect = keys.iter().position(|k| *k == "Effect").unwrap();
                assert!(action < effect, "{id}: Action is written before Effect");
                let actions: Vec<String> = match &statement["Action"] {
                    Value::String(a) => vec![a.clone()],
                    Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
                    other => panic!("{id}: action {other}"),
                };
                for action in actions.iter().filter(|_| !waived) {
                    assert!(!action.contains('*'), "{}: {id} grants the wildcard action {action}", path.display());
                }
                if statement["Resource"] == "*" {
                    assert!(
                        actions == ["ecr:GetAuthorizationToken"]
                            || (declared_grants
                                && statement["Sid"].as_str().is_some_and(|s| s.starts_with("DeclaredGrant"))),
                        "{}: {id} uses resource * for {actions:?}",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn nothing_is_retained_unless_the_program_asks() {
    for path in every_program() {
        let text = build(&path);
        assert!(!text.contains("\"Retain\""), "{} retains a resource", path.display());
    }
    let t = template("examples/medimg.medimg");
    for (id, r) in t["Resources"].as_object().unwrap() {
        if let Some(policy) = r.get("DeletionPolicy") {
            assert_eq!(policy, "Delete", "{id}: the example is disposable");
        }
    }
    assert_eq!(t["Resources"]["AuroraCluster"]["Properties"]["DeletionProtection"], false);
}

#[test]
fn protected_stacks_snapshot_and_protect_their_data() {
    let t = template("examples/minimal.medimg");
    assert_eq!(t["Resources"]["AuroraCluster"]["DeletionPolicy"], "Snapshot");
    assert_eq!(t["Resources"]["AuroraCluster"]["Properties"]["DeletionProtection"], true);
    assert_eq!(t["Resources"]["AuroraCluster"]["Properties"]["BackupRetentionPeriod"], 7);
    let instances: Vec<_> = resources(&t, "AWS::RDS::DBInstance").collect();
    assert_eq!(instances.len(), 2, "a writer and a reader");
    assert_ne!(instances[0].1["Properties"]["AvailabilityZone"], instances[1].1["Properties"]["AvailabilityZone"]);
}

#[test]
fn nothing_is_public_by_default() {
    let t = template("examples/medimg.medimg");
    assert_eq!(resources(&t, "AWS::EC2::InternetGateway").count(), 0, "no internet gateway without `egress nat`");
    assert_eq!(resources(&t, "AWS::EC2::NatGateway").count(), 0);
    for (id, r) in resources(&t, "AWS::ECS::Service") {
        assert_eq!(
            r["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"], "DISABLED",
            "{id}"
        );
    }
    for (id, r) in resources(&t, "AWS::RDS::DBInstance") {
        assert_eq!(r["Properties"]["PubliclyAccessible"], false, "{id}");
    }
    for (id, r) in resources(&t, "AWS::EC2::Subnet") {
        assert_eq!(r["Properties"]["MapPublicIpOnLaunch"], false, "{id}");
    }
    for (id, r) in resources(&t, "AWS::S3::Bucket") {
        let block = &r["Properties"]["PublicAccessBlockConfiguration"];
        for setting in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
            assert_eq!(block[setting], true, "{id}.{setting}");
        }
        assert_eq!(r["Properties"]["OwnershipControls"]["Rules"][0]["ObjectOwnership"], "BucketOwnerEnforced", "{id}");
    }
    for (id, r) in resources(&t, "AWS::S3::BucketPolicy") {
        let deny = &r["Properties"]["PolicyDocument"]["Statement"][0];
        assert_eq!(deny["Effect"], "Deny", "{id}");
        assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], false, "{id}: a JSON boolean, not a string");
    }
    let balancers: Vec<_> = resources(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer").collect();
    assert!(balancers.iter().all(|(_, r)| r["Properties"]["Scheme"] == "internal"));
}

#[test]
fn declared_egress_adds_gateways_per_zone() {
    let t = template("examples/nat-egress.medimg");
    assert_eq!(resources(&t, "AWS::EC2::InternetGateway").count(), 1);
    assert_eq!(resources(&t, "AWS::EC2::NatGateway").count(), 2);
    assert_eq!(t["Metadata"]["medc"]["Waivers"][0]["Rule"], "MEDC-1018");
}

#[test]
fn the_api_is_private_and_mutually_authenticated() {
    let t = template("examples/medimg.medimg");
    let api = &t["Resources"]["IngestRestApi"]["Properties"];
    assert_eq!(api["DisableExecuteApiEndpoint"], true);
    assert_eq!(api["EndpointConfiguration"]["Types"][0], "REGIONAL");
    let domain = &t["Resources"]["IngestDomainName"]["Properties"];
    assert_eq!(domain["SecurityPolicy"], "TLS_1_2");
    assert_eq!(domain["MutualTlsAuthentication"]["TruststoreUri"], serde_json::json!({ "Ref": "TruststoreUri" }));
    let methods: Vec<_> = resources(&t, "AWS::ApiGateway::Method").collect();
    assert_eq!(methods.len(), 3);
    for (id, m) in methods {
        assert_eq!(m["Properties"]["AuthorizationType"], "AWS_IAM", "{id}");
        assert_eq!(m["Properties"]["Integration"]["ConnectionType"], "VPC_LINK", "{id}");
    }
    let stage = &t["Resources"]["IngestStage"]["Properties"];
    assert_eq!(stage["MethodSettings"][0]["DataTraceEnabled"], false);
    assert_eq!(stage["MethodSettings"][0]["LoggingLevel"], "ERROR");
    assert_eq!(stage["TracingEnabled"], true);
    assert!(stage["AccessLogSetting"]["Format"].as_str().unwrap().contains("$context.identity.clientCert.subjectDN"));
    assert!(stage.get("ClientCertificateId").is_some());
    assert_eq!(resources(&t, "AWS::WAFv2::WebACLAssociation").count(), 1);
}

#[test]
fn the_service_is_hardened_and_resilient() {
    let t = template("examples/medimg.medimg");
    let task = &t["Resources"]["ProcessorTaskDefinition"]["Properties"];
    let container = &task["ContainerDefinitions"][0];
    assert_eq!(container["ReadonlyRootFilesystem"], true);
    assert_eq!(container["User"], "1000:1000");
    assert_eq!(container["LogConfiguration"]["LogDriver"], "awslogs");
    let efs = task["Volumes"].as_array().unwrap().iter().find(|v| v.get("EFSVolumeConfiguration").is_some()).unwrap();
    assert_eq!(efs["EFSVolumeConfiguration"]["TransitEncryption"], "ENABLED");
    assert_eq!(efs["EFSVolumeConfiguration"]["AuthorizationConfig"]["IAM"], "ENABLED");
    let service = &t["Resources"]["ProcessorService"]["Properties"];
    assert_eq!(service["DesiredCount"], 2);
    assert_eq!(
        service["DeploymentConfiguration"]["DeploymentCircuitBreaker"],
        serde_json::json!({ "Enable": true, "Rollback": true })
    );
    let scaling = &t["Resources"]["ProcessorScalableTarget"]["Properties"];
    assert_eq!((scaling["MinCapacity"].as_u64(), scaling["MaxCapacity"].as_u64()), (Some(2), Some(6)));
}

#[test]
fn every_alarm_notifies_the_topic() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        for (id, alarm) in resources(&t, "AWS::CloudWatch::Alarm") {
            let actions = alarm["Properties"]["AlarmActions"].as_array().unwrap();
            assert_eq!(actions, &vec![serde_json::json!({ "Ref": "AlarmTopic" })], "{}: {id}", path.display());
        }
    }
    let t = template("examples/medimg.medimg");
    let alarms = resources(&t, "AWS::CloudWatch::Alarm").count();
    assert!(alarms >= 12, "alarms for each component: {alarms}");
    assert_eq!(resources(&t, "AWS::SNS::Subscription").count(), 1);
}

#[test]
fn taggable_resources_carry_the_pipeline_tags() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        for (id, r) in t["Resources"].as_object().unwrap() {
            let kind = r["Type"].as_str().unwrap();
            if medc::lower::UNTAGGABLE.contains(&kind) {
                continue;
            }
            let p = &r["Properties"];
            let tags = p
                .get("Tags")
                .or(p.get("FileSystemTags"))
                .or(p.get("AccessPointTags"))
                .or(p.get("BackupVaultTags"))
                .or(p.get("BackupPlanTags"));
            let text = tags.map(Value::to_string).unwrap_or_default();
            for key in ["project", "environment", "compliance", "data-classification", "owner"] {
                assert!(text.contains(&format!("\"{key}\"")), "{}: {id} ({kind}) lacks the {key} tag", path.display());
            }
        }
    }
}

#[test]
fn the_template_refuses_other_regions() {
    let t = template("examples/minimal.medimg");
    let assertion = &t["Rules"]["DeployOnlyToDeclaredRegion"]["Assertions"][0]["Assert"];
    assert_eq!(assertion, &serde_json::json!({ "Fn::Equals": [{ "Ref": "AWS::Region" }, "sa-east-1"] }));
    assert_eq!(t["Parameters"]["EnvironmentSuffix"]["AllowedPattern"], medc::naming::SUFFIX_PATTERN);
}

#[test]
fn outputs_are_the_ones_the_integration_tests_read() {
    let t = template("examples/medimg.medimg");
    let outputs = t["Outputs"].as_object().unwrap();
    // `cfn-outputs/flat-outputs.json` maps each output key to its value.
    let flat: serde_json::Map<String, Value> =
        outputs.keys().map(|k| (k.clone(), Value::String(String::new()))).collect();
    for key in [
        "VpcId",
        "DatabaseEndpoint",
        "DatabaseSecretArn",
        "EfsFileSystemId",
        "RedisEndpoint",
        "KinesisStreamName",
        "EcsClusterName",
        "ApiGatewayUrl",
        "KmsKeyId",
        "ResultsBucketName",
        "ApiDomainName",
        "AlarmTopicArn",
    ] {
        assert!(flat.contains_key(key), "flat-outputs.json lacks {key}");
    }
    for (key, output) in outputs {
        assert!(output["Export"]["Name"].to_string().contains("${EnvironmentSuffix}"), "{key}'s export");
    }
}

#[test]
fn waivers_are_recorded_where_they_apply() {
    let t = template("tests/cases/waived/MEDC-1007-multi-az.medimg");
    assert_eq!(t["Metadata"]["medc"]["Waivers"][0]["Rule"], "MEDC-1007");
    let cluster = &t["Resources"]["AuroraCluster"]["Metadata"]["medc"]["Waivers"][0];
    assert_eq!(cluster["Rule"], "MEDC-1007");
    assert!(cluster["Reason"].as_str().unwrap().contains("synthetic studies"));
    let t = template("tests/cases/waived/MEDC-1017-no-public-exposure.medimg");
    let skips = &t["Resources"]["AuroraInstance1"]["Metadata"]["checkov"]["skip"];
    assert!(
        skips.to_string().contains("CKV_AWS_17")
            && skips.to_string().contains("waived in the source at line 3 (MEDC-1017)")
    );
}

#[test]
fn every_suppression_gives_its_reason() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        for (id, r) in t["Resources"].as_object().unwrap() {
            for skip in r["Metadata"]["checkov"]["skip"].as_array().into_iter().flatten() {
                assert!(skip["comment"].as_str().is_some_and(|c| c.len() > 20), "{id}: {skip}");
            }
            for rule in r["Metadata"]["cdk_nag"]["rules_to_suppress"].as_array().into_iter().flatten() {
                assert!(rule["reason"].as_str().is_some_and(|c| c.len() > 20), "{id}: {rule}");
            }
        }
    }
}

/// `deletion_protection on` under `lifecycle disposable` is what the program
/// says: elaboration decides the policy once, and the lowering follows it.
#[test]
fn deletion_protection_written_under_disposable_is_kept() {
    let t = template("tests/cases/ok/deletion-protection-kept-under-disposable.medimg");
    let (_, cluster) = resources(&t, "AWS::RDS::DBCluster").next().expect("a cluster");
    assert_eq!(cluster["Properties"]["DeletionProtection"], true);
    assert_eq!(cluster["DeletionPolicy"], "Delete", "the stack stays disposable");
    let (_, balancer) = resources(&t, "AWS::ElasticLoadBalancingV2::LoadBalancer").next().expect("a load balancer");
    let attributes = balancer["Properties"]["LoadBalancerAttributes"].as_array().unwrap();
    let protection = attributes.iter().find(|a| a["Key"] == "deletion_protection.enabled").unwrap();
    assert_eq!(protection["Value"], "true");
    // The default under disposable is still off.
    let t = template("examples/medimg.medimg");
    for (id, cluster) in resources(&t, "AWS::RDS::DBCluster") {
        assert_eq!(cluster["Properties"]["DeletionProtection"], false, "{id}");
    }
}

/// Every program: no container is given the same environment variable
/// twice, and no policy holds two statements with the same id.
#[test]
fn no_duplicate_environment_variables_or_statement_ids() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        for (id, task) in resources(&t, "AWS::ECS::TaskDefinition") {
            for container in task["Properties"]["ContainerDefinitions"].as_array().unwrap() {
                let names: Vec<&str> =
                    container["Environment"].as_array().unwrap().iter().map(|v| v["Name"].as_str().unwrap()).collect();
                let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
                assert_eq!(names.len(), unique.len(), "{}: {id}: {names:?}", path.display());
            }
        }
        for (id, policy) in resources(&t, "AWS::IAM::ManagedPolicy") {
            let sids: Vec<&str> = policy["Properties"]["PolicyDocument"]["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|s| s["Sid"].as_str())
                .collect();
            let unique: std::collections::BTreeSet<&str> = sids.iter().copied().collect();
            assert_eq!(sids.len(), unique.len(), "{}: {id}: {sids:?}", path.display());
        }
    }
}

#[test]
fn a_service_that_reads_and_writes_a_store_has_both_permissions() {
    let t = template("tests/cases/ok/service-reads-and-writes-the-same-stores.medimg");
    let (_, task) = resources(&t, "AWS::ECS::TaskDefinition").next().unwrap();
    let environment = &task["Properties"]["ContainerDefinitions"][0]["Environment"];
    let names: Vec<&str> = environment.as_array().unwrap().iter().map(|v| v["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["AWS_REGION", "RESULTS_BUCKET", "EVENTS_STREAM"]);
    let policy = &t["Resources"]["ProcessorTaskPolicy"]["Properties"]["PolicyDocument"]["Statement"];
    let sids: Vec<&str> = policy.as_array().unwrap().iter().filter_map(|s| s["Sid"].as_str()).collect();
    for sid in ["ReadResultsObjects", "WriteResultsObjects", "ReadEvents", "WriteEvents"] {
        assert!(sids.contains(&sid), "{sid} in {sids:?}");
    }
}

/// The WAF rules that match a request and the action they take, by name.
fn waf_rules(t: &Value) -> Vec<Value> {
    let (_, acl) = resources(t, "AWS::WAFv2::WebACL").next().expect("a web ACL");
    acl["Properties"]["Rules"].as_array().unwrap().clone()
}

#[test]
fn dicom_bodies_pass_the_waf_on_their_routes_only() {
    let t = template("examples/medimg.medimg");
    let rules = waf_rules(&t);
    let core = rules.iter().find(|r| r["Name"] == "AWSManagedRulesCommonRuleSet").unwrap();
    let overrides = core["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"].as_array().unwrap();
    for rule in ["SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericRFI_BODY", "GenericLFI_BODY"] {
        let found = overrides.iter().find(|o| o["Name"] == rule).unwrap_or_else(|| panic!("{rule} is overridden"));
        assert_eq!(found["ActionToUse"], serde_json::json!({ "Count": {} }), "{rule} counts, not blocks");
    }
    // What the overridden rules match is still blocked everywhere but on
    // the DICOM routes, and after the rule group has labelled it.
    let body = rules.iter().find(|r| r["Name"] == "BodyRulesOutsideDicomRoutes").expect("a label rule");
    assert_eq!(body["Action"], serde_json::json!({ "Block": {} }));
    assert!(body["Priority"].as_u64() > core["Priority"].as_u64());
    let text = body["Statement"].to_string();
    assert!(text.contains("awswaf:managed:aws:core-rule-set:SizeRestrictions_Body"), "{text}");
    let route = &body["Statement"]["AndStatement"]["Statements"][1]["NotStatement"]["Statement"];
    let matched = route.to_string();
    assert!(
        matched.contains("\"SearchString\":\"POST\"") && matched.contains("\"RegexString\":\"^/studies$\""),
        "{matched}"
    );
    let priorities: Vec<u64> = rules.iter().map(|r| r["Priority"].as_u64().unwrap()).collect();
    let mut unique = priorities.clone();
    unique.dedup();
    assert_eq!(priorities, unique);
}

#[test]
fn without_dicom_routes_the_core_rule_set_blocks_bodies() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        if resources(&t, "AWS::WAFv2::WebACL").next().is_none() || path.ends_with("medimg.medimg") {
            continue;
        }
        let rules = waf_rules(&t);
        assert!(
            rules[0]["Statement"]["ManagedRuleGroupStatement"].get("RuleActionOverrides").is_none(),
            "{}",
            path.display()
        );
        assert!(!rules.iter().any(|r| r["Name"] == "BodyRulesOutsideDicomRoutes"), "{}", path.display());
    }
}

#[test]
fn the_account_setting_stays_in_the_bootstrap() {
    for path in every_program() {
        let t: Value = serde_json::from_str(&build(&path)).unwrap();
        assert_eq!(resources(&t, "AWS::ApiGateway::Account").count(), 0, "{}", path.display());
        for (id, stage) in resources(&t, "AWS::ApiGateway::Stage") {
            let tags = stage["Properties"]["Tags"].as_array().unwrap();
            let import = tags.iter().find(|tag| tag["Key"] == "medc:api-logging-role").expect("the bootstrap import");
            assert_eq!(
                import["Value"],
                serde_json::json!({ "Fn::ImportValue": medc::deploy::bootstrap::LOGGING_ROLE_EXPORT }),
                "{id}"
            );
            assert!(!stage["DependsOn"].to_string().contains("ApiGatewayAccount"), "{id}");
        }
    }
}

#[test]
fn the_domain_takes_an_ownership_certificate_and_an_alias_record_when_given() {
    let t = template("examples/medimg.medimg");
    let has = |condition: &str| t["Conditions"][condition]["Fn::Not"][0]["Fn::Equals"][1] == "";
    assert!(has("HasOwnershipCertificateArn") && has("HasHostedZoneId"));
    for parameter in ["OwnershipCertificateArn", "HostedZoneId"] {
        assert_eq!(t["Parameters"][parameter]["Default"], "", "{parameter} is optional");
    }
    let domain = &t["Resources"]["IngestDomainName"]["Properties"];
    assert_eq!(domain["DomainName"], serde_json::json!({ "Ref": "ApiDomainName" }));
    assert_eq!(
        domain["OwnershipVerificationCertificateArn"],
        serde_json::json!({ "Fn::If": ["HasOwnershipCertificateArn", { "Ref": "OwnershipCertificateArn" }, { "Ref": "AWS::NoValue" }] })
    );
    // The load balancer presents the public certificate when there is one:
    // API Gateway trusts only public CAs for private integrations.
    let listener = &t["Resources"]["IngestProcessorListener"]["Properties"];
    assert_eq!(
        listener["Certificates"][0]["CertificateArn"],
        serde_json::json!({ "Fn::If": ["HasOwnershipCertificateArn", { "Ref": "OwnershipCertificateArn" }, { "Ref": "CertificateArn" }] })
    );
    let record = &t["Resources"]["IngestDomainRecord"];
    assert_eq!(record["Type"], "AWS::Route53::RecordSet");
    assert_eq!(record["Condition"], "HasHostedZoneId");
    assert_eq!(record["Properties"]["AliasTarget"]["DNSName"]["Fn::GetAtt"][1], "RegionalDomainName");
    // Without the settings, neither the parameters nor the conditions exist.
    let waived = template("tests/cases/waived/MEDC-1004-mutual-tls.medimg");
    assert!(waived.get("Conditions").is_none());
    assert!(waived["Resources"]["IngestDomainName"]["Properties"].get("OwnershipVerificationCertificateArn").is_none());
}

#[test]
fn scratch_storage_is_backed_up_once_in_the_pipeline_vault() {
    let t = template("examples/medimg.medimg");
    let selection = t["Resources"]["BackupSelection"]["Properties"]["BackupSelection"]["Resources"].to_string();
    assert!(selection.contains(":file-system/*"), "the plan selects file systems: {selection}");
    for (id, fs) in resources(&t, "AWS::EFS::FileSystem") {
        assert_eq!(fs["Properties"]["BackupPolicy"]["Status"], "DISABLED", "{id}: no copy in AWS's default vault");
        assert!(fs["Properties"]["FileSystemTags"].to_string().contains("medc:backup-plan"), "{id} is in the plan");
        assert!(fs["Metadata"]["cdk_nag"]["rules_to_suppress"][0]["reason"].as_str().unwrap().contains("Backup plan"));
    }
}

/// The stores a backup plan covers, by the tag it selects them by.
fn tagged_for_the_plan(t: &Value) -> Vec<String> {
    let selection = &t["Resources"]["BackupSelection"]["Properties"]["BackupSelection"];
    let condition = &selection["Conditions"]["StringEquals"][0];
    assert_eq!(condition["ConditionKey"], "aws:ResourceTag/medc:backup-plan");
    let mut tagged = Vec::new();
    for (id, resource) in t["Resources"].as_object().unwrap() {
        let properties = &resource["Properties"];
        let tags = properties["Tags"].as_array().or(properties["FileSystemTags"].as_array());
        let plan = tags.into_iter().flatten().filter(|tag| tag["Key"] == "medc:backup-plan").collect::<Vec<_>>();
        match plan[..] {
            [] => {}
            [tag] => {
                assert_eq!(
                    tag["Value"], condition["ConditionValue"],
                    "{id}: the plan's own name, with the environment"
                );
                tagged.push(id.clone());
            }
            _ => panic!("{id} carries the plan's tag twice"),
        }
    }
    tagged
}

#[test]
fn the_backup_plan_selects_its_stores_by_tag_and_only_them() {
    let t = template("examples/medimg.medimg");
    let selection = &t["Resources"]["BackupSelection"]["Properties"]["BackupSelection"];
    // One entry per store type, however many stores: AWS Backup takes at
    // most 30 wildcard ARNs in a selection, and explicit types keep a
    // service's opt-in setting from dropping one.
    let types = selection["Resources"].to_string();
    for arn in [":cluster:*", ":file-system/*", "s3:::*"] {
        assert!(types.contains(arn), "{arn} in {types}");
    }
    assert_eq!(selection["Resources"].as_array().unwrap().len(), 3);
    assert_eq!(
        tagged_for_the_plan(&t),
        ["LogBucket", "AuroraCluster", "ScratchFileSystem", "ResultsBucket", "IncomingBucket"]
    );
    // A bucket whose backup is waived is not selected.
    let text = std::fs::read_to_string("examples/medimg.medimg").unwrap().replacen(
        "bucket s3 results < versioning on >",
        "bucket s3 results < versioning on  backup off  waive MEDC-1011 \"synthetic results, rebuilt from incoming\" >",
        1,
    );
    let compiled = match medc::compile(&SourceFile::new("waived.medimg", text)) {
        Ok(compiled) => compiled,
        Err(failed) => panic!("does not compile: {failed:?}"),
    };
    let t: Value = serde_json::from_str(&compiled.json).unwrap();
    assert_eq!(tagged_for_the_plan(&t), ["LogBucket", "AuroraCluster", "ScratchFileSystem", "IncomingBucket"]);
}

#[test]
fn database_users_can_be_created_without_a_bastion() {
    let t = template("examples/medimg.medimg");
    assert_eq!(t["Resources"]["AuroraCluster"]["Properties"]["EnableHttpEndpoint"], true);
    assert!(t["Outputs"]["DatabaseClusterArn"]["Value"]["Fn::Sub"]
        .as_str()
        .unwrap()
        .ends_with(":cluster:${AuroraCluster}"));
}

#[test]
fn services_get_what_they_declare_and_uploads_what_they_sign() {
    let t = template("examples/medimg.medimg");
    let statements =
        t["Resources"]["ProcessorTaskPolicy"]["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap();
    let actions = |sid: &str| statements.iter().find(|s| s["Sid"] == sid).map(|s| s["Action"].to_string());
    // `writes results`: put objects, not read them back or list the bucket.
    assert_eq!(actions("WriteResultsObjects").unwrap(), r#"["s3:PutObject","s3:AbortMultipartUpload"]"#);
    assert!(actions("ListResults").is_none() && actions("ListResultsForWrites").is_none());
    // `upload incoming` on a route: sign uploads into the bucket, read what arrives.
    assert!(actions("WriteIncomingObjects").unwrap().contains("s3:PutObject"));
    assert!(actions("ReadIncomingObjects").unwrap().contains("s3:GetObject"));
    let environment = t["Resources"]["ProcessorTaskDefinition"]["Properties"]["ContainerDefinitions"][0]["Environment"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["Name"] == "INCOMING_BUCKET")
        .count();
    assert_eq!(environment, 1);
    // Uploads that name another key or no KMS encryption are refused.
    for (id, policy) in resources(&t, "AWS::S3::BucketPolicy").filter(|(id, _)| *id != "LogBucketPolicy") {
        let text = policy["Properties"]["PolicyDocument"].to_string();
        assert!(
            text.contains("DenyOtherKeys") && text.contains("s3:x-amz-server-side-encryption-aws-kms-key-id"),
            "{id}"
        );
    }
}

#[test]
fn the_service_starts_after_what_its_tasks_need() {
    let t = template("examples/medimg.medimg");
    let depends = t["Resources"]["ProcessorService"]["DependsOn"].as_array().unwrap();
    let depends: Vec<&str> = depends.iter().map(|d| d.as_str().unwrap()).collect();
    for needed in [
        "ProcessorExecutionPolicy",
        "ProcessorTaskPolicy",
        "ScratchFileSystemMountTarget1",
        "ScratchFileSystemMountTarget2",
        "EcrApiEndpoint",
        "EcrDockerEndpoint",
        "LogsEndpoint",
        "SecretsManagerEndpoint",
        "EndpointSecurityGroupFromProcessorSecurityGroup",
    ] {
        assert!(depends.contains(&needed), "ProcessorService waits for {needed}: {depends:?}");
    }
    assert!(t["Resources"]["VpcFlowLog"]["DependsOn"].to_string().contains("FlowLogsPolicy"));
}

#[test]
fn every_cache_node_is_watched() {
    let t = template("examples/medimg.medimg");
    let watched: Vec<String> = resources(&t, "AWS::CloudWatch::Alarm")
        .filter(|(_, a)| {
            a["Properties"]["Namespace"] == "AWS/ElastiCache" && a["Properties"]["MetricName"] == "EngineCPUUtilization"
        })
        .map(|(_, a)| a["Properties"]["Dimensions"][0]["Value"]["Fn::Sub"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(watched, ["${QueueReplicationGroup}-001", "${QueueReplicationGroup}-002"]);
}

#[test]
fn roles_hold_no_more_than_they_use() {
    let t = template("examples/medimg.medimg");
    let backup = t["Resources"]["BackupRole"]["Properties"]["ManagedPolicyArns"].to_string();
    assert!(!backup.contains("Restores"), "{backup}");
    let flow = &t["Resources"]["FlowLogsRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"];
    assert_eq!(flow["StringEquals"]["aws:SourceAccount"], serde_json::json!({ "Ref": "AWS::AccountId" }));
    // AWS would create Container Insights' log group unencrypted and keep it.
    let insights = &t["Resources"]["ContainerInsightsLogGroup"]["Properties"];
    assert_eq!(insights["KmsKeyId"], key_arn());
    assert!(insights["LogGroupName"]["Fn::Sub"].as_str().unwrap().starts_with("/aws/ecs/containerinsights/medimg-"));
}
