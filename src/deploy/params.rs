//! The parameters file of a template: every CloudFormation parameter the
//! program declares (`param NAME`, plus `EnvironmentSuffix`), filled with
//! its default when it has one and left empty when the deployment must
//! supply it. Two forms: the JSON list that `create-stack --parameters` and
//! `deploy --parameter-overrides` (AWS CLI v2) read from `file://`, and the
//! `KEY=VALUE` lines of `deploy --parameter-overrides`, each after a
//! comment that says what it needs.

use crate::lower::template::{Parameter, Template};
use serde_json::json;

/// `[{"ParameterKey": ..., "ParameterValue": ...}]`, indented, with a final
/// newline. JSON has no comments: `overrides` carries the explanations.
pub fn json(template: &Template) -> String {
    let list: Vec<serde_json::Value> = template
        .parameters
        .iter()
        .map(|(name, p)| json!({ "ParameterKey": name, "ParameterValue": p.default.clone().unwrap_or_default() }))
        .collect();
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
    text.push('\n');
    text
}

/// `KEY=VALUE` lines for `aws cloudformation deploy --parameter-overrides`,
/// each after comments saying what the value is and what it must match.
pub fn overrides(template: &Template, pipeline: &str) -> String {
    let mut text = format!(
        "# Parameters of pipeline `{pipeline}`. Fill in every empty value, then deploy with\n\
         #   aws cloudformation deploy ... --parameter-overrides $(grep -v '^#' THIS_FILE)\n\
         # Values in this form cannot contain spaces; `medc params --format json` writes the\n\
         # form `--parameter-overrides file://FILE` reads, which can.\n"
    );
    for (name, parameter) in &template.parameters {
        text.push('\n');
        text.push_str(&format!("# {}\n", sentence(&parameter.description)));
        text.push_str(&format!("#   {}\n", needs(parameter)));
        text.push_str(&format!("{name}={}\n", parameter.default.as_deref().unwrap_or("")));
    }
    text
}

/// What a value must be, in a few words.
fn needs(parameter: &Parameter) -> String {
    let rule = match (&parameter.constraint_description, &parameter.allowed_pattern) {
        (Some(description), _) if description != "must not be empty" => description.clone(),
        (_, Some(pattern)) if pattern != ".+" => format!("matching `{pattern}`"),
        _ => String::new(),
    };
    match (&parameter.default, rule.is_empty()) {
        (Some(default), true) => format!("optional; default `{default}`"),
        (Some(default), false) => format!("{rule}; default `{default}`"),
        (None, true) => "required".to_string(),
        (None, false) => format!("required: {rule}"),
    }
}

/// A description as a sentence: capitalized, with a final period.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        let mut template = Template::default();
        template.parameters.insert(
            "EnvironmentSuffix".into(),
            Parameter {
                kind: "String",
                description: "suffix of every resource name".into(),
                default: Some("dev".into()),
                allowed_pattern: Some("^[a-z0-9]{1,8}$".into()),
                constraint_description: Some("1 to 8 lowercase letters and digits".into()),
            },
        );
        template.parameters.insert(
            "ProcessorImage".into(),
            Parameter {
                kind: "String",
                description: "container image of service processor".into(),
                default: None,
                allowed_pattern: Some(".+".into()),
                constraint_description: Some("must not be empty".into()),
            },
        );
        template
    }

    #[test]
    fn json_lists_every_parameter_with_its_default() {
        let list: serde_json::Value = serde_json::from_str(&json(&template())).unwrap();
        assert_eq!(
            list,
            json!([
                { "ParameterKey": "EnvironmentSuffix", "ParameterValue": "dev" },
                { "ParameterKey": "ProcessorImage", "ParameterValue": "" },
            ])
        );
    }

    #[test]
    fn overrides_say_what_each_value_needs() {
        let text = overrides(&template(), "medimg");
        assert!(text.contains(
            "# Suffix of every resource name.\n#   1 to 8 lowercase letters and digits; default `dev`\nEnvironmentSuffix=dev\n"
        ));
        assert!(text.contains("# Container image of service processor.\n#   required\nProcessorImage=\n"), "{text}");
        let assignments: Vec<&str> = text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
        assert_eq!(assignments, ["EnvironmentSuffix=dev", "ProcessorImage="]);
    }
}
