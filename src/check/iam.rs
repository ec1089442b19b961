//! What medc knows of IAM: the action catalogue, the actions that escalate
//! privilege, and the shape of an exact resource ARN. This module reports
//! actions that are not in the catalogue (MEDC-0250); the rule units
//! `least_privilege` (wildcards, MEDC-1016) and `privilege_escalation`
//! (MEDC-1031) use the same judgement.

use super::model::{Component, Kind, Origin, Program};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;
use crate::types::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The IAM action catalogue: the AWS Service Authorization Reference as
/// cfn-lint ships it (`scripts/iam-actions` regenerates the file).
const CATALOGUE: &str = include_str!("../../data/iam-actions.txt");

/// Services a pipeline's service never needs, any of whose actions can
/// create, widen or take on an identity.
const IDENTITY_SERVICES: &[&str] = &["iam", "sts", "organizations", "sso", "sso-directory", "identitystore", "account"];

/// Actions of other services that let the holder act with more privilege
/// than it has: run code under a role it passes or that is already there,
/// rewrite who may use a resource, or open a shell on a machine. After
/// Rhino Security Labs' list of AWS privilege-escalation methods, widened
/// to the same mechanisms in the services a pipeline reaches.
const ESCALATING_ACTIONS: &[&str] = &[
    "autoscaling:createautoscalinggroup",
    "autoscaling:createlaunchconfiguration",
    "autoscaling:updateautoscalinggroup",
    "cloudformation:createchangeset",
    "cloudformation:createstack",
    "cloudformation:createstackset",
    "cloudformation:executechangeset",
    "cloudformation:setstackpolicy",
    "cloudformation:updatestack",
    "cloudformation:updatestackset",
    "codebuild:createproject",
    "codebuild:startbuild",
    "codebuild:startbuildbatch",
    "codebuild:updateproject",
    "codestar:associateteammember",
    "codestar:createproject",
    "datapipeline:activatepipeline",
    "datapipeline:createpipeline",
    "datapipeline:putpipelinedefinition",
    "ec2-instance-connect:sendserialconsolesshpublickey",
    "ec2-instance-connect:sendsshpublickey",
    "ec2:associateiaminstanceprofile",
    "ec2:createlaunchtemplateversion",
    "ec2:modifyinstanceattribute",
    "ec2:replaceiaminstanceprofileassociation",
    "ec2:runinstances",
    "ecr:setrepositorypolicy",
    "ecs:createservice",
    "ecs:executecommand",
    "ecs:registertaskdefinition",
    "ecs:runtask",
    "ecs:starttask",
    "ecs:updateservice",
    "glue:createdevendpoint",
    "glue:createjob",
    "glue:updatedevendpoint",
    "glue:updatejob",
    "kms:creategrant",
    "kms:putkeypolicy",
    "lambda:addpermission",
    "lambda:createeventsourcemapping",
    "lambda:createfunction",
    "lambda:updatefunctioncode",
    "lambda:updatefunctionconfiguration",
    "s3:deletebucketpolicy",
    "s3:putbucketacl",
    "s3:putbucketpolicy",
    "s3:putobjectacl",
    "sagemaker:createnotebookinstance",
    "sagemaker:createpresignednotebookinstanceurl",
    "sagemaker:createprocessingjob",
    "sagemaker:createtrainingjob",
    "sagemaker:updatenotebookinstance",
    "secretsmanager:putresourcepolicy",
    "ssm:createassociation",
    "ssm:sendcommand",
    "ssm:startautomationexecution",
    "ssm:startsession",
];

/// Partitions an ARN may name.
const PARTITIONS: &[&str] =
    &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// The catalogue by service: lowercase action names.
fn catalogue() -> &'static HashMap<&'static str, Vec<&'static str>> {
    static MAP: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    MAP.get_or_init(|| {
        CATALOGUE
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let mut words = line.split(' ');
                let service = words.next()?;
                Some((service, words.collect()))
            })
            .collect()
    })
}

/// What is wrong with an action, if anything.
#[derive(Debug, PartialEq)]
pub enum ActionProblem {
    Wildcard,
    /// Not `service:Action`, or not in the catalogue; with a near miss.
    Unknown(Option<String>),
    Escalates,
}

pub fn action_problem(action: &str) -> Option<ActionProblem> {
    if action.contains(['*', '?']) {
        return Some(ActionProblem::Wildcard);
    }
    let Some((service, name)) = action.split_once(':') else {
        return Some(ActionProblem::Unknown(None));
    };
    let (service, name) = (service.to_ascii_lowercase(), name.to_ascii_lowercase());
    let Some(actions) = catalogue().get(service.as_str()) else {
        let near = crate::suggest::closest(&service, catalogue().keys().copied());
        return Some(ActionProblem::Unknown(near.map(|s| format!("{s}:{name}"))));
    };
    if actions.binary_search(&name.as_str()).is_err() {
        let near = crate::suggest::closest(&name, actions.iter().copied());
        return Some(ActionProblem::Unknown(near.map(|a| format!("{service}:{a}"))));
    }
    let lowered = format!("{service}:{name}");
    if IDENTITY_SERVICES.contains(&service.as_str()) || ESCALATING_ACTIONS.contains(&lowered.as_str()) {
        return Some(ActionProblem::Escalates);
    }
    None
}

/// Why a grant's resource is not one exact ARN, if it is not.
pub fn resource_problem(resource: &str) -> Option<&'static str> {
    if resource.contains(['*', '?']) {
        return Some("IAM matches `*` and `?` as wildcards");
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    let [arn, partition, service, _region, _account, rest] = parts.as_slice() else {
        return Some("not an ARN (`arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`)");
    };
    let service_ok =
        !service.is_empty() && service.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if *arn != "arn" || !PARTITIONS.contains(partition) || !service_ok || rest.is_empty() {
        return Some("not an ARN (`arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`)");
    }
    if resource.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Some("an ARN has no spaces or control characters");
    }
    None
}

/// Reports every granted action that is not in the catalogue.
pub fn check(program: &Program, findings: &mut Vec<Finding>) {
    for service in program.of_kind(Kind::Service) {
        for setting in service.settings.all("grant") {
            let (Value::Grant { actions, .. }, Origin::User(span)) = (&setting.value, setting.origin) else {
                continue;
            };
            for action in actions {
                if let Some(ActionProblem::Unknown(near)) = action_problem(action) {
                    findings.push(unknown_action(service, action, near, span));
                }
            }
        }
    }
}

fn unknown_action(service: &Component, action: &str, near: Option<String>, span: Span) -> Finding {
    let help = match near {
        Some(near) => format!(
            "did you mean `{near}`? actions are `service:Action`, as the AWS Service Authorization Reference lists them"
        ),
        None => "actions are `service:Action`, as the AWS Service Authorization Reference lists them".into(),
    };
    Finding {
        component: Some(service.name.clone()),
        diagnostic: Diagnostic::new(
            &codes::IAM_ACTION,
            format!("`{action}` is not an IAM action"),
            Label::new(span, "not in the IAM action catalogue"),
            help,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_sorted_and_large() {
        let catalogue = catalogue();
        assert!(catalogue.len() > 400, "{} services", catalogue.len());
        for (service, actions) in catalogue {
            assert!(actions.windows(2).all(|w| w[0] < w[1]), "{service} is sorted");
        }
        assert!(catalogue["s3"].contains(&"getobject"));
    }

    /// A misspelt entry in the escalation list would never match.
    #[test]
    fn every_escalating_action_is_in_the_catalogue() {
        for action in ESCALATING_ACTIONS {
            let (service, name) = action.split_once(':').unwrap();
            assert!(catalogue()[service].binary_search(&name).is_ok(), "{action} is not in the catalogue");
        }
        for service in IDENTITY_SERVICES {
            assert!(catalogue().contains_key(service), "{service}");
        }
    }

    #[test]
    fn actions_in_every_spelling() {
        assert_eq!(action_problem("s3:GetObject"), None);
        assert_eq!(action_problem("S3:getobject"), None);
        for wild in ["*", "s3:*", "s3:Get*", "s3:GetObjec?", "?3:GetObject", "s3:?"] {
            assert_eq!(action_problem(wild), Some(ActionProblem::Wildcard), "{wild}");
        }
        for escalating in [
            "iam:PassRole",
            "IAM:passrole",
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
            "iam:CreatePolicyVersion",
            "sts:AssumeRole",
            "lambda:CreateFunction",
            "ssm:SendCommand",
        ] {
            assert_eq!(action_problem(escalating), Some(ActionProblem::Escalates), "{escalating}");
        }
        assert_eq!(action_problem("s3:GetObjekt"), Some(ActionProblem::Unknown(Some("s3:getobject".into()))));
        assert!(matches!(action_problem("GetObject"), Some(ActionProblem::Unknown(_))));
        assert!(matches!(action_problem("nosuchservice:Get"), Some(ActionProblem::Unknown(_))));
    }

    #[test]
    fn resources_are_exact_arns() {
        assert_eq!(resource_problem("arn:aws:s3:::medimg-exports/studies.csv"), None);
        assert_eq!(resource_problem("arn:aws:sqs:sa-east-1:123456789012:jobs"), None);
        for bad in [
            "*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucke?",
            "bucket",
            "arn:aws:s3",
            "arn:nope:s3:::b",
            "arn:aws:s3:::",
            "arn:aws:s3:::a b",
        ] {
            assert!(resource_problem(bad).is_some(), "{bad}");
        }
    }
}
