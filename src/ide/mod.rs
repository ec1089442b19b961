//! Editor queries over one analysed file: what is at a position, hover,
//! completion, navigation, rename, outline and quick fixes. Every query
//! takes byte offsets and gives byte spans; the language server (`lsp`)
//! converts them to the editor's line and UTF-16 column.
//!
//! Re-analysing the whole file on every edit is the incremental strategy:
//! it takes well under a millisecond for a pipeline (README, benchmarks).

mod actions;
mod completion;
mod hover;
mod navigation;
pub mod outline;

pub use actions::{actions, Action};
pub use completion::{complete, Completion, CompletionKind};
pub use hover::hover;
pub use navigation::{definition, prepare_rename, references, rename, symbols, Symbol, SymbolKind};
pub use outline::{Found, Outline};

use crate::source::SourceFile;
use crate::stdlib::Schema;

/// One file analysed, with its text: what every query reads.
pub struct Analyzed {
    pub text: String,
    pub analysis: crate::Analysis,
    pub schema: Option<&'static Schema>,
}

/// Analyses a file's text with `crate::analyze`, which never stops: the
/// tree and the program hold whatever could be read.
pub fn analyze(text: impl Into<String>) -> Analyzed {
    let file = SourceFile::new("", text);
    let analysis = crate::analyze(&file);
    Analyzed { text: file.text, analysis, schema: crate::stdlib::schema().ok() }
}

impl Analyzed {
    /// The outline of the syntax tree, when there is one.
    pub fn outline(&self) -> Option<Outline<'_>> {
        Some(outline::outline(self.analysis.ast()?, self.schema?))
    }

    pub fn diagnostics(&self) -> &[crate::diagnostics::Diagnostic] {
        self.analysis.diagnostics()
    }
}
