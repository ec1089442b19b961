//! Navigation: go to a component's or a parameter's definition, find its
//! references, rename a component, and the outline of the file.

use super::outline::{Component, Entry, Found, Outline};
use super::Analyzed;
use crate::diagnostics::Edit;
use crate::span::Span;

/// What a name at a position stands for.
enum Target<'o, 'a> {
    Component(&'o Component<'a>),
    Param(String),
}

fn target<'o, 'a>(outline: &'o Outline<'a>, offset: usize) -> Option<Target<'o, 'a>> {
    match outline.find_at(offset) {
        Found::ComponentName(component) => Some(Target::Component(component)),
        Found::Reference(ident) => outline.components().find(|c| c.name() == ident.name).map(Target::Component),
        Found::Param(param) => Some(Target::Param(param.name.name.clone())),
        _ => None,
    }
}

/// Where the name at `offset` is declared: a component's name, or the
/// first use of a `param`.
pub fn definition(analysis: &Analyzed, offset: usize) -> Option<Span> {
    let outline = analysis.outline()?;
    match target(&outline, offset)? {
        Target::Component(component) => Some(component.name_ident().span),
        Target::Param(name) => outline.params().into_iter().find(|p| p.name.name == name).map(|p| p.name.span),
    }
}

/// The declaration and every use of the name at `offset`, in source order.
pub fn references(analysis: &Analyzed, offset: usize) -> Vec<Span> {
    let Some(outline) = analysis.outline() else {
        return Vec::new();
    };
    let mut spans = match target(&outline, offset) {
        Some(Target::Component(component)) => {
            let mut spans = vec![component.name_ident().span];
            let name = component.name();
            spans.extend(outline.references().into_iter().filter(|r| r.name == name).map(|r| r.span));
            spans
        }
        Some(Target::Param(name)) => {
            outline.params().into_iter().filter(|p| p.name.name == name).map(|p| p.name.span).collect()
        }
        None => Vec::new(),
    };
    spans.sort();
    spans.dedup();
    spans
}

/// The span a rename at `offset` would change: a component's name or a
/// parameter's.
pub fn prepare_rename(analysis: &Analyzed, offset: usize) -> Result<Span, String> {
    let outline = analysis.outline().ok_or("the file does not parse far enough to rename")?;
    match (target(&outline, offset), outline.find_at(offset)) {
        (Some(Target::Component(component)), _) if component.name.is_none() && component.engine.is_none() => {
            Err(format!("a pipeline has one `{}`, which has no name to change", component.kind.name))
        }
        (Some(_), Found::Reference(ident)) => Ok(ident.span),
        (Some(_), Found::Param(param)) => Ok(param.name.span),
        (Some(Target::Component(component)), _) => Ok(component.name_ident().span),
        _ => Err("only a component or a `param` can be renamed".to_string()),
    }
}

/// The edits that rename the component or parameter at `offset`, and every
/// use of it.
pub fn rename(analysis: &Analyzed, offset: usize, new_name: &str) -> Result<Vec<Edit>, String> {
    prepare_rename(analysis, offset)?;
    let outline = analysis.outline().ok_or("the file does not parse far enough to rename")?;
    let mut edits = match target(&outline, offset) {
        Some(Target::Component(component)) => rename_component(&outline, component, new_name)?,
        Some(Target::Param(old)) => {
            // A CloudFormation parameter's name: letters and digits.
            let valid = new_name.starts_with(|c: char| c.is_ascii_alphabetic())
                && new_name.chars().all(|c| c.is_ascii_alphanumeric());
            if !valid || new_name == crate::lower::SUFFIX_PARAMETER {
                return Err(format!(
                    "`{new_name}` cannot be a parameter name: use letters and digits, starting with a letter"
                ));
            }
            if outline.params().iter().any(|p| p.name.name == new_name) {
                return Err(format!("a parameter is already named `{new_name}`; renaming would merge the two"));
            }
            let uses = outline.params().into_iter().filter(|p| p.name.name == old);
            uses.map(|p| Edit::new(p.name.span, new_name)).collect()
        }
        None => return Err("only a component or a `param` can be renamed".to_string()),
    };
    edits.sort_by_key(|e| e.span);
    Ok(edits)
}

fn rename_component(outline: &Outline<'_>, component: &Component<'_>, new_name: &str) -> Result<Vec<Edit>, String> {
    if !crate::check::valid_name(new_name) {
        return Err(format!(
            "`{new_name}` cannot be a component name: use lowercase letters, digits, `_` and `-`, starting with a letter"
        ));
    }
    if outline.components().any(|c| c.name() == new_name) {
        return Err(format!("a component is already named `{new_name}`"));
    }
    let old = component.name().to_string();
    let mut edits = vec![match (component.name, component.engine) {
        (Some(name), _) => Edit::new(name.span, new_name),
        // `database aurora` is named by its engine: give it a name of its own.
        (None, Some(engine)) => Edit::new(Span::new(engine.span.end, engine.span.end), format!(" {new_name}")),
        (None, None) => return Err("this component has no name to change".to_string()),
    }];
    edits.extend(outline.references().into_iter().filter(|r| r.name == old).map(|r| Edit::new(r.span, new_name)));
    Ok(edits)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum SymbolKind {
    Pipeline,
    Component,
    Setting,
    Route,
    Waiver,
}

/// An entry of the document's outline.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Symbol {
    pub name: String,
    pub detail: String,
    pub kind: SymbolKind,
    /// The whole entry.
    pub span: Span,
    /// The name to highlight.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// The pipeline, its components and their settings.
pub fn symbols(analysis: &Analyzed) -> Vec<Symbol> {
    let Some(outline) = analysis.outline() else {
        return Vec::new();
    };
    let program = outline.program;
    vec![Symbol {
        name: program.name.name.clone(),
        detail: "pipeline".to_string(),
        kind: SymbolKind::Pipeline,
        span: program.keyword.to(program.body.span()),
        selection: program.name.span,
        children: entry_symbols(&outline.entries),
    }]
}

fn entry_symbols(entries: &[Entry<'_>]) -> Vec<Symbol> {
    entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Component(c) => Some(Symbol {
                name: c.name().to_string(),
                detail: match c.engine {
                    Some(engine) => format!("{} {}", c.kind.name, engine.name),
                    None => c.kind.name.clone(),
                },
                kind: SymbolKind::Component,
                span: c.span(),
                selection: c.name_ident().span,
                children: entry_symbols(&c.entries),
            }),
            Entry::Setting(s) => Some(Symbol {
                name: s.name.name.clone(),
                detail: s.values.iter().map(|t| t.describe()).collect::<Vec<_>>().join(" "),
                kind: SymbolKind::Setting,
                span: s.span(),
                selection: s.name.span,
                children: entry_symbols(&s.entries),
            }),
            Entry::Route(r) => Some(Symbol {
                name: format!("{} {}", r.route.method.name, r.route.path),
                detail: format!("-> {}", r.route.target.name),
                kind: SymbolKind::Route,
                span: r.route.span,
                selection: r.route.method.span.to(r.route.path_span),
                children: entry_symbols(&r.entries),
            }),
            Entry::Waiver(w) => Some(Symbol {
                name: format!("waive {}", w.code.name),
                detail: w.reason.clone(),
                kind: SymbolKind::Waiver,
                span: w.span,
                selection: w.code.span,
                children: Vec::new(),
            }),
            Entry::Stray(_) => None,
        })
        .collect()
}
