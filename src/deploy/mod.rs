//! What deploying a compiled template needs besides its bytes: whether it
//! fits the size CloudFormation accepts inline, the parameters file a
//! deployment passes, and the account bootstrap template that holds the
//! per-account, per-region settings no pipeline stack may own.

pub mod bootstrap;
pub mod params;

use crate::lower::template::Template;

/// The largest template body CloudFormation accepts inline
/// (`CreateStack`/`CreateChangeSet` `TemplateBody`); `aws cloudformation
/// deploy` refuses a larger file unless it is given `--s3-bucket`.
pub const INLINE_LIMIT: usize = 51_200;

/// The largest template CloudFormation reads from S3 (`TemplateURL`).
pub const S3_LIMIT: usize = 1_000_000;

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

/// What a template of `bytes` bytes needs to deploy, when it is more than
/// the plain `aws cloudformation deploy --template-file` command.
pub fn size_advice(bytes: usize, compact: bool) -> Option<String> {
    if bytes > S3_LIMIT {
        return Some(format!(
            "the template is {} bytes, over the {} bytes CloudFormation accepts even from S3; split the pipeline",
            thousands(bytes),
            thousands(S3_LIMIT)
        ));
    }
    if bytes <= INLINE_LIMIT {
        return None;
    }
    let compact_hint = if compact { "" } else { " (`--compact` makes it smaller, but may not be enough)" };
    Some(format!(
        "the template is {} bytes, over the {} bytes CloudFormation accepts inline{compact_hint}: deploy it with \
         `aws cloudformation deploy --s3-bucket BUCKET ...`, which uploads it first",
        thousands(bytes),
        thousands(INLINE_LIMIT)
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

    #[test]
    fn small_templates_need_no_advice() {
        assert_eq!(size_advice(INLINE_LIMIT, false), None);
    }

    #[test]
    fn large_templates_are_sent_through_s3() {
        let advice = size_advice(INLINE_LIMIT + 1, false).unwrap();
        assert!(advice.contains("51,201 bytes") && advice.contains("--s3-bucket"), "{advice}");
        assert!(size_advice(S3_LIMIT + 1, true).unwrap().contains("split"));
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(163_157), "163,157");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
