//! The account bootstrap template (`medc bootstrap`): what API Gateway
//! keeps once per account and region, deployed once, before any pipeline.
//!
//! API Gateway writes execution and access logs with one CloudWatch role
//! per account and region (`AWS::ApiGateway::Account`). A pipeline stack
//! that set it would overwrite every other stack's setting, and deleting it
//! would delete the role the setting points to, silently ending API logging
//! for every API in the region. So it lives here, in a stack of its own,
//! and every pipeline with an API imports its export: CloudFormation then
//! refuses to deploy a pipeline before the bootstrap, and refuses to delete
//! the bootstrap while a pipeline uses it.

use crate::lower::template::{get_att, sub, Export, Output, Resource, Template};
use serde_json::json;

/// The stack name the deployment guide uses for the bootstrap.
pub const STACK_NAME: &str = "medc-bootstrap";

/// The export every pipeline with an API imports.
pub const LOGGING_ROLE_EXPORT: &str = "medc-ApiGatewayCloudWatchRoleArn";

const ROLE: &str = "ApiGatewayCloudWatchRole";

pub fn template() -> Template {
    let mut template = Template {
        format_version: "2010-09-09",
        description: "medc account bootstrap: the API Gateway CloudWatch Logs role of this account and region, \
                      shared by every pipeline (deploy once per account and region; do not edit by hand)"
            .into(),
        ..Template::default()
    };
    template.resources.insert(
        ROLE.into(),
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "Description": "Lets API Gateway write execution and access logs of every API in this account and region to CloudWatch Logs",
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": { "Service": "apigateway.amazonaws.com" },
                    }],
                },
                // The setting serves every API in the region, medc's or not,
                // whatever their log groups are called: a policy scoped to
                // medc's log groups would end the others' logging.
                "ManagedPolicyArns": [sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
                "Tags": [{ "Key": "managed-by", "Value": "medc" }],
            }),
        ),
    );
    template.resources.insert(
        "ApiGatewayAccount".into(),
        Resource::new("AWS::ApiGateway::Account", json!({ "CloudWatchRoleArn": get_att(ROLE, "Arn") })),
    );
    template.outputs.insert(
        "ApiGatewayCloudWatchRoleArn".into(),
        Output {
            description: "The API Gateway CloudWatch Logs role of this account and region; pipelines import it".into(),
            value: get_att(ROLE, "Arn"),
            export: Some(Export { name: json!(LOGGING_ROLE_EXPORT) }),
        },
    );
    template
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_setting_and_its_role_are_exported_once() {
        let template: serde_json::Value = serde_json::from_str(&template().to_json()).unwrap();
        assert_eq!(template["Resources"]["ApiGatewayAccount"]["Type"], "AWS::ApiGateway::Account");
        assert_eq!(
            template["Resources"]["ApiGatewayAccount"]["Properties"]["CloudWatchRoleArn"],
            json!({ "Fn::GetAtt": [ROLE, "Arn"] })
        );
        assert_eq!(template["Outputs"]["ApiGatewayCloudWatchRoleArn"]["Export"]["Name"], LOGGING_ROLE_EXPORT);
        assert!(template.get("Parameters").is_none_or(|p| p.as_object().is_some_and(|m| m.is_empty())));
    }
}
