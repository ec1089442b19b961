//! The CloudFormation template model. Intrinsic functions are values of
//! [`Fn`], serialized to their JSON form (`{"Ref": ...}`), never strings
//! pasted together. Maps keep insertion order, and the lowering inserts in a
//! fixed order, so the same program always gives the same bytes.

use serde::Serialize;
use serde_json::{Map, Value};

/// CloudFormation's intrinsic functions, as medc uses them.
#[derive(Clone, Debug, Serialize)]
pub enum Fn {
    #[serde(rename = "Ref")]
    Ref(String),
    #[serde(rename = "Fn::GetAtt")]
    GetAtt([String; 2]),
    #[serde(rename = "Fn::Sub")]
    Sub(String),
    #[serde(rename = "Fn::Join")]
    Join(String, Vec<Value>),
    #[serde(rename = "Fn::Select")]
    Select(u32, Box<Value>),
    #[serde(rename = "Fn::GetAZs")]
    GetAZs(String),
    #[serde(rename = "Fn::Equals")]
    Equals([Value; 2]),
    #[serde(rename = "Fn::Cidr")]
    Cidr(Value, u32, u32),
}

impl From<Fn> for Value {
    fn from(function: Fn) -> Value {
        serde_json::to_value(function).unwrap_or(Value::Null)
    }
}

/// `{"Ref": name}`
pub fn reference(name: &str) -> Value {
    Fn::Ref(name.to_string()).into()
}

/// `{"Fn::GetAtt": [resource, attribute]}`
pub fn get_att(resource: &str, attribute: &str) -> Value {
    Fn::GetAtt([resource.to_string(), attribute.to_string()]).into()
}

/// `{"Fn::Sub": text}`
pub fn sub(text: impl Into<String>) -> Value {
    Fn::Sub(text.into()).into()
}

/// `{"Fn::If": [condition, then, else]}`
pub fn if_then(condition: &str, then: Value, otherwise: Value) -> Value {
    serde_json::json!({ "Fn::If": [condition, then, otherwise] })
}

/// `{"Ref": "AWS::NoValue"}`: the property is left out.
pub fn no_value() -> Value {
    reference("AWS::NoValue")
}

/// The availability zone with this index in the region, never hard-coded.
pub fn availability_zone(index: u32) -> Value {
    Fn::Select(index, Box::new(Fn::GetAZs(String::new()).into())).into()
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub enum Policy {
    Delete,
    Retain,
    Snapshot,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// The template condition the resource exists under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<Policy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<Policy>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
    pub properties: Map<String, Value>,
    /// The component the resource belongs to (its name), for `medc show`
    /// and the evidence report; not part of the template.
    #[serde(skip)]
    pub owner: Option<String>,
}

impl Resource {
    pub fn new(kind: &'static str, properties: Value) -> Self {
        let properties = match properties {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        Resource {
            kind,
            condition: None,
            depends_on: Vec::new(),
            deletion_policy: None,
            update_replace_policy: None,
            metadata: Map::new(),
            properties,
            owner: None,
        }
    }

    pub fn depends_on(mut self, logical_id: &str) -> Self {
        if !self.depends_on.iter().any(|d| d == logical_id) {
            self.depends_on.push(logical_id.to_string());
        }
        self
    }

    /// The resource exists only when the template condition holds.
    pub fn when(mut self, condition: &str) -> Self {
        self.condition = Some(condition.to_string());
        self
    }

    /// Both the deletion and the update-replace policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.deletion_policy = Some(policy);
        self.update_replace_policy = Some(policy);
        self
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint_description: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    pub description: String,
    pub value: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Export {
    pub name: Value,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    pub assertions: Vec<Assertion>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Assertion {
    pub assert: Value,
    pub assert_description: String,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub format_version: &'static str,
    pub description: String,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub metadata: Map<String, Value>,
    pub parameters: indexmap::IndexMap<String, Parameter>,
    pub rules: indexmap::IndexMap<String, Rule>,
    /// Conditions on parameters the program leaves optional at deploy time.
    #[serde(skip_serializing_if = "indexmap::IndexMap::is_empty")]
    pub conditions: indexmap::IndexMap<String, Value>,
    pub resources: indexmap::IndexMap<String, Resource>,
    pub outputs: indexmap::IndexMap<String, Output>,
    /// Logical ids the lowering was asked to add twice. The first resource
    /// is kept and the second refused, never overwritten; `compile` turns
    /// each into a diagnostic, so that no resource is silently dropped.
    #[serde(skip)]
    pub collisions: Vec<Collision>,
}

/// A logical id added twice, and the components the two resources belong
/// to (None for the pipeline's own resources).
#[derive(Clone, Debug)]
pub struct Collision {
    pub logical_id: String,
    pub first: Option<String>,
    pub second: Option<String>,
}

impl Template {
    /// Pretty JSON with a final newline: the bytes `medc build` writes.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}
