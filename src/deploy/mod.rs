//! What deploying a compiled template needs besides its bytes: whether it
//! fits the size CloudFormation accepts inline, the parameters file a
//! deployment passes, and the account bootstrap template that holds the
//! per-account, per-region settings no pipeline stack may own.

pub mod bootstrap;
pub mod params;

use crate::lower::template::Template;
use crate::quotas::MAX_INLINE_BODY;

/// The template as `medc build` writes it: indented JSON, or with
/// `compact` one line without spaces (half the bytes), and a final newline.
pub fn render(template: &Template, compact: bool) -> String {
    if !compact {
        return template.to_json();
    }
    let mut text = serde_json::to_string(template).unwrap_or_default();
    text.push('\n');
    text
}

/// What a written template of `written` bytes needs to deploy that the
/// quota diagnostics do not say: they measure the template without
/// indentation (MEDC-0231, MEDC-0232), so an indented file over the inline
/// limit whose compact form fits is this advice's case alone.
pub fn size_advice(template: &Template, written: usize) -> Option<String> {
    if written <= MAX_INLINE_BODY {
        return None;
    }
    let compact = render(template, true).len();
    if compact > MAX_INLINE_BODY {
        return None;
    }
    Some(format!(
        "the template as written is {} bytes, over the {} bytes CloudFormation accepts inline; `--compact` \
         writes it in {} bytes, which fit, or deploy it with `aws cloudformation deploy --s3-bucket BUCKET ...`",
        thousands(written),
        thousands(MAX_INLINE_BODY),
        thousands(compact)
    ))
}

/// `163157` → `163,157`
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::template::{Parameter, Template};

    /// A template of about `description_bytes` bytes of parameter descriptions.
    fn template_of(description_bytes: usize) -> Template {
        let mut template = Template::default();
        for n in 0..description_bytes / 1000 {
            template.parameters.insert(
                format!("P{n}"),
                Parameter {
                    kind: "String",
                    description: "x".repeat(1000),
                    default: None,
                    allowed_pattern: None,
                    constraint_description: None,
                },
            );
        }
        template
    }

    #[test]
    fn small_templates_need_no_advice() {
        let template = template_of(10_000);
        assert_eq!(size_advice(&template, render(&template, false).len()), None);
    }

    #[test]
    fn an_indented_template_that_fits_compact_is_told_so() {
        let template = template_of(48_000);
        let written = render(&template, false).len() + 10_000;
        let advice = size_advice(&template, written).expect("advice");
        assert!(advice.contains("--compact") && advice.contains("--s3-bucket"), "{advice}");
    }

    #[test]
    fn a_template_too_large_even_compact_is_left_to_the_quota_diagnostics() {
        let template = template_of(60_000);
        assert_eq!(size_advice(&template, render(&template, false).len()), None);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(163_157), "163,157");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
