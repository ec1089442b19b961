//! References between components: every name refers to a component that
//! exists and is of a kind the setting can use; names are unique; secrets
//! and data components that nothing uses are reported.

use super::model::{Component, Kind, Origin, Program};
use crate::diagnostics::{codes, Diagnostic, Edit, Label};
use crate::stdlib::Schema;
use crate::suggest::closest;
use crate::syntax::ast::Ident;
use crate::types::{quoted_list, Value};
use std::collections::{HashMap, HashSet};

pub fn check(program: &Program, schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    unique_names(program, schema, diagnostics);
    let mut used: HashSet<&str> = HashSet::new();
    let mut components: HashMap<&str, &Component> = HashMap::new();
    for component in &program.components {
        components.entry(&component.name).or_insert(component);
    }
    let mut suggestions = Suggestions::default();
    for component in &program.components {
        let Some(kind) = schema.kind(component.kind.name()) else {
            continue;
        };
        for setting in &component.settings.items {
            // Most settings name nothing: they are passed over before their
            // declaration is looked up.
            if !matches!(setting.value, Value::Ref(_) | Value::Refs(_) | Value::Mount { .. }) {
                continue;
            }
            let Some(decl) = kind.setting(&setting.name) else {
                continue;
            };
            let kinds = decl.ty.ref_kinds();
            if let (Value::Refs(names), Origin::User(_)) = (&setting.value, setting.origin) {
                named_twice(names, &setting.name, diagnostics);
            }
            for name in referenced(&setting.value) {
                used.insert(&name.name);
                if setting.origin == Origin::Stdlib {
                    continue;
                }
                reference(program, &components, &mut suggestions, name, kinds, &setting.name, diagnostics);
            }
        }
        // The same storage mounted twice: two volumes of one name.
        let mounted: Vec<Ident> = component
            .settings
            .all("mount")
            .filter(|setting| matches!(setting.origin, Origin::User(_)))
            .filter_map(|setting| match &setting.value {
                Value::Mount { storage, .. } => Some(storage.clone()),
                _ => None,
            })
            .collect();
        named_twice(&mounted, "mount", diagnostics);
        for route in &component.routes {
            used.insert(&route.target.name);
            let service = [Kind::Service.name().to_string()];
            reference(program, &components, &mut suggestions, &route.target, &service, "route", diagnostics);
            for setting in &route.settings.items {
                let Some(decl) = schema.route_settings().iter().find(|d| d.name == setting.name) else {
                    continue;
                };
                for name in referenced(&setting.value) {
                    used.insert(&name.name);
                    if setting.origin != Origin::Stdlib {
                        let kinds = decl.ty.ref_kinds();
                        reference(program, &components, &mut suggestions, name, kinds, &setting.name, diagnostics);
                    }
                }
            }
        }
    }
    let has_services = program.components.iter().any(|c| c.kind == Kind::Service);
    for component in &program.components {
        let Origin::User(_) = component.origin else {
            continue;
        };
        // A data component is unused only in a pipeline that has services to
        // use it; a pipeline of data stores alone is a data tier.
        let secret = component.kind == Kind::Secret;
        let unused =
            !used.contains(component.name.as_str()) && (secret || (component.kind.holds_data() && has_services));
        if unused {
            let hint = if secret {
                "refer to it with `credentials` or `auth`, or remove it".to_string()
            } else {
                format!(
                    "let a service use `{}` (with `connects`, `reads`, `writes` or `mount`), or remove it",
                    component.name
                )
            };
            diagnostics.push(Diagnostic::new(
                &codes::UNUSED,
                format!("{} is never used", super::describe(component)),
                Label::new(component.head, "nothing refers to this"),
                hint,
            ));
        }
    }
}

/// `writes results, results`: a slip, whatever was meant (another name, or
/// once), so an error rather than a silent merge; a name in both `reads` and
/// `writes` is read-write access and fine.
fn named_twice(names: &[Ident], setting: &str, diagnostics: &mut Vec<Diagnostic>) {
    // The first of each name, so that a long list is read once.
    let mut firsts: HashMap<&str, &Ident> = HashMap::with_capacity(names.len());
    for name in names {
        let first = *firsts.entry(&name.name).or_insert(name);
        if !std::ptr::eq(first, name) {
            diagnostics.push(
                Diagnostic::new(
                    &codes::DUPLICATE_SETTING,
                    format!("`{}` is named twice in `{setting}`", name.name),
                    Label::new(name.span, "named again here"),
                    format!("name `{}` once, or write the component you meant", name.name),
                )
                .with_label(Label::new(first.span, "first named here")),
            );
        }
    }
}

/// The component names a value refers to.
fn referenced(value: &Value) -> Vec<&Ident> {
    match value {
        Value::Ref(name) => vec![name],
        Value::Refs(names) => names.iter().collect(),
        Value::Mount { storage, .. } => vec![storage],
        _ => Vec::new(),
    }
}

/// How many names "did you mean" may compare in one program: far more than
/// a real program needs (a few misspelt names among hundreds of
/// components), and a bound on a generated one with tens of thousands of
/// unknown names, whose suggestions would otherwise cost the square of its
/// size. Past it, an unknown name gets the help without a suggestion.
const SUGGESTION_BUDGET: usize = 1_000_000;

/// What the help of an unknown reference is made from, per set of kinds
/// the setting accepts: the candidates, and the help that lists them.
#[derive(Default)]
struct Suggestions<'p> {
    by_kinds: HashMap<Vec<String>, (Vec<&'p str>, String)>,
    /// Comparisons made so far.
    spent: usize,
    /// `Program::unknown_components`, as a set once a name is looked up.
    unknown: Option<HashSet<&'p str>>,
}

impl<'p> Suggestions<'p> {
    fn unknown_component(&mut self, program: &'p Program, name: &str) -> bool {
        let unknown =
            self.unknown.get_or_insert_with(|| program.unknown_components.iter().map(String::as_str).collect());
        unknown.contains(name)
    }

    /// The closest candidate (if the budget allows looking) and the help.
    fn help(&mut self, program: &'p Program, name: &str, kinds: &[String]) -> (Option<&'p str>, String) {
        let (candidates, listed) = self.by_kinds.entry(kinds.to_vec()).or_insert_with(|| {
            let candidates: Vec<&str> =
                program.components.iter().filter(|c| accepts(kinds, c.kind)).map(|c| c.name.as_str()).collect();
            let wanted = kinds.join(" or ");
            let listed = if candidates.is_empty() {
                String::new()
            } else {
                format!(
                    "the pipeline's {wanted} components: {}",
                    quoted_list(&candidates.iter().map(|c| c.to_string()).collect::<Vec<_>>())
                )
            };
            (candidates, listed)
        });
        let close = if self.spent + candidates.len() <= SUGGESTION_BUDGET {
            self.spent += candidates.len();
            closest(name, candidates.iter().copied())
        } else {
            None
        };
        let help = match close {
            Some(close) => format!("did you mean `{close}`?"),
            None if candidates.is_empty() => format!("declare a {} named `{name}`", kinds.join(" or ")),
            None => listed.clone(),
        };
        (close, help)
    }
}

fn reference<'p>(
    program: &'p Program,
    components: &HashMap<&str, &Component>,
    suggestions: &mut Suggestions<'p>,
    name: &Ident,
    kinds: &[String],
    setting: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let wanted = kinds.join(" or ");
    match components.get(name.name.as_str()) {
        // Declared by a component with a misspelt kind, reported there.
        None if suggestions.unknown_component(program, &name.name) => {}
        None => {
            let (close, help) = suggestions.help(program, &name.name, kinds);
            diagnostics.push(
                Diagnostic::new(
                    &codes::UNKNOWN_REFERENCE,
                    format!("no component is named `{}`", name.name),
                    Label::new(name.span, format!("`{setting}` expects a {wanted}")),
                    help,
                )
                .with_fix(close.map(|close| Edit::new(name.span, close))),
            );
        }
        Some(component) if !accepts(kinds, component.kind) => {
            let mut diagnostic = Diagnostic::new(
                &codes::WRONG_KIND,
                format!("`{setting}` takes a {wanted}, but `{}` is a {}", name.name, component.kind),
                Label::new(name.span, format!("a {}", component.kind)),
                format!("name a {wanted} here"),
            );
            if let Origin::User(_) = component.origin {
                diagnostic =
                    diagnostic.with_label(Label::new(component.head, format!("`{}` is declared here", name.name)));
            }
            diagnostics.push(diagnostic);
        }
        Some(_) => {}
    }
}

/// Whether a reference setting that takes `kinds` may name a `kind`.
fn accepts(kinds: &[String], kind: Kind) -> bool {
    kinds.iter().any(|k| k == kind.name())
}

fn unique_names(program: &Program, schema: &Schema, diagnostics: &mut Vec<Diagnostic>) {
    // The first component of each name, and of each kind a pipeline has one of.
    let mut by_name: HashMap<&str, &Component> = HashMap::new();
    let mut by_single_kind: HashMap<Kind, &Component> = HashMap::new();
    for component in &program.components {
        let single = schema.kind(component.kind.name()).is_some_and(|k| k.single);
        let first_of_kind = if single { by_single_kind.get(&component.kind).copied() } else { None };
        let earlier = first_of_kind.or_else(|| by_name.get(component.name.as_str()).copied());
        by_name.entry(&component.name).or_insert(component);
        if single {
            by_single_kind.entry(component.kind).or_insert(component);
        }
        let (Some(earlier), Origin::User(_)) = (earlier, component.origin) else { continue };
        let message = if !(single && earlier.kind == component.kind) {
            format!("two components are named `{}`", component.name)
        } else {
            format!("a pipeline has one `{}`", component.kind)
        };
        let help = if !(single && earlier.kind == component.kind) {
            "give one of them another name, written after the engine: `bucket s3 archive < ... >`".to_string()
        } else {
            format!("merge the two `{}` blocks", component.kind)
        };
        diagnostics.push(
            Diagnostic::new(&codes::DUPLICATE_NAME, message, Label::new(component.head, "declared again here"), help)
                .with_label(Label::new(earlier.head, "first declared here")),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::codes;
    use crate::source::SourceFile;

    /// A program of `buckets` buckets and one service writing `unknown`
    /// misspelt names of them.
    fn misspelt(buckets: usize, unknown: usize) -> String {
        let mut text = String::from("pipeline p <\n  region sa-east-1\n  jurisdiction brazil\n  compliance hipaa\n");
        for i in 0..buckets {
            text.push_str(&format!("  bucket s3 results{i} < versioning on >\n"));
        }
        let names: Vec<String> = (0..unknown).map(|i| format!("resultz{i}")).collect();
        text.push_str(&format!(
            "  service fargate proc <\n    image param Image\n    writes {}\n  >\n>\n",
            names.join(", ")
        ));
        text
    }

    fn unknown_references(text: &str) -> (usize, usize) {
        let analysis = crate::analyze(&SourceFile::new("t.medimg", text));
        let unknown: Vec<_> =
            analysis.diagnostics().iter().filter(|d| std::ptr::eq(d.code, &codes::UNKNOWN_REFERENCE)).collect();
        (unknown.len(), unknown.iter().filter(|d| d.fix.is_some()).count())
    }

    #[test]
    fn every_misspelt_name_gets_its_suggestion_in_a_real_program() {
        assert_eq!(unknown_references(&misspelt(40, 40)), (40, 40));
    }

    /// Suggestions compare each unknown name with every candidate: the
    /// budget bounds the comparisons, so that a generated program with
    /// thousands of unknown names is refused in linear time. Every name is
    /// still reported.
    #[test]
    fn suggestions_stop_at_the_budget_and_every_name_is_reported() {
        let (buckets, unknown) = (2_000, 2_000);
        let suggested = super::SUGGESTION_BUDGET / buckets;
        assert_eq!(unknown_references(&misspelt(buckets, unknown)), (unknown, suggested));
    }
}
