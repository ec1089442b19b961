//! ECS Fargate: the cluster, and for each service its log group, security
//! group, task definition, service and auto scaling, with IAM roles derived
//! from what the service declares it uses: customer-managed policies, every
//! statement scoped to the ARNs of the components it names.

use super::alarms::{Alarm, ABOVE};
use super::network;
use super::{api, Access};
use crate::check::model::Component;
use crate::check::view::{Alarms, Metric, Platform, Secret, Service};
use crate::lower::json::json;
use crate::lower::template::{get_att, reference, sub, Resource};
use crate::lower::{logical_id, Lowering};
use crate::naming::Named;
use serde_json::Value;

pub const CLUSTER: &str = "EcsCluster";

/// The ECS service's name.
fn service_name(base: &str) -> Named {
    Named::new("ECS service name", base.to_string(), 255)
}

/// The ECS service's name; the task family and the scaling policy share
/// its stem under limits at least as long.
pub fn names(base: &str) -> Vec<Named> {
    vec![service_name(base)]
}

pub fn service_id(component: &Component) -> String {
    logical_id(&component.name, "Service")
}

pub fn security_group_id(component: &Component) -> String {
    logical_id(&component.name, "SecurityGroup")
}

/// `DATABASE_HOST`-style environment names, as the checker reserves them.
pub use crate::naming::env_name;

/// A KMS key ARN, for a key given as a parameter: a key id (a UUID or a
/// multi-region `mrk-` id), never an alias or a wildcard.
const KMS_KEY_ARN: &str = r"^arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:\d{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$";

/// An existing secret's ARN for IAM: any six-character suffix matches.
fn secret_arn(name: &str) -> Value {
    sub(format!("{}-??????", crate::lower::partial_secret_arn(name)))
}

/// The cluster every service runs in, when there are services.
pub fn cluster(lowering: &mut Lowering<'_>) {
    if lowering.views.services().next().is_none() {
        return;
    }
    // Container Insights writes to a log group ECS would otherwise create
    // unencrypted, kept forever and left behind by the stack: created here,
    // it has the pipeline's key and retention and goes with the stack.
    let insights = "ContainerInsightsLogGroup";
    lowering.log_group(insights, sub(format!("/aws/ecs/containerinsights/{}/performance", lowering.name_pattern(&[]))));
    lowering.add(
        CLUSTER,
        Resource::new(
            "AWS::ECS::Cluster",
            json!({
                "ClusterName": lowering.name(&[]),
                "ClusterSettings": [{ "Name": "containerInsights", "Value": "enhanced" }],
            }),
        )
        .depends_on(insights),
    );
}

/// What a service's container is given: environment, secrets, mounts, and
/// its task role's statements; filled by the modules of what it uses.
#[derive(Default)]
pub struct Wiring {
    environment: Vec<Value>,
    /// The names in `environment`, so that each is added once without a scan.
    environment_names: std::collections::HashSet<String>,
    secrets: Vec<Value>,
    secret_arns: Vec<Value>,
    /// Customer-managed keys the injected secrets are encrypted with.
    secret_keys: Vec<Value>,
    pub volumes: Vec<Value>,
    pub mount_points: Vec<Value>,
    pub task_statements: Vec<Value>,
    /// The services through which the task may use the pipeline's key.
    pub kms_via: Vec<&'static str>,
}

impl Wiring {
    /// Injects keys of an existing JSON secret as environment variables,
    /// with what the execution role needs to read them: the secret's ARN,
    /// and the customer-managed key it declares, if any.
    pub fn inject(&mut self, lowering: &mut Lowering<'_>, secret: &Secret<'_>, fields: &[(String, &str)]) {
        let name = lowering.secret_name(secret);
        for (variable, key) in fields {
            self.secrets.push(json!({ "Name": variable, "ValueFrom": secret_field(&name, key) }));
        }
        self.secret_arns.push(secret_arn(&name));
        if let Some(key) = secret.key {
            // A key given as a parameter admits only a key ARN, as a literal
            // key is checked (MEDC-0252): never `*`, an alias or a bare id.
            if let crate::check::view::Text::Param(name) = key {
                lowering.string_or_parameter(key, "ARN of the KMS key an existing secret is encrypted with");
                if let Some(parameter) = lowering.template.parameters.get_mut(name) {
                    parameter.allowed_pattern = Some(KMS_KEY_ARN.into());
                    parameter.constraint_description = Some("the ARN of a KMS key (key/ID, not an alias)".into());
                }
            }
            let key = lowering.string_or_parameter(key, "ARN of the KMS key an existing secret is encrypted with");
            if !self.secret_keys.contains(&key) {
                self.secret_keys.push(key);
            }
        }
    }

    /// One environment variable; a service that both reads and writes a
    /// store is told its name once.
    pub fn env(&mut self, name: String, value: Value) {
        if self.environment_names.insert(name.clone()) {
            self.environment.push(json!({ "Name": name, "Value": value }));
        }
    }
}

/// A service's log group, security group, roles and policies, task
/// definition, ECS service and auto scaling.
pub fn resources(lowering: &mut Lowering<'_>, view: &Service<'_>) {
    let service = view.component;
    let id = |suffix: &str| logical_id(&service.name, suffix);
    let security_group = security_group_id(service);
    network::security_group(
        lowering,
        &security_group,
        &format!("service {}: its load balancer in, AWS endpoints and its data stores out", service.name),
        true,
    );
    if lowering.template.resources.contains_key(network::ENDPOINT_SECURITY_GROUP) {
        network::allow(
            lowering,
            network::ENDPOINT_SECURITY_GROUP,
            &security_group,
            443,
            &format!("HTTPS from service {}", service.name),
        );
    }

    let mut wiring = Wiring::default();
    wiring.env(crate::naming::ENV_FIXED[0].into(), reference("AWS::Region"));
    wire_data(lowering, view, &mut wiring);
    for (name, value) in &view.env {
        wiring.env(name.to_string(), json!(value));
    }
    // The root file system is read-only; /tmp is a writable scratch volume.
    wiring.volumes.push(json!({ "Name": "tmp" }));
    wiring.mount_points.push(json!({ "SourceVolume": "tmp", "ContainerPath": "/tmp", "ReadOnly": false }));

    let log_group = id("LogGroup");
    lowering.log_group(&log_group, sub(format!("/medc/{}/containers", lowering.name_pattern(&[&service.name]))));

    let execution_role = id("ExecutionRole");
    let task_role = id("TaskRole");
    for (role, what) in [
        (&execution_role, "pulls the image, writes logs and reads the injected secrets"),
        (&task_role, "what the container may do: exactly the components it uses"),
    ] {
        lowering.add(
            role,
            Resource::new(
                "AWS::IAM::Role",
                json!({
                    "Description": format!("service {}: {what}", service.name),
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Action": "sts:AssumeRole",
                            "Effect": "Allow",
                            "Principal": { "Service": "ecs-tasks.amazonaws.com" },
                            "Condition": { "StringEquals": { "aws:SourceAccount": reference("AWS::AccountId") } },
                        }],
                    },
                }),
            ),
        );
    }
    execution_policy(lowering, service, &execution_role, &log_group, &wiring);
    task_policy(lowering, view, &task_role, &mut wiring);

    let port = view.port;
    let health = lowering.sub_text(view.health, &format!("health-check path of service {}", service.name));
    let image = lowering.string_or_parameter(view.image, &format!("container image of service {}", service.name));
    // Exec form: curl gets the URL as one argument and no shell ever reads
    // it, so a path cannot chain a command (`/health; echo`); curl exits
    // non-zero on an HTTP error, which ECS counts as unhealthy.
    let health_url = match view.health {
        crate::check::view::Text::Literal(_) => json!(format!("https://localhost:{port}{health}")),
        crate::check::view::Text::Param(_) => sub(format!("https://localhost:{port}{health}")),
    };
    let mut container = json!({
        "Name": &service.name,
        "Image": image,
        "Essential": true,
        "User": format!("{}:{}", view.user, view.user),
        "ReadonlyRootFilesystem": view.read_only_root,
        "PortMappings": [{ "ContainerPort": port, "Protocol": "tcp" }],
        "Environment": wiring.environment,
        "MountPoints": wiring.mount_points,
        "HealthCheck": {
            "Command": ["CMD", "curl", "-fsk", health_url],
            "Interval": 30,
            "Timeout": 5,
            "Retries": 3,
            "StartPeriod": 60,
        },
        "LinuxParameters": { "InitProcessEnabled": true },
    });
    if !wiring.secrets.is_empty() {
        container["Secrets"] = json!(wiring.secrets);
    }
    match view.command {
        Some(crate::check::view::Text::Literal(command)) => {
            container["Command"] = json!(command.split_whitespace().collect::<Vec<_>>());
        }
        Some(crate::check::view::Text::Param(parameter)) => {
            lowering.parameter(parameter, &format!("container command of service {}", service.name));
            container["Command"] = json!([reference(parameter)]);
        }
        None => {}
    }
    if view.logging {
        container["LogConfiguration"] = json!({
            "LogDriver": "awslogs",
            "Options": {
                "awslogs-group": reference(&log_group),
                "awslogs-region": reference("AWS::Region"),
                "awslogs-stream-prefix": &service.name,
            },
        });
    }
    let memory_mib = view.memory_mib();
    let architecture = match view.platform {
        Platform::Arm64 => "ARM64",
        Platform::X86_64 => "X86_64",
    };
    let task = id("TaskDefinition");
    lowering.add(
        &task,
        Resource::new(
            "AWS::ECS::TaskDefinition",
            json!({
                "Family": lowering.name(&[&service.name]),
                "Cpu": view.cpu.to_string(),
                "Memory": memory_mib.to_string(),
                "NetworkMode": "awsvpc",
                "RequiresCompatibilities": ["FARGATE"],
                "RuntimePlatform": { "CpuArchitecture": architecture, "OperatingSystemFamily": "LINUX" },
                "ExecutionRoleArn": get_att(&execution_role, "Arn"),
                "TaskRoleArn": get_att(&task_role, "Arn"),
                "Volumes": wiring.volumes,
                "ContainerDefinitions": [container],
            }),
        ),
    );
    lowering.record_waivers(&task, service);

    let (min, max, metric, target) = (view.tasks.min, view.tasks.max, view.tasks.metric, view.tasks.target);
    let routes = api::routes_to(lowering, service);
    let mut properties = json!({
        "ServiceName": lowering.named(&service_name(&lowering.base(&service.name))),
        "Cluster": reference(CLUSTER),
        "TaskDefinition": reference(&task),
        "LaunchType": "FARGATE",
        "PlatformVersion": "1.4.0",
        "DesiredCount": min,
        "NetworkConfiguration": { "AwsvpcConfiguration": {
            "AssignPublicIp": if view.public { "ENABLED" } else { "DISABLED" },
            "Subnets": network::private_subnets(lowering),
            "SecurityGroups": [get_att(&security_group, "GroupId")],
        } },
        "DeploymentConfiguration": {
            "DeploymentCircuitBreaker": { "Enable": true, "Rollback": true },
            "MinimumHealthyPercent": 100,
            "MaximumPercent": 200,
        },
        "AvailabilityZoneRebalancing": "ENABLED",
        "PropagateTags": "SERVICE",
        "EnableECSManagedTags": true,
        "EnableExecuteCommand": view.exec,
    });
    let mut resource_depends = Vec::new();
    if !routes.is_empty() {
        properties["HealthCheckGracePeriodSeconds"] = json!(120);
        properties["LoadBalancers"] = json!(routes
            .iter()
            .map(|api| json!({ "ContainerName": &service.name, "ContainerPort": port, "TargetGroupArn": reference(&api::target_group_id(api.component, service)) }))
            .collect::<Vec<_>>());
        resource_depends = routes.iter().map(|api| api::listener_id(api.component, service)).collect();
    }
    // Tasks start as soon as the service exists; CloudFormation creates in
    // parallel what it does not see referenced. Everything a task needs to
    // pull its image, read its secrets, mount its file systems and reach its
    // endpoints must exist first, or the circuit breaker rolls the service back.
    // In the template's order, as a scan of every resource would find
    // them, but looked up in the lowering's indexes (`Waits`).
    let resources = &lowering.template.resources;
    let waits = &lowering.waits;
    let mut needed: Vec<usize> =
        [id("ExecutionPolicy"), id("TaskPolicy")].iter().filter_map(|id| resources.get_index_of(id)).collect();
    needed.extend(&waits.endpoints);
    needed.extend(waits.ingress.get(&format!("From{security_group}")).into_iter().flatten());
    for mount in &view.mounts {
        let prefix = format!("{}MountTarget", super::storage::file_system_id(mount.storage));
        needed.extend(waits.mount_targets.get(&prefix).into_iter().flatten());
    }
    needed.sort_unstable();
    needed.dedup();
    resource_depends.extend(needed.into_iter().filter_map(|at| resources.get_index(at)).map(|(id, _)| id.clone()));
    let service_id = service_id(service);
    let mut resource = Resource::new("AWS::ECS::Service", properties);
    for dependency in resource_depends {
        resource = resource.depends_on(&dependency);
    }
    lowering.add(&service_id, resource);
    lowering.record_waivers(&service_id, service);

    let scalable = id("ScalableTarget");
    lowering.add(
        &scalable,
        Resource::new(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            json!({
                "ServiceNamespace": "ecs",
                "ScalableDimension": "ecs:service:DesiredCount",
                "ResourceId": sub(format!("service/${{{CLUSTER}}}/${{{service_id}.Name}}")),
                "MinCapacity": min,
                "MaxCapacity": max,
            }),
        ),
    );
    let predefined = match metric {
        Metric::Memory => "ECSServiceAverageMemoryUtilization",
        Metric::Cpu => "ECSServiceAverageCPUUtilization",
    };
    lowering.add(
        &id("ScalingPolicy"),
        Resource::new(
            "AWS::ApplicationAutoScaling::ScalingPolicy",
            json!({
                "PolicyName": lowering.name(&[&service.name, metric.name()]),
                "PolicyType": "TargetTrackingScaling",
                "ScalingTargetId": reference(&scalable),
                "TargetTrackingScalingPolicyConfiguration": {
                    "TargetValue": target,
                    "PredefinedMetricSpecification": { "PredefinedMetricType": predefined },
                    "ScaleInCooldown": 300,
                    "ScaleOutCooldown": 60,
                },
            }),
        ),
    );
}

/// Environment, secrets, mounts, network paths and task-role statements for
/// every component the service names, each from its kind's module.
fn wire_data(lowering: &mut Lowering<'_>, view: &Service<'_>, wiring: &mut Wiring) {
    let views = lowering.views;
    // A route that hands out presigned upload URLs to a bucket lets its
    // service write the bucket (the URLs are signed with the task role, so
    // clients' uploads carry its permissions) and read what arrives there.
    let uploads: Vec<&Component> = lowering
        .apis
        .iter()
        .flat_map(|api| &api.routes)
        .filter(|route| route.target.name == view.component.name)
        .filter_map(|route| route.upload)
        .collect();
    let reads = view.reads.iter().copied().chain(uploads.iter().copied());
    let writes = view.writes.iter().copied().chain(uploads.iter().copied());
    let uses = view.connects.iter().map(|c| (*c, Access::Connect));
    let uses = uses.chain(reads.map(|c| (c, Access::Read)));
    let uses = uses.chain(writes.map(|c| (c, Access::Write)));
    let uses = uses.chain(view.mounts.iter().map(|m| (m.storage, Access::Mount(m.path))));
    let mut unique: Vec<(&Component, Access<'_>)> = Vec::new();
    for (component, access) in uses {
        if !unique.iter().any(|(c, a)| c.name == component.name && *a == access) {
            unique.push((component, access));
        }
    }
    for (component, access) in unique {
        if let Some(target) = views.get(&component.name) {
            super::serve(lowering, target, view, access, wiring);
        }
    }
}

/// `ARN:json-key::` — an ECS secret taken from one key of a JSON secret.
fn secret_field(secret: &str, key: &str) -> Value {
    sub(format!("{}:{key}::", crate::lower::partial_secret_arn(secret)))
}

fn execution_policy(lowering: &mut Lowering<'_>, service: &Component, role: &str, log_group: &str, wiring: &Wiring) {
    let mut statements = vec![
        json!({
            "Sid": "EcrAuthorization",
            "Action": "ecr:GetAuthorizationToken",
            "Effect": "Allow",
            "Resource": "*",
        }),
        json!({
            "Sid": "PullImagesOfThisAccount",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
            "Effect": "Allow",
            "Resource": sub("arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*"),
        }),
        json!({
            "Sid": "WriteContainerLogs",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": get_att(log_group, "Arn"),
        }),
    ];
    if !wiring.secret_arns.is_empty() {
        statements.push(json!({
            "Sid": "ReadInjectedSecrets",
            "Action": "secretsmanager:GetSecretValue",
            "Effect": "Allow",
            "Resource": &wiring.secret_arns,
        }));
        // Secrets under the AWS managed key need no KMS permission; those
        // under a customer-managed key name it, and may be decrypted with it
        // only through Secrets Manager.
        if !wiring.secret_keys.is_empty() {
            statements.push(json!({
                "Sid": "DecryptInjectedSecrets",
                "Action": "kms:Decrypt",
                "Effect": "Allow",
                "Resource": &wiring.secret_keys,
                "Condition": { "StringEquals": { "kms:ViaService": sub("secretsmanager.${AWS::Region}.amazonaws.com") } },
            }));
        }
    }
    lowering.add(
        &logical_id(&service.name, "ExecutionPolicy"),
        Resource::new(
            "AWS::IAM::ManagedPolicy",
            json!({
                "Description": format!(
                    "service {}: start tasks. ecr:GetAuthorizationToken has no resource-level permissions, so its resource is `*`; image pulls are limited to this account's repositories because the image is a deploy-time parameter",
                    service.name
                ),
                "Roles": [reference(role)],
                "PolicyDocument": { "Version": "2012-10-17", "Statement": statements },
            }),
        ),
    );
}

fn task_policy(lowering: &mut Lowering<'_>, view: &Service<'_>, role: &str, wiring: &mut Wiring) {
    let service = view.component;
    let mut statements = std::mem::take(&mut wiring.task_statements);
    wiring.kms_via.sort_unstable();
    wiring.kms_via.dedup();
    if !wiring.kms_via.is_empty() {
        let via: Vec<Value> =
            wiring.kms_via.iter().map(|s| sub(format!("{s}.${{AWS::Region}}.amazonaws.com"))).collect();
        statements.push(json!({
            "Sid": "UseKeyThroughItsServices",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Effect": "Allow",
            "Resource": lowering.key_arn(),
            "Condition": { "StringEquals": { "kms:ViaService": via } },
        }));
    }
    for (n, grant) in view.grants.iter().enumerate() {
        statements.push(json!({ "Sid": format!("DeclaredGrant{}", n + 1), "Action": grant.actions, "Effect": "Allow", "Resource": grant.resources }));
    }
    if statements.is_empty() {
        return;
    }
    lowering.add(
        &logical_id(&service.name, "TaskPolicy"),
        Resource::new(
            "AWS::IAM::ManagedPolicy",
            json!({
                "Description": format!("service {}: derived from what it connects to, reads, writes and mounts", service.name),
                "Roles": [reference(role)],
                "PolicyDocument": { "Version": "2012-10-17", "Statement": statements },
            }),
        ),
    );
    lowering.record_waivers(&logical_id(&service.name, "TaskPolicy"), service);
}

/// The alarms that watch a service.
pub fn alarms(view: &Service<'_>, thresholds: &Alarms<'_>) -> Vec<Alarm> {
    let component = view.component;
    let cpu = thresholds.cpu;
    let memory = thresholds.memory;
    let name = &component.name;
    let id = |what: &str| logical_id(name, what);
    let above = ABOVE;
    let dimension = vec![("ClusterName", reference(CLUSTER)), ("ServiceName", get_att(&service_id(component), "Name"))];
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

/// The service's name, and with the first service the cluster's.
pub fn outputs(view: &Service<'_>, first: bool) -> Vec<(&'static str, &'static str, Value)> {
    let mut outputs = Vec::new();
    if first {
        outputs.push(("EcsClusterName", "the ECS cluster", reference(CLUSTER)));
    }
    outputs.push(("EcsServiceName", "the ECS service", get_att(&service_id(view.component), "Name")));
    outputs
}
