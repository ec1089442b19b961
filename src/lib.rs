//! medc: compiles `.medimg` pipelines into AWS CloudFormation templates.
//!
//! The stages, each a module, data flowing one way:
//! `syntax` (parse) → `check` (resolve, elaborate, types, rules, waivers) →
//! `lower` (template model, one module per AWS service) → emit JSON.

pub mod diagnostics;
pub mod source;
pub mod span;
pub mod syntax;
