//! API Gateway with mutual TLS: a regional REST API whose default endpoint
//! is disabled, reached only through its custom domain (TLS 1.2, a client
//! truststore). Every method requires IAM (SigV4) authorization and reaches
//! its service privately: VPC link → internal network load balancer (TLS) →
//! the service's tasks (TLS). Access and execution logs go to encrypted log
//! groups without request bodies; a WAF web ACL guards the stage.

use super::alarms::{Alarm, ABOVE};
use super::network;
use super::{bucket, service};
use crate::check::model::Component;
use crate::check::view::Alarms;
use crate::check::view::{Api, Authorization, Body, ExecutionLogs, Route, Text, TlsPolicy};
use crate::deploy::bootstrap;
use crate::lower::json::json;
use crate::lower::template::{get_att, no_value, reference, sub, Resource};
use crate::lower::{logical_id, Lowering, Optional, Suppression};
use crate::naming::Named;
use crate::InternalError;
use serde_json::Value;
use std::collections::BTreeMap;
use std::hash::Hasher;

pub const STAGE_NAME: &str = "api";

/// The apis with a route to a service.
pub fn routes_to<'p>(lowering: &Lowering<'p>, service: &Component) -> Vec<&'p Api<'p>> {
    lowering.apis.iter().copied().filter(|api| api.routes.iter().any(|r| r.target.name == service.name)).collect()
}

pub fn target_group_id(api: &Component, service: &Component) -> String {
    logical_id(&api.name, &logical_id(&service.name, "TargetGroup"))
}

pub fn listener_id(api: &Component, service: &Component) -> String {
    logical_id(&api.name, &logical_id(&service.name, "Listener"))
}

pub fn rest_api_id(api: &Component) -> String {
    logical_id(&api.name, "RestApi")
}

pub fn stage_id(api: &Component) -> String {
    logical_id(&api.name, "Stage")
}

pub fn load_balancer_id(api: &Component) -> String {
    logical_id(&api.name, "LoadBalancer")
}

pub fn domain_id(api: &Component) -> String {
    logical_id(&api.name, "DomainName")
}

/// An ACM certificate's ARN, in any partition (the pattern of cfn-guard's
/// `ELBV2_ACM_CERTIFICATE_REQUIRED`, anchored).
const ACM_CERTIFICATE_ARN: &str = r"^arn:aws[a-z0-9-]*:acm:[a-z0-9-]+:\d{12}:certificate/[\w-]{1,64}$";

/// The listener port for the `index`th service an api reaches.
fn listener_port(index: usize) -> u64 {
    443 + index as u64 * 1000
}

/// The REST API's and the load balancer's names.
fn rest_api_name(base: &str) -> Named {
    Named::new("API Gateway REST API name", base.to_string(), 255)
}

fn load_balancer_name(base: &str) -> Named {
    Named::new("network load balancer name", base.to_string(), 32)
}

/// The REST API's and the load balancer's names; the VPC link and the web
/// ACL share the stem under longer limits.
pub fn names(base: &str) -> Vec<Named> {
    vec![rest_api_name(base), load_balancer_name(base)]
}

pub fn resources(lowering: &mut Lowering<'_>, view: &Api<'_>) -> Result<(), InternalError> {
    let views = lowering.views;
    let api = view.component;
    let id = |suffix: &str| logical_id(&api.name, suffix);
    let domain = lowering.string_or_parameter(view.domain, "custom domain name of the API");
    let certificate = lowering
        .string_or_parameter(view.certificate, "ACM certificate ARN for the API's custom domain, in this region");
    // A certificate given as a parameter admits only an ACM certificate ARN.
    let certificate_parameter = match view.certificate {
        Text::Param(name) => Some(name),
        Text::Literal(_) => None,
    };
    if let Some(name) = certificate_parameter {
        if let Some(parameter) = lowering.template.parameters.get_mut(name) {
            parameter.allowed_pattern = Some(ACM_CERTIFICATE_ARN.into());
            parameter.constraint_description = Some("the ARN of an ACM certificate in this region".into());
        }
    }
    // A public ACM certificate for the same name: API Gateway requires it to
    // prove ownership when `certificate` is imported or from a private CA,
    // and the load balancer presents it, because API Gateway verifies the
    // private integration's certificate against public CAs only.
    let ownership = lowering.optional_string(
        view.ownership_certificate,
        "public ACM certificate ARN for the API's domain, required with mutual TLS when CertificateArn is imported or from a private CA",
    );
    let listener_certificate = ownership.or(certificate.clone());

    // The internal network load balancer and one TLS listener per service.
    let balancer = load_balancer_id(api);
    let balancer_group = id("LoadBalancerSecurityGroup");
    network::security_group(
        lowering,
        &balancer_group,
        &format!("api {}: load balancer, reached through the VPC link", api.name),
        false,
    );
    let protect = view.deletion_protection;
    lowering.add(
        &balancer,
        Resource::new(
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            json!({
                "Name": lowering.named(&load_balancer_name(&lowering.base(&api.name))),
                "Type": "network",
                "Scheme": "internal",
                "Subnets": network::private_subnets(lowering),
                "SecurityGroups": [get_att(&balancer_group, "GroupId")],
                "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": "off",
                "LoadBalancerAttributes": [
                    { "Key": "deletion_protection.enabled", "Value": protect.to_string() },
                    { "Key": "load_balancing.cross_zone.enabled", "Value": "true" },
                    { "Key": "access_logs.s3.enabled", "Value": "true" },
                    { "Key": "access_logs.s3.bucket", "Value": reference(bucket::LOG_BUCKET) },
                    { "Key": "access_logs.s3.prefix", "Value": "nlb" },
                ],
            }),
        )
        .depends_on("LogBucketPolicy"),
    );
    lowering.record_waivers(&balancer, api);
    let services = view.targets();
    for (index, target) in services.iter().enumerate() {
        let Some(target_view) = views.service(target) else {
            return Err(InternalError(format!("api `{}` routes to `{}`, not a service", api.name, target.name)));
        };
        let port = target_view.port;
        let health = lowering.string_or_parameter(target_view.health, "health-check path of a service");
        let group = target_group_id(api, target);
        lowering.add(
            &group,
            Resource::new(
                "AWS::ElasticLoadBalancingV2::TargetGroup",
                json!({
                    "VpcId": reference(network::VPC),
                    "TargetType": "ip",
                    "Protocol": "TLS",
                    "Port": port,
                    "HealthCheckProtocol": "HTTPS",
                    "HealthCheckPath": health,
                    "HealthCheckPort": "traffic-port",
                    "TargetGroupAttributes": [{ "Key": "deregistration_delay.timeout_seconds", "Value": "30" }],
                }),
            ),
        );
        lowering.add(
            &listener_id(api, target),
            Resource::new(
                "AWS::ElasticLoadBalancingV2::Listener",
                json!({
                    "LoadBalancerArn": reference(&balancer),
                    "Protocol": "TLS",
                    "Port": listener_port(index),
                    "Certificates": [{ "CertificateArn": &listener_certificate }],
                    "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                    "DefaultActions": [{ "Type": "forward", "TargetGroupArn": reference(&group) }],
                }),
            ),
        );
        if certificate_parameter.is_some() {
            lowering.suppress(
                &listener_id(api, target),
                Suppression {
                    reason: "the listener's certificate is a parameter whose AllowedPattern admits only the ARN of an ACM certificate; the rule compares literal ARNs and cannot follow a Ref to a parameter",
                    guard: &["ELBV2_ACM_CERTIFICATE_REQUIRED"],
                    ..Suppression::default()
                },
            );
        }
        let service_group = service::security_group_id(target);
        network::allow(
            lowering,
            &service_group,
            &balancer_group,
            port,
            &format!("TLS from api {}'s load balancer", api.name),
        );
        network::allow_egress(
            lowering,
            &balancer_group,
            &service_group,
            port,
            &format!("TLS to service {}", target.name),
        );
    }
    let link = id("VpcLink");
    lowering.add(
        &link,
        Resource::new(
            "AWS::ApiGateway::VpcLink",
            json!({ "Name": lowering.name(&[&api.name]), "TargetArns": [reference(&balancer)] }),
        ),
    );

    // The REST API, its resources and methods.
    let rest_api = rest_api_id(api);
    lowering.add(
        &rest_api,
        Resource::new(
            "AWS::ApiGateway::RestApi",
            json!({
                "Name": lowering.named(&rest_api_name(&lowering.base(&api.name))),
                "Description": format!("{}: DICOM ingestion; reached only through its mutual-TLS domain", api.name),
                "EndpointConfiguration": { "Types": ["REGIONAL"] },
                "DisableExecuteApiEndpoint": !view.default_endpoint,
                "BinaryMediaTypes": ["application~1dicom", "application~1octet-stream", "multipart~1related"],
            }),
        ),
    );
    lowering.record_waivers(&rest_api, api);
    let mut resources: BTreeMap<String, String> = BTreeMap::new();
    let mut methods = Vec::new();
    let mut fingerprint = fnv::FnvHasher::default();
    for route in &view.routes {
        let parent = resource_for(lowering, &rest_api, route.path, &mut resources);
        let target = route.target;
        let index = services.iter().position(|s| s.name == target.name).unwrap_or(0);
        // Each route's authorization as elaborated: the route's own setting,
        // whose default is `iam`.
        let route_authorization = match route.authorization {
            Authorization::Iam => "iam",
            Authorization::None => "none",
        };
        let parameters: Vec<&str> = route
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|s| s.trim_end_matches('+'))
            .collect();
        let method_parameters: serde_json::Map<String, Value> =
            parameters.iter().map(|p| (format!("method.request.path.{p}"), json!(true))).collect();
        let integration_parameters: serde_json::Map<String, Value> = parameters
            .iter()
            .map(|p| (format!("integration.request.path.{p}"), json!(format!("method.request.path.{p}"))))
            .collect();
        let uri_host = match &domain {
            Value::String(host) => json!(format!("https://{host}:{}{}", listener_port(index), route.path)),
            other => crate::lower::template::Fn::Join(
                String::new(),
                vec![json!("https://"), other.clone(), json!(format!(":{}{}", listener_port(index), route.path))],
            )
            .into(),
        };
        let method = logical_id(
            &api.name,
            &format!("{}{}Method", route_name(route.path), logical_id(&route.method.to_ascii_lowercase(), "")),
        );
        fingerprint
            .write(format!("{} {} {} {}", route.method, route.path, route.target.name, route_authorization).as_bytes());
        lowering.add(
            &method,
            Resource::new(
                "AWS::ApiGateway::Method",
                json!({
                    "RestApiId": reference(&rest_api),
                    "ResourceId": parent,
                    "HttpMethod": route.method,
                    "AuthorizationType": match route.authorization {
                        Authorization::Iam => "AWS_IAM",
                        Authorization::None => "NONE",
                    },
                    "RequestParameters": method_parameters,
                    "Integration": {
                        "Type": "HTTP_PROXY",
                        "IntegrationHttpMethod": route.method,
                        "ConnectionType": "VPC_LINK",
                        "ConnectionId": reference(&link),
                        "Uri": uri_host,
                        "RequestParameters": integration_parameters,
                        "PassthroughBehavior": "WHEN_NO_MATCH",
                        "TimeoutInMillis": 29000,
                    },
                }),
            ),
        );
        lowering.record_waivers(&method, api);
        methods.push(method);
    }

    // A deployment whose logical id changes with the routes, so that
    // CloudFormation deploys a changed API.
    let deployment = id(&format!("Deployment{:08x}", fingerprint.finish() as u32));
    let mut resource = Resource::new(
        "AWS::ApiGateway::Deployment",
        json!({ "RestApiId": reference(&rest_api), "Description": format!("routes of api {}", api.name) }),
    );
    for method in &methods {
        resource = resource.depends_on(method);
    }
    lowering.add(&deployment, resource);

    let access_logs = id("AccessLogGroup");
    lowering.log_group(&access_logs, sub(format!("/medc/{}/access", lowering.name_pattern(&[&api.name]))));
    // API Gateway would create the execution-log group unencrypted and kept
    // forever; creating it first gives it the key and the retention.
    let execution_logs = id("ExecutionLogGroup");
    lowering.log_group(&execution_logs, sub(format!("API-Gateway-Execution-Logs_${{{rest_api}}}/{STAGE_NAME}")));
    let certificate_id = id("ClientCertificate");
    lowering.add(
        &certificate_id,
        Resource::new(
            "AWS::ApiGateway::ClientCertificate",
            json!({ "Description": format!("api {}: identifies API Gateway to the backend", api.name) }),
        ),
    );
    let stage = stage_id(api);
    let caching = view.caching;
    let level = match view.execution_logs {
        ExecutionLogs::Error => "ERROR",
        ExecutionLogs::Info => "INFO",
        ExecutionLogs::Off => "OFF",
    };
    let mut properties = json!({
            "RestApiId": reference(&rest_api),
            "StageName": STAGE_NAME,
            "DeploymentId": reference(&deployment),
            "Description": format!("api {}", api.name),
            "TracingEnabled": view.tracing,
            "ClientCertificateId": reference(&certificate_id),
            "CacheClusterEnabled": caching,
            "AccessLogSetting": {
                "DestinationArn": get_att(&access_logs, "Arn"),
                "Format": access_log_format(),
            },
            "MethodSettings": [{
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "LoggingLevel": level,
                "DataTraceEnabled": view.data_trace,
                "MetricsEnabled": true,
                "ThrottlingRateLimit": view.throttle_rate,
                "ThrottlingBurstLimit": view.throttle_burst,
                "CachingEnabled": caching,
                "CacheDataEncrypted": true,
            }],
    });
    if !view.access_logs {
        if let Some(properties) = properties.as_object_mut() {
            properties.remove("AccessLogSetting");
        }
    }
    let resource = Resource::new("AWS::ApiGateway::Stage", properties).depends_on(&execution_logs);
    lowering.add(&stage, resource);
    import_account_logging_role(lowering, &stage);
    lowering.record_waivers(&stage, api);
    if !caching {
        lowering.suppress(
            &stage,
            Suppression {
                reason: "the stage has no cache (`caching` is off); cache encryption is set for when it is turned on",
                checkov: &["CKV_AWS_120"],
                guard: &["API_GW_CACHE_ENABLED_AND_ENCRYPTED"],
                cdk_nag: &["HIPAA.Security-APIGWCacheEnabledAndEncrypted"],
                cfn_lint: &[],
            },
        );
    }

    // The custom domain with mutual TLS, mapped to the stage.
    let domain_name = domain_id(api);
    let mut mtls = json!({});
    if let Some(block) = &view.mtls {
        mtls["TruststoreUri"] = lowering.string_or_parameter(
            block.truststore,
            "S3 URI (s3://bucket/key) of the PEM bundle of client CAs trusted for mutual TLS",
        );
        if let Some(version) = block.truststore_version {
            mtls["TruststoreVersion"] = lowering.string_or_parameter(version, "S3 object version of the truststore");
        }
    }
    let mut domain_properties = json!({
        "DomainName": &domain,
        "RegionalCertificateArn": certificate,
        "EndpointConfiguration": { "Types": ["REGIONAL"] },
        "SecurityPolicy": match view.tls_policy {
            TlsPolicy::Tls10 => "TLS_1_0",
            TlsPolicy::Tls12 => "TLS_1_2",
        },
    });
    if mtls.get("TruststoreUri").is_some() {
        domain_properties["MutualTlsAuthentication"] = mtls;
    }
    if !matches!(ownership, Optional::Absent) {
        domain_properties["OwnershipVerificationCertificateArn"] = ownership.or(no_value());
    }
    lowering.add(&domain_name, Resource::new("AWS::ApiGateway::DomainName", domain_properties));
    lowering.record_waivers(&domain_name, api);
    // The alias record in the domain's hosted zone, when the program names one.
    let zone = lowering
        .optional_string(view.zone, "Route 53 hosted zone id in which to create the alias record of the API's domain");
    let alias = |zone: Value| {
        Resource::new(
            "AWS::Route53::RecordSet",
            json!({
                "HostedZoneId": zone,
                "Name": domain,
                "Type": "A",
                "AliasTarget": {
                    "DNSName": get_att(&domain_name, "RegionalDomainName"),
                    "HostedZoneId": get_att(&domain_name, "RegionalHostedZoneId"),
                    "EvaluateTargetHealth": false,
                },
            }),
        )
    };
    match zone {
        Optional::Absent => {}
        Optional::Always(zone) => lowering.add(&id("DomainRecord"), alias(zone)),
        Optional::IfGiven(zone, condition) => lowering.add(&id("DomainRecord"), alias(zone).when(&condition)),
    }
    lowering.add(
        &id("BasePathMapping"),
        Resource::new(
            "AWS::ApiGateway::BasePathMapping",
            json!({ "DomainName": reference(&domain_name), "RestApiId": reference(&rest_api), "Stage": reference(&stage) }),
        ),
    );
    if view.waf {
        firewall(lowering, view, &rest_api, &stage);
    }
    Ok(())
}

/// Creates (once) the API Gateway resource for each segment of `path`, and
/// returns the id of the last one (the root for `/`).
fn resource_for(lowering: &mut Lowering<'_>, rest_api: &str, path: &str, made: &mut BTreeMap<String, String>) -> Value {
    let mut parent = get_att(rest_api, "RootResourceId");
    let mut so_far = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        so_far.push('/');
        so_far.push_str(segment);
        let logical = match made.get(&so_far) {
            Some(existing) => existing.clone(),
            None => {
                let logical = format!("{}{}Resource", rest_api.trim_end_matches("RestApi"), route_name(&so_far));
                lowering.add(
                    &logical,
                    Resource::new(
                        "AWS::ApiGateway::Resource",
                        json!({ "RestApiId": reference(rest_api), "ParentId": parent, "PathPart": segment }),
                    ),
                );
                made.insert(so_far.clone(), logical.clone());
                logical
            }
        };
        parent = reference(&logical);
    }
    parent
}

/// `/studies/{id}` → `StudiesId`; `/` → `Root`.
fn route_name(path: &str) -> String {
    match logical_id(path, "") {
        name if name.is_empty() => "Root".to_string(),
        name => name,
    }
}

/// JSON access log lines, with the client certificate's subject and issuer
/// so that every request is traced to the client that made it.
fn access_log_format() -> String {
    let fields = [
        ("requestId", "$context.requestId"),
        ("requestTime", "$context.requestTime"),
        ("httpMethod", "$context.httpMethod"),
        ("resourcePath", "$context.resourcePath"),
        ("status", "$context.status"),
        ("protocol", "$context.protocol"),
        ("responseLength", "$context.responseLength"),
        ("sourceIp", "$context.identity.sourceIp"),
        ("caller", "$context.identity.caller"),
        ("userArn", "$context.identity.userArn"),
        ("clientCertSubjectDN", "$context.identity.clientCert.subjectDN"),
        ("clientCertIssuerDN", "$context.identity.clientCert.issuerDN"),
        ("clientCertSerialNumber", "$context.identity.clientCert.serialNumber"),
        ("integrationStatus", "$context.integration.status"),
        ("integrationLatency", "$context.integration.latency"),
        ("wafStatus", "$context.waf.status"),
    ];
    // `{"k":"v",...}` written into one string, not a format! a field.
    let mut line = String::with_capacity(fields.iter().map(|(k, v)| k.len() + v.len() + 6).sum::<usize>() + 2);
    line.push('{');
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        for piece in ["\"", key, "\":\"", value, "\""] {
            line.push_str(piece);
        }
    }
    line.push('}');
    line
}

/// API Gateway's CloudWatch role is one setting per account and region, so
/// it lives in the account bootstrap stack (`medc bootstrap`), never here:
/// a pipeline that set it would overwrite the others', and deleting the
/// pipeline would end API logging for the region. The stage, whose logs
/// depend on the role, records it in a tag imported from the bootstrap's
/// export, so CloudFormation refuses to create the pipeline before the
/// bootstrap, and to delete the bootstrap while the pipeline uses it.
fn import_account_logging_role(lowering: &mut Lowering<'_>, stage: &str) {
    let Some(resource) = lowering.template.resources.get_mut(stage) else { return };
    if let Some(Value::Array(tags)) = resource.tag_value_mut() {
        tags.push(
            json!({ "Key": "medc:api-logging-role", "Value": { "Fn::ImportValue": bootstrap::LOGGING_ROLE_EXPORT } }),
        );
    }
}

/// The core rule set's rules that inspect the request body, and their labels.
pub const CORE_BODY_RULES: &[(&str, &str)] = &[
    ("SizeRestrictions_BODY", "SizeRestrictions_Body"),
    ("EC2MetaDataSSRF_BODY", "EC2MetaDataSSRF_Body"),
    ("GenericLFI_BODY", "GenericLFI_Body"),
    ("GenericRFI_BODY", "GenericRFI_Body"),
    ("CrossSiteScripting_BODY", "CrossSiteScripting_Body"),
];

/// A WAF statement matching one route: its method, and its path with each
/// `{parameter}` standing for one segment (`{parameter+}` for the rest).
fn route_match(route: &Route<'_>) -> Value {
    let mut pattern = String::from("^");
    for segment in route.path.split('/').filter(|s| !s.is_empty()) {
        pattern.push('/');
        if segment.starts_with('{') && segment.ends_with("+}") {
            pattern.push_str(".+");
        } else if segment.starts_with('{') {
            pattern.push_str("[^/]+");
        } else {
            pattern.extend(segment.chars().flat_map(|c| {
                let escape = !c.is_ascii_alphanumeric() && c != '-' && c != '_';
                escape.then_some('\\').into_iter().chain(std::iter::once(c))
            }));
        }
    }
    if pattern == "^" {
        pattern.push('/');
    }
    pattern.push('$');
    let none = json!([{ "Priority": 0, "Type": "NONE" }]);
    json!({ "AndStatement": { "Statements": [
        { "ByteMatchStatement": {
            "SearchString": route.method,
            "FieldToMatch": { "Method": {} },
            "PositionalConstraint": "EXACTLY",
            "TextTransformations": &none,
        } },
        { "RegexMatchStatement": {
            "RegexString": pattern,
            "FieldToMatch": { "UriPath": {} },
            "TextTransformations": none,
        } },
    ] } })
}

/// One statement, or an `OrStatement` of several (WAF wants two or more).
fn any_of(mut statements: Vec<Value>) -> Value {
    if statements.len() == 1 {
        return statements.remove(0);
    }
    json!({ "OrStatement": { "Statements": statements } })
}

/// A WAF web ACL with AWS's common and known-bad-inputs rules and a rate
/// limit per client address, attached to the stage and logging to an
/// encrypted log group.
fn firewall(lowering: &mut Lowering<'_>, view: &Api<'_>, rest_api: &str, stage: &str) {
    let api = view.component;
    let id = |suffix: &str| logical_id(&api.name, suffix);
    let metric =
        |name: &str| json!({ "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": name });
    let managed = |priority: u32, name: &str| {
        json!({
            "Name": name,
            "Priority": priority,
            "OverrideAction": { "None": {} },
            "Statement": { "ManagedRuleGroupStatement": { "VendorName": "AWS", "Name": name } },
            "VisibilityConfig": metric(name),
        })
    };
    let mut rules = vec![managed(0, "AWSManagedRulesCommonRuleSet")];
    // DICOM bodies are binary and megabytes long: the core rule set's body
    // rules (over 8 KB; XSS, LFI, RFI and SSRF patterns) would block every
    // upload. They count instead, and a rule on their labels blocks what
    // they match on every other route.
    let dicom: Vec<Value> = view.routes.iter().filter(|r| r.body == Body::Dicom).map(route_match).collect();
    if !dicom.is_empty() {
        rules[0]["Statement"]["ManagedRuleGroupStatement"]["RuleActionOverrides"] = json!(CORE_BODY_RULES
            .iter()
            .map(|(rule, _)| json!({ "Name": rule, "ActionToUse": { "Count": {} } }))
            .collect::<Vec<_>>());
        let labels: Vec<Value> = CORE_BODY_RULES
            .iter()
            .map(|(_, label)| {
                json!({ "LabelMatchStatement": { "Scope": "LABEL", "Key": format!("awswaf:managed:aws:core-rule-set:{label}") } })
            })
            .collect();
        rules.push(json!({
            "Name": "BodyRulesOutsideDicomRoutes",
            "Priority": 1,
            "Action": { "Block": {} },
            "Statement": { "AndStatement": { "Statements": [
                { "OrStatement": { "Statements": labels } },
                { "NotStatement": { "Statement": any_of(dicom) } },
            ] } },
            "VisibilityConfig": metric("BodyRulesOutsideDicomRoutes"),
        }));
    }
    let next = rules.len() as u32;
    rules.push(managed(next, "AWSManagedRulesKnownBadInputsRuleSet"));
    rules.push(json!({
        "Name": "RateLimitPerAddress",
        "Priority": next + 1,
        "Action": { "Block": {} },
        "Statement": { "RateBasedStatement": { "Limit": 2000, "AggregateKeyType": "IP" } },
        "VisibilityConfig": metric("RateLimitPerAddress"),
    }));
    let acl = id("WebAcl");
    lowering.add(
        &acl,
        Resource::new(
            "AWS::WAFv2::WebACL",
            json!({
                "Name": lowering.name(&[&api.name]),
                "Scope": "REGIONAL",
                "DefaultAction": { "Allow": {} },
                "VisibilityConfig": metric(&format!("{}-web-acl", api.name)),
                "Rules": rules,
            }),
        ),
    );
    lowering.add(
        &id("WebAclAssociation"),
        Resource::new(
            "AWS::WAFv2::WebACLAssociation",
            json!({
                "ResourceArn": sub(format!("arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/${{{rest_api}}}/stages/${{{stage}}}")),
                "WebACLArn": get_att(&acl, "Arn"),
            }),
        ),
    );
    // WAF writes only to log groups whose name starts with `aws-waf-logs-`.
    let log_group = id("WafLogGroup");
    lowering.log_group(&log_group, sub(format!("aws-waf-logs-{}", lowering.name_pattern(&[&api.name]))));
    lowering.add(
        &id("WebAclLogging"),
        Resource::new(
            "AWS::WAFv2::LoggingConfiguration",
            json!({
                "ResourceArn": get_att(&acl, "Arn"),
                "LogDestinationConfigs": [sub(format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{log_group}}}"))],
            }),
        ),
    );
}

/// The alarms that watch an api.
pub fn alarms(lowering: &Lowering<'_>, api_view: &Api<'_>, thresholds: &Alarms<'_>) -> Vec<Alarm> {
    let component = api_view.component;
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = ABOVE;
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
    let targets: std::collections::HashSet<&str> = api_view.targets().into_iter().map(|t| t.name.as_str()).collect();
    for target in lowering.program.components.iter().filter(|c| targets.contains(c.name.as_str())) {
        alarms.push(Alarm {
            id: id(&logical_id(&target.name, "UnhealthyHosts")),
            description: format!("api {name}: unhealthy tasks of service {}", target.name),
            namespace: "AWS/NetworkELB",
            metric: "UnHealthyHostCount",
            dimensions: vec![
                ("LoadBalancer", get_att(&load_balancer_id(component), "LoadBalancerFullName")),
                ("TargetGroup", get_att(&target_group_id(component, target), "TargetGroupFullName")),
            ],
            statistic: "Maximum",
            threshold: 0.0,
            comparison: above,
        });
    }
    alarms
}

/// The api's URL, domain, the target of its DNS record and the REST API.
pub fn outputs(view: &Api<'_>) -> Vec<(&'static str, &'static str, Value)> {
    let domain = domain_id(view.component);
    vec![
        ("ApiGatewayUrl", "the API's URL (its mutual-TLS custom domain)", sub(format!("https://${{{domain}}}/"))),
        ("ApiDomainName", "the API's custom domain", reference(&domain)),
        (
            "ApiRegionalDomainName",
            "the target of the domain's DNS record (CNAME or alias)",
            get_att(&domain, "RegionalDomainName"),
        ),
        ("ApiRestApiId", "the REST API", reference(&rest_api_id(view.component))),
        (
            "ApiInvokeArn",
            "what callers' IAM policies allow `execute-api:Invoke` on",
            sub(format!(
                "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{}}}/{STAGE_NAME}/*",
                rest_api_id(view.component)
            )),
        ),
    ]
}
