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
    if compact {
        template.to_compact_json()
    } else {
        template.to_json()
    }
}

/// What a written template of `written` bytes needs to deploy that the
/// quota diagnostics do not say: they measure the template without
/// indentation (MEDC-0231, MEDC-0232), so an indented file over the inline
/// limit whose compact form fits is this advice's case alone.
/// `compact_len` is the body without indentation that the emission
/// measured (`Compiled::compact_len`): the template is not written again.
pub fn size_advice(written: usize, compact_len: usize) -> Option<String> {
    if written <= MAX_INLINE_BODY {
        return None;
    }
    // `--compact` writes the body and a final newline.
    let compact = compact_len + 1;
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

    /// The advice for the template written indented, plus `extra` bytes.
    fn advice_for(template: &Template, extra: usize) -> Option<String> {
        let emitted = template.emit();
        size_advice(emitted.json.len() + extra, emitted.compact_len)
    }

    #[test]
    fn small_templates_need_no_advice() {
        assert_eq!(advice_for(&template_of(10_000), 0), None);
    }

    #[test]
    fn an_indented_template_that_fits_compact_is_told_so() {
        let template = template_of(48_000);
        let advice = advice_for(&template, 10_000).expect("advice");
        assert!(advice.contains("--compact") && advice.contains("--s3-bucket"), "{advice}");
        let compact = thousands(render(&template, true).len());
        assert!(advice.contains(&format!("writes it in {compact} bytes")), "{advice}");
    }

    #[test]
    fn a_template_too_large_even_compact_is_left_to_the_quota_diagnostics() {
        assert_eq!(advice_for(&template_of(60_000), 0), None);
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(163_157), "163,157");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
