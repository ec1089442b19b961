//! The CloudFormation template model. Intrinsic functions are values of
//! [`Fn`], serialized to their JSON form (`{"Ref": ...}`), never strings
//! pasted together. Maps keep insertion order, and the lowering inserts in a
//! fixed order, so the same program always gives the same bytes.

use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::{Arc, OnceLock};

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
    /// The derived `Serialize`'s form (a one-key object), built directly:
    /// going through `serde_json::to_value` costs several times more.
    fn from(function: Fn) -> Value {
        let (name, argument) = match function {
            Fn::Ref(name) => (REF, Value::String(name)),
            Fn::GetAtt([resource, attribute]) => {
                (GET_ATT, Value::Array(vec![Value::String(resource), Value::String(attribute)]))
            }
            Fn::Sub(text) => (SUB, Value::String(text)),
            Fn::Join(separator, items) => (JOIN, Value::Array(vec![Value::String(separator), Value::Array(items)])),
            Fn::Select(index, list) => (SELECT, Value::Array(vec![Value::from(index), *list])),
            Fn::GetAZs(region) => (GET_AZS, Value::String(region)),
            Fn::Equals([left, right]) => (EQUALS, Value::Array(vec![left, right])),
            Fn::Cidr(block, count, bits) => (CIDR, Value::Array(vec![block, Value::from(count), Value::from(bits)])),
        };
        one_key(name, argument)
    }
}

/// The functions' names, by their place in [`one_key`]'s prototypes.
const FUNCTIONS: [&str; 9] =
    ["Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::GetAZs", "Fn::Equals", "Fn::Cidr", "Fn::If"];
const REF: usize = 0;
const GET_ATT: usize = 1;
const SUB: usize = 2;
const JOIN: usize = 3;
const SELECT: usize = 4;
const GET_AZS: usize = 5;
const EQUALS: usize = 6;
const CIDR: usize = 7;
const IF: usize = 8;

/// `{NAME: argument}` for the function `FUNCTIONS[function]`, cloned from a
/// prototype rather than built: a clone copies the key's hash, where an
/// insert hashes the key again (SipHash: most of the cost of a one-key
/// map, and the lowering makes hundreds of them).
fn one_key(function: usize, argument: Value) -> Value {
    static PROTOTYPES: OnceLock<Vec<Map<String, Value>>> = OnceLock::new();
    let prototypes = PROTOTYPES.get_or_init(|| {
        FUNCTIONS.iter().map(|name| std::iter::once((name.to_string(), Value::Null)).collect()).collect()
    });
    let mut object = match prototypes.get(function) {
        Some(prototype) => prototype.clone(),
        None => Map::new(),
    };
    if let Some(slot) = object.values_mut().next() {
        *slot = argument;
    }
    Value::Object(object)
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
    one_key(IF, Value::Array(vec![Value::String(condition.to_string()), then, otherwise]))
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

#[derive(Clone, Debug)]
pub struct Resource {
    pub kind: &'static str,
    /// The template condition the resource exists under.
    pub condition: Option<String>,
    pub depends_on: Vec<String>,
    pub deletion_policy: Option<Policy>,
    pub update_replace_policy: Option<Policy>,
    pub metadata: Map<String, Value>,
    pub properties: Map<String, Value>,
    /// The pipeline's tags, written after the properties; see [`Tags`].
    pub tags: Option<Tags>,
    /// The component the resource belongs to (its name), for `medc show`
    /// and the evidence report; not part of the template.
    pub owner: Option<String>,
}

/// The pipeline's tags on a taggable resource: one list (or map) shared by
/// every resource and written as its last property, rather than a copy in
/// each resource's properties (the copies were a third of the lowering's
/// allocations). [`Resource::tag_value`] reads them wherever they are.
#[derive(Clone, Debug)]
pub struct Tags {
    /// The property the resource's type takes them in (`Tags`,
    /// `FileSystemTags`...).
    pub property: &'static str,
    pub value: Arc<Value>,
}

/// The properties that hold a resource's tags, by resource type.
pub const TAG_PROPERTIES: [&str; 5] =
    ["Tags", "FileSystemTags", "AccessPointTags", "BackupVaultTags", "BackupPlanTags"];

/// What the derived `Serialize` gave when the tags were a property: the
/// struct's fields, with the tags last in `Properties`.
impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("Resource", 7)?;
        fields.serialize_field("Type", self.kind)?;
        match &self.condition {
            Some(condition) => fields.serialize_field("Condition", condition)?,
            None => fields.skip_field("Condition")?,
        }
        if self.depends_on.is_empty() {
            fields.skip_field("DependsOn")?;
        } else {
            fields.serialize_field("DependsOn", &self.depends_on)?;
        }
        for (key, policy) in
            [("DeletionPolicy", &self.deletion_policy), ("UpdateReplacePolicy", &self.update_replace_policy)]
        {
            match policy {
                Some(policy) => fields.serialize_field(key, policy)?,
                None => fields.skip_field(key)?,
            }
        }
        if self.metadata.is_empty() {
            fields.skip_field("Metadata")?;
        } else {
            fields.serialize_field("Metadata", &self.metadata)?;
        }
        fields.serialize_field("Properties", &Properties(self))?;
        fields.end()
    }
}

/// A resource's properties with its tags.
struct Properties<'a>(&'a Resource);

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let resource = self.0;
        let mut map =
            serializer.serialize_map(Some(resource.properties.len() + usize::from(resource.tags.is_some())))?;
        for (key, value) in &resource.properties {
            map.serialize_entry(key, value)?;
        }
        if let Some(tags) = &resource.tags {
            map.serialize_entry(tags.property, &*tags.value)?;
        }
        map.end()
    }
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
            tags: None,
            owner: None,
        }
    }

    /// The tags the resource carries: the shared ones, or a tag property
    /// set in its properties (a nested stack's `Tags`).
    pub fn tag_value(&self) -> Option<&Value> {
        match &self.tags {
            Some(tags) => Some(&tags.value),
            // A scan of the few properties: cheaper than hashing five names.
            None => {
                self.properties.iter().find(|(key, _)| TAG_PROPERTIES.contains(&key.as_str())).map(|(_, value)| value)
            }
        }
    }

    /// The tags, to change on this resource alone: shared ones are copied
    /// first.
    pub fn tag_value_mut(&mut self) -> Option<&mut Value> {
        match &mut self.tags {
            Some(tags) => Some(Arc::make_mut(&mut tags.value)),
            None => {
                let property = TAG_PROPERTIES.iter().find(|property| self.properties.contains_key(**property))?;
                self.properties.get_mut(*property)
            }
        }
    }

    /// Moves the shared tags into the properties, where they are written:
    /// for code that reads and rewrites every property.
    pub fn inline_tags(&mut self) {
        if let Some(tags) = self.tags.take() {
            self.properties.insert(tags.property.into(), Arc::unwrap_or_clone(tags.value));
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

/// The template as `medc build` writes it, and the size CloudFormation's
/// body quotas count, measured while writing rather than by a second pass.
pub struct Emitted {
    /// Indented JSON with a final newline (`Template::to_json`).
    pub json: String,
    /// Bytes of the same JSON without indentation and without the final
    /// newline: the body CloudFormation measures (`--compact` writes it).
    pub compact_len: usize,
}

impl Template {
    /// Pretty JSON with a final newline: the bytes `medc build` writes.
    pub fn to_json(&self) -> String {
        self.emit().json
    }

    /// Moves every resource's shared tags into its properties.
    pub fn inline_tags(&mut self) {
        self.resources.values_mut().for_each(Resource::inline_tags);
    }

    /// The indented JSON and its compact size, in one pass.
    pub fn emit(&self) -> Emitted {
        let mut writer = Writer::<true>::new(self.capacity_hint());
        self.write(&mut writer);
        writer.out.push('\n');
        let compact_len = writer.out.len() - 1 - writer.whitespace;
        Emitted { json: writer.out, compact_len }
    }

    /// One line without spaces (half the bytes), with a final newline.
    pub fn to_compact_json(&self) -> String {
        let mut writer = Writer::<false>::new(self.capacity_hint() / 2);
        self.write(&mut writer);
        writer.out.push('\n');
        writer.out
    }

    /// About what a resource of the reference example takes indented, so
    /// that the buffer seldom grows (pages never written cost no memory).
    fn capacity_hint(&self) -> usize {
        4096 + 2048 * self.resources.len()
    }

    /// The fields in the order and shape of the derived `Serialize`, which
    /// stays the reference: the tests compare both byte for byte.
    fn write<const PRETTY: bool>(&self, w: &mut Writer<PRETTY>) {
        w.open('{');
        w.key("AWSTemplateFormatVersion");
        w.string(self.format_version);
        w.key("Description");
        w.string(&self.description);
        if !self.metadata.is_empty() {
            w.key("Metadata");
            w.map(&self.metadata);
        }
        w.key("Parameters");
        w.entries(&self.parameters, |w, parameter| parameter.write(w));
        w.key("Rules");
        w.entries(&self.rules, |w, rule| {
            w.open('{');
            w.key("Assertions");
            w.open('[');
            for assertion in &rule.assertions {
                w.element();
                w.open('{');
                w.key("Assert");
                w.value(&assertion.assert);
                w.key("AssertDescription");
                w.string(&assertion.assert_description);
                w.close('}');
            }
            w.close(']');
            w.close('}');
        });
        if !self.conditions.is_empty() {
            w.key("Conditions");
            w.entries(&self.conditions, |w, condition| w.value(condition));
        }
        w.key("Resources");
        w.entries(&self.resources, |w, resource| resource.write(w));
        w.key("Outputs");
        w.entries(&self.outputs, |w, output| {
            w.open('{');
            w.key("Description");
            w.string(&output.description);
            w.key("Value");
            w.value(&output.value);
            if let Some(export) = &output.export {
                w.key("Export");
                w.open('{');
                w.key("Name");
                w.value(&export.name);
                w.close('}');
            }
            w.close('}');
        });
        w.close('}');
    }
}

impl Parameter {
    fn write<const PRETTY: bool>(&self, w: &mut Writer<PRETTY>) {
        w.open('{');
        w.key("Type");
        w.string(self.kind);
        w.key("Description");
        w.string(&self.description);
        for (key, value) in [
            ("Default", &self.default),
            ("AllowedPattern", &self.allowed_pattern),
            ("ConstraintDescription", &self.constraint_description),
        ] {
            if let Some(value) = value {
                w.key(key);
                w.string(value);
            }
        }
        w.close('}');
    }
}

impl Resource {
    fn write<const PRETTY: bool>(&self, w: &mut Writer<PRETTY>) {
        w.open('{');
        w.key("Type");
        w.string(self.kind);
        if let Some(condition) = &self.condition {
            w.key("Condition");
            w.string(condition);
        }
        if !self.depends_on.is_empty() {
            w.key("DependsOn");
            w.open('[');
            for id in &self.depends_on {
                w.element();
                w.string(id);
            }
            w.close(']');
        }
        for (key, policy) in
            [("DeletionPolicy", self.deletion_policy), ("UpdateReplacePolicy", self.update_replace_policy)]
        {
            if let Some(policy) = policy {
                w.key(key);
                w.string(match policy {
                    Policy::Delete => "Delete",
                    Policy::Retain => "Retain",
                    Policy::Snapshot => "Snapshot",
                });
            }
        }
        if !self.metadata.is_empty() {
            w.key("Metadata");
            w.map(&self.metadata);
        }
        w.key("Properties");
        w.open('{');
        for (key, value) in &self.properties {
            w.key(key);
            w.member(value);
        }
        if let Some(tags) = &self.tags {
            w.key(tags.property);
            w.value(&tags.value);
        }
        w.close('}');
        w.close('}');
    }
}

/// The bytes JSON escapes: control characters, the quote and the backslash.
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// A comma, a newline and the indentation of 31 levels: `Writer::newline`
/// writes a slice of it.
const LINE: &str = ",\n                                                              ";
/// Spaces for indentation deeper than [`LINE`] holds.
const SPACES: &str = "                                                                ";

/// Whether any byte of `text` is one JSON escapes, eight bytes at a time.
/// In a word, `x - 0x20..` with `!x` sets a lane's high bit where some byte
/// is below 0x20 (the classic zero-byte test, exact for whether any byte
/// is), and the same test on `x ^ '"'..` and `x ^ '\\'..` finds a quote or
/// a backslash. A string of 8 bytes or more ends with a word that overlaps
/// the one before; a shorter one is read from the table.
#[inline(always)]
fn needs_escape(text: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    fn zero_byte(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x
    }
    fn word(bytes: &[u8; 8]) -> bool {
        let x = u64::from_ne_bytes(*bytes);
        let below = x.wrapping_sub(ONES * 0x20) & !x;
        let quote = zero_byte(x ^ (ONES * u64::from(b'"')));
        let backslash = zero_byte(x ^ (ONES * u64::from(b'\\')));
        (below | quote | backslash) & HIGH != 0
    }
    match text.last_chunk::<8>() {
        Some(last) => text.as_chunks::<8>().0.iter().any(word) || word(last),
        // Fewer than 8 bytes: no early exit, which costs more than it saves.
        None => text.iter().fold(false, |any, &b| any | ESCAPED[usize::from(b)]),
    }
}

/// A JSON writer that gives serde_json's bytes (`to_string_pretty` with
/// `pretty`, `to_string` without) at a fraction of the cost: one buffer
/// sized up front, indentation copied from a run of spaces rather than
/// written level by level, and strings copied whole when nothing in them
/// needs escaping. It counts the whitespace indentation adds, so that the
/// compact size is known without writing the template again.
///
/// `PRETTY` is a parameter of the type, so that each form is compiled
/// without the other's branches.
struct Writer<const PRETTY: bool> {
    out: String,
    depth: usize,
    /// Whether the innermost open object or array has no member yet.
    first: bool,
    /// Bytes of newlines, indentation and spaces after colons written.
    whitespace: usize,
}

impl<const PRETTY: bool> Writer<PRETTY> {
    fn new(capacity: usize) -> Self {
        Writer { out: String::with_capacity(capacity), depth: 0, first: true, whitespace: 0 }
    }

    // The small steps below are inlined into the loops over values: as
    // calls, saving and restoring registers cost as much as their work.

    /// The line break and indentation before a member or a closing
    /// bracket, after a comma when `comma`: one slice of [`LINE`] when the
    /// indentation fits in it.
    #[inline(always)]
    fn newline(&mut self, comma: bool) {
        if PRETTY {
            let indent = 2 * self.depth;
            self.whitespace += 1 + indent;
            match LINE.get(usize::from(!comma)..2 + indent) {
                Some(line) => self.out.push_str(line),
                None => {
                    if comma {
                        self.out.push(',');
                    }
                    self.deep_newline(indent);
                }
            }
        } else if comma {
            self.out.push(',');
        }
    }

    #[cold]
    #[inline(never)]
    fn deep_newline(&mut self, mut indent: usize) {
        self.out.push('\n');
        while indent > 0 {
            let run = indent.min(SPACES.len());
            self.out.push_str(&SPACES[..run]);
            indent -= run;
        }
    }

    /// Opens an object (`{`) or an array (`[`).
    #[inline(always)]
    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.first = true;
    }

    /// Closes an object (`}`) or an array (`]`), on a line of its own
    /// unless it is empty.
    #[inline(always)]
    fn close(&mut self, bracket: char) {
        self.depth -= 1;
        if !self.first {
            self.newline(false);
        }
        self.out.push(bracket);
        self.first = false;
    }

    /// Before an array's element: the comma and the line it goes on.
    #[inline(always)]
    fn element(&mut self) {
        let comma = !self.first;
        self.first = false;
        self.newline(comma);
    }

    /// An object's key, with what comes before it and the colon after it.
    #[inline(always)]
    fn key(&mut self, key: &str) {
        self.element();
        self.string(key);
        if PRETTY {
            self.out.push_str(": ");
            self.whitespace += 1;
        } else {
            self.out.push(':');
        }
    }

    /// A quoted string, escaped as serde_json escapes it: quotes,
    /// backslashes and control characters, nothing else.
    #[inline(always)]
    fn string(&mut self, text: &str) {
        // Most strings need no escape: find out a word at a time, and copy
        // them whole.
        if needs_escape(text.as_bytes()) {
            self.escaped(text);
        } else {
            self.out.push('"');
            self.out.push_str(text);
            self.out.push('"');
        }
    }

    #[cold]
    #[inline(never)]
    fn escaped(&mut self, text: &str) {
        self.out.push('"');
        let mut run = 0;
        for (i, byte) in text.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            // Every byte before `i` since `run` is ASCII or a whole
            // character: the escaped bytes are all ASCII.
            self.out.push_str(&text[run..i]);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.out.push_str("\\u00");
                self.out.push(char::from(HEX[usize::from(byte >> 4)]));
                self.out.push(char::from(HEX[usize::from(byte & 0xf)]));
            } else {
                self.out.push_str(escape);
            }
            run = i + 1;
        }
        self.out.push_str(&text[run..]);
        self.out.push('"');
    }

    #[inline(always)]
    fn map(&mut self, map: &Map<String, Value>) {
        self.open('{');
        for (key, value) in map {
            self.key(key);
            self.member(value);
        }
        self.close('}');
    }

    /// A member of an object or array: a string, the commonest, written
    /// here rather than through a call to `value`.
    #[inline(always)]
    fn member(&mut self, value: &Value) {
        match value {
            Value::String(text) => self.string(text),
            other => self.value(other),
        }
    }

    fn entries<T>(&mut self, map: &indexmap::IndexMap<String, T>, mut write: impl FnMut(&mut Self, &T)) {
        self.open('{');
        for (key, value) in map {
            self.key(key);
            write(self, value);
        }
        self.close('}');
    }

    fn value(&mut self, value: &Value) {
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Number(number) => self.number(number),
            Value::String(text) => self.string(text),
            Value::Array(items) => {
                self.open('[');
                for item in items {
                    self.element();
                    self.member(item);
                }
                self.close(']');
            }
            Value::Object(map) => self.map(map),
        }
    }

    fn number(&mut self, number: &serde_json::Number) {
        if let Some(n) = number.as_u64() {
            self.unsigned(n);
        } else if let Some(n) = number.as_i64() {
            self.out.push('-');
            self.unsigned(n.unsigned_abs());
        } else {
            // Floats are rare in a template: serde_json writes them.
            self.out.push_str(&serde_json::to_string(number).unwrap_or_default());
        }
    }

    fn unsigned(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &digit in &digits[at..] {
            self.out.push(char::from(digit));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A template with every optional part, strings that need escaping,
    /// non-ASCII text, numbers of every kind and empty containers.
    fn tricky() -> Template {
        let mut template = Template {
            format_version: "2010-09-09",
            description: "quotes \" back \\ slash / tab\t nl\n cr\r bell\u{7} del\u{7f} é ✓ \u{8}\u{c}".into(),
            ..Template::default()
        };
        template.metadata.insert("medc".into(), json!({ "Waivers": [], "Empty": {}, "Nested": [[1, -2], [{}]] }));
        template.parameters.insert(
            "Owner".into(),
            Parameter {
                kind: "String",
                description: "who".into(),
                default: Some(String::new()),
                allowed_pattern: Some(".+".into()),
                constraint_description: Some("must not be empty".into()),
            },
        );
        template.rules.insert(
            "Region".into(),
            Rule {
                assertions: vec![Assertion {
                    assert: Fn::Equals([reference("AWS::Region"), json!("sa-east-1")]).into(),
                    assert_description: "only there".into(),
                }],
            },
        );
        template
            .conditions
            .insert("HasOwner".into(), json!({ "Fn::Not": [{ "Fn::Equals": [reference("Owner"), ""] }] }));
        let bucket = Resource::new(
            "AWS::S3::Bucket",
            json!({
                "Numbers": [0, 7, -1, u64::MAX, i64::MIN, 0.5, 1e300, -2.25],
                "Flags": [true, false, null],
                "Empty": [], "EmptyMap": {},
                "Name": sub("a-${EnvironmentSuffix}"),
                "Zone": availability_zone(1),
            }),
        )
        .depends_on("Key")
        .depends_on("Vpc")
        .when("HasOwner")
        .policy(Policy::Snapshot);
        let mut bucket = bucket;
        bucket.tags =
            Some(Tags { property: "Tags", value: Arc::new(json!([{ "Key": "k", "Value": reference("V") }])) });
        bucket.metadata.insert("checkov".into(), json!({ "skip": [{ "id": "CKV_AWS_18", "comment": "c: d" }] }));
        template.resources.insert("Bucket".into(), bucket);
        template.resources.insert("Bare".into(), Resource::new("AWS::SNS::Topic", json!({})));
        let mut mapped = Resource::new("AWS::Backup::BackupVault", json!({}));
        mapped.tags = Some(Tags { property: "BackupVaultTags", value: Arc::new(json!({ "k": "v" })) });
        template.resources.insert("Mapped".into(), mapped);
        template.outputs.insert(
            "BucketName".into(),
            Output {
                description: "the bucket".into(),
                value: reference("Bucket"),
                export: Some(Export { name: sub("x-${EnvironmentSuffix}-BucketName") }),
            },
        );
        template.outputs.insert(
            "Plain".into(),
            Output { description: "no export".into(), value: get_att("Bucket", "Arn"), export: None },
        );
        template
    }

    #[test]
    fn functions_are_built_as_serde_derives_them() {
        let functions = [
            Fn::Ref("Key".into()),
            Fn::GetAtt(["Key".into(), "Arn".into()]),
            Fn::Sub("a-${B}".into()),
            Fn::Join(",".into(), vec![json!("a"), reference("B")]),
            Fn::Select(1, Box::new(Fn::GetAZs(String::new()).into())),
            Fn::GetAZs("sa-east-1".into()),
            Fn::Equals([reference("AWS::Region"), json!("sa-east-1")]),
            Fn::Cidr(json!("10.0.0.0/16"), 4, 8),
        ];
        for function in functions {
            let derived = serde_json::to_value(&function).unwrap();
            // Equality looks each key up: the cloned hashes must hold.
            assert_eq!(Value::from(function), derived);
        }
        let chosen = if_then("HasX", reference("A"), no_value());
        assert_eq!(chosen, json!({ "Fn::If": ["HasX", { "Ref": "A" }, { "Ref": "AWS::NoValue" }] }));
        assert_eq!(chosen.get("Fn::If").and_then(|v| v.get(0)), Some(&json!("HasX")));
    }

    #[test]
    fn emission_is_serde_json_byte_for_byte() {
        for template in [tricky(), Template::default()] {
            let pretty = serde_json::to_string_pretty(&template).unwrap() + "\n";
            let compact = serde_json::to_string(&template).unwrap();
            let emitted = template.emit();
            assert_eq!(emitted.json, pretty);
            assert_eq!(template.to_compact_json(), compact.clone() + "\n");
            assert_eq!(emitted.compact_len, compact.len());
        }
    }

    #[test]
    fn shared_tags_are_written_as_the_last_property() {
        let mut template = tricky();
        let shared = template.to_json();
        assert_eq!(template.resources["Mapped"].tag_value(), Some(&json!({ "k": "v" })));
        template.inline_tags();
        assert!(template.resources.values().all(|r| r.tags.is_none()));
        assert_eq!(template.to_json(), shared);
        assert_eq!(template.resources["Mapped"].tag_value(), Some(&json!({ "k": "v" })));
    }

    #[test]
    fn changing_one_resource_s_tags_leaves_the_others_alone() {
        let value = Arc::new(json!([]));
        let mut one = Resource::new("AWS::SNS::Topic", json!({}));
        one.tags = Some(Tags { property: "Tags", value: Arc::clone(&value) });
        let other = one.clone();
        if let Some(Value::Array(tags)) = one.tag_value_mut() {
            tags.push(json!("x"));
        }
        assert_eq!(one.tag_value(), Some(&json!(["x"])));
        assert_eq!(other.tag_value(), Some(&json!([])));
        assert_eq!(*value, json!([]));
    }

    /// The word-at-a-time test against the table, for every byte at every
    /// place in strings of 1 to 24 bytes, among bytes that need nothing.
    #[test]
    fn the_escape_test_finds_every_escaped_byte_anywhere() {
        for len in 0..=24 {
            for fill in [b'a', b' ', b'~', 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff] {
                let plain = vec![fill; len];
                assert!(!needs_escape(&plain), "{len} {fill}");
                for at in 0..len {
                    for byte in 0..=255u8 {
                        let mut text = plain.clone();
                        text[at] = byte;
                        assert_eq!(needs_escape(&text), ESCAPED[usize::from(byte)], "{len} {fill} {at} {byte}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_control_character_is_escaped_as_serde_json_does() {
        let all: String = (0u8..=0x7f).map(char::from).chain("éß✓😀".chars()).collect();
        let template = Template { description: all, ..Template::default() };
        assert_eq!(template.to_json(), serde_json::to_string_pretty(&template).unwrap() + "\n");
    }

    #[test]
    fn deep_nesting_indents_past_the_run_of_spaces() {
        let mut value = json!("leaf");
        for _ in 0..80 {
            value = json!({ "k": [value] });
        }
        let mut template = Template::default();
        template.conditions.insert("Deep".into(), value);
        let emitted = template.emit();
        assert_eq!(emitted.json, serde_json::to_string_pretty(&template).unwrap() + "\n");
        assert_eq!(emitted.compact_len, serde_json::to_string(&template).unwrap().len());
    }

    #[test]
    fn the_examples_emit_as_serde_json_does() {
        for name in ["medimg", "minimal", "nat-egress"] {
            let path = format!("{}/examples/{name}.medimg", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            let compiled = crate::compile(&crate::source::SourceFile::new(path.as_str(), text)).ok().unwrap();
            let template = &compiled.template;
            assert_eq!(compiled.json, serde_json::to_string_pretty(template).unwrap() + "\n", "{name}");
            assert_eq!(compiled.compact_len, serde_json::to_string(template).unwrap().len(), "{name}");
        }
    }
}
