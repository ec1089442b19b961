//! What a template compiled from a program without waivers must never
//! contain, checked on the template itself rather than on the program: a
//! wildcard or escalating action in a role's policy, ingress open to the
//! internet, a secret in plain text, a resource dropped by a name
//! collision. The adversarial tests, the property tests and the fuzz target
//! all hold `compile`'s output to it (docs/security.md).

use crate::lower::template::Template;
use serde_json::Value;

/// Every breach of the guarantees in the template, described; empty when
/// there is none.
pub fn breaches(template: &Template) -> Vec<String> {
    let mut found = Vec::new();
    for collision in &template.collisions {
        found.push(format!("logical id `{}` added twice", collision.logical_id));
    }
    for (id, resource) in &template.resources {
        let properties = Value::Object(resource.properties.clone());
        match resource.kind {
            "AWS::IAM::ManagedPolicy" | "AWS::IAM::Policy" => {
                identity_policy(id, &properties["PolicyDocument"], &mut found);
            }
            "AWS::IAM::Role" => {
                if let Some(policies) = properties["Policies"].as_array() {
                    for policy in policies {
                        identity_policy(id, &policy["PolicyDocument"], &mut found);
                    }
                }
            }
            "AWS::EC2::SecurityGroup" => {
                if let Some(rules) = properties["SecurityGroupIngress"].as_array() {
                    for rule in rules {
                        open_ingress(id, rule, &mut found);
                    }
                }
            }
            "AWS::EC2::SecurityGroupIngress" => open_ingress(id, &properties, &mut found),
            "AWS::ECS::TaskDefinition" => containers(id, &properties, &mut found),
            "AWS::RDS::DBCluster" => {
                dynamic_reference(id, &properties, "MasterUsername", &mut found);
                dynamic_reference(id, &properties, "MasterUserPassword", &mut found);
            }
            "AWS::ElastiCache::ReplicationGroup" => dynamic_reference(id, &properties, "AuthToken", &mut found),
            _ => {}
        }
    }
    found
}

/// An identity policy's `Allow` statements: every action named in full,
/// none escalating.
fn identity_policy(id: &str, document: &Value, found: &mut Vec<String>) {
    let statements = match &document["Statement"] {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    for statement in statements.iter().filter(|s| s["Effect"] == "Allow") {
        let actions = match &statement["Action"] {
            Value::Array(items) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            Value::String(one) => vec![one.clone()],
            _ => Vec::new(),
        };
        for action in actions {
            match crate::check::iam::action_problem(&action) {
                Some(crate::check::iam::ActionProblem::Wildcard) => {
                    found.push(format!("{id}: wildcard action `{action}`"))
                }
                Some(crate::check::iam::ActionProblem::Escalates) => {
                    found.push(format!("{id}: escalating action `{action}`"))
                }
                _ => {}
            }
        }
        if statement.get("NotAction").is_some() {
            found.push(format!("{id}: an Allow with NotAction"));
        }
    }
}

fn open_ingress(id: &str, rule: &Value, found: &mut Vec<String>) {
    for key in ["CidrIp", "CidrIpv6"] {
        if matches!(rule[key].as_str(), Some("0.0.0.0/0" | "::/0")) {
            found.push(format!("{id}: ingress open to {}", rule[key]));
        }
    }
}

/// A container's environment is plain text in the template.
fn containers(id: &str, properties: &Value, found: &mut Vec<String>) {
    let Some(definitions) = properties["ContainerDefinitions"].as_array() else { return };
    for definition in definitions {
        let Some(environment) = definition["Environment"].as_array() else { continue };
        for variable in environment {
            let name = variable["Name"].as_str().unwrap_or_default();
            let value = variable["Value"].as_str().unwrap_or_default();
            if crate::check::secrets::secret_shaped_name(name) {
                found.push(format!("{id}: environment variable `{name}` names a secret"));
            }
            if let Some(why) = crate::check::secrets::secret_shaped_value(value) {
                found.push(format!("{id}: environment variable `{name}` holds {why}"));
            }
        }
        if let Some(command) = definition["Command"].as_array() {
            let text: Vec<&str> = command.iter().filter_map(Value::as_str).collect();
            if let Some(why) = crate::check::secrets::secret_in_command(&text.join(" ")) {
                found.push(format!("{id}: command carries a secret ({why})"));
            }
        }
    }
}

/// A credential property is a dynamic reference to Secrets Manager.
fn dynamic_reference(id: &str, properties: &Value, key: &str, found: &mut Vec<String>) {
    match &properties[key] {
        Value::Null => {}
        Value::String(text) if text.starts_with("{{resolve:secretsmanager:") => {}
        Value::Object(function) if function.contains_key("Fn::Sub") || function.contains_key("Fn::Join") => {
            let text = function.values().next().map(Value::to_string).unwrap_or_default();
            if !text.contains("{{resolve:secretsmanager:") {
                found.push(format!("{id}: `{key}` is not a Secrets Manager reference"));
            }
        }
        _ => found.push(format!("{id}: `{key}` is not a Secrets Manager reference")),
    }
}
