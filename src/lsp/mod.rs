//! `medc lsp`: a language server over standard input and output.
//!
//! Built on `lsp-server` and `lsp-types`, the crates rust-analyzer runs on:
//! a synchronous loop over one channel of messages, which suits a server
//! whose every answer takes well under a millisecond. Each change re-analyses
//! the whole file (`ide::analyze`) and publishes its diagnostics; requests
//! read the latest analysis. A request that fails answers with an error and
//! the server goes on; it stops only on `shutdown` and `exit`.

mod lines;

pub use lines::LineIndex;

use crate::diagnostics::{codes, Diagnostic, Severity};
use crate::ide::{self, Analyzed, CompletionKind, SymbolKind};
use crate::span::Span;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use serde_json::Value;
use std::collections::HashMap;
use std::str::FromStr;

/// Serves one client on standard input and output until it exits.
pub fn run() -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    serve(&connection)?;
    drop(connection);
    threads.join().map_err(|e| format!("the connection failed: {e}"))
}

/// The server's side of the protocol, on any connection (tests use an
/// in-memory one).
pub fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let initialize = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "medc", "version": env!("CARGO_PKG_VERSION") },
    });
    let (id, _) = connection.initialize_start().map_err(|e| format!("the client did not initialize: {e}"))?;
    connection.initialize_finish(id, initialize).map_err(|e| format!("the client did not initialize: {e}"))?;
    let mut server = Server { documents: HashMap::new(), outbox: Vec::new() };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let response = server.respond(request);
                server.outbox.push(Message::Response(response));
            }
            Message::Notification(notification) => {
                // As for requests: a bug on one edit must not end the session.
                let method = notification.method.clone();
                let notified = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.notify(notification)));
                if notified.is_err() {
                    eprintln!("medc lsp: internal error on `{method}`; the server goes on");
                }
            }
            Message::Response(_) => {}
        }
        for message in server.outbox.drain(..) {
            connection.sender.send(message).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            ..Default::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["<".to_string(), ",".to_string()]),
            ..Default::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// An open file: its text as the editor has it, and its analysis.
struct Document {
    version: i32,
    analysis: Analyzed,
    lines: LineIndex,
}

impl Document {
    fn new(text: String, version: i32) -> Self {
        let lines = LineIndex::new(&text);
        Document { version, analysis: ide::analyze(&text), lines }
    }

    fn text(&self) -> &str {
        &self.analysis.text
    }

    fn offset(&self, position: lsp::Position) -> usize {
        self.lines.offset(self.text(), position)
    }

    fn range(&self, span: Span) -> lsp::Range {
        self.lines.range(self.text(), span)
    }
}

struct Server {
    documents: HashMap<String, Document>,
    outbox: Vec<Message>,
}

/// A failed request: the error code and message sent back.
type Failure = (ErrorCode, String);

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, Failure> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value<T: serde::Serialize>(value: T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

impl Server {
    fn document(&self, uri: &lsp::Uri) -> Result<&Document, Failure> {
        self.documents
            .get(uri.as_str())
            .ok_or_else(|| (ErrorCode::InvalidParams, format!("`{}` is not open", uri.as_str())))
    }

    fn respond(&mut self, request: Request) -> Response {
        let id: RequestId = request.id.clone();
        // A bug in one answer must not take the editor's server down.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(request)))
            .unwrap_or_else(|_| Err((ErrorCode::InternalError, "medc failed on this request".to_string())));
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn answer(&mut self, request: Request) -> Result<Value, Failure> {
        let Request { method, params: raw, .. } = request;
        match method.as_str() {
            req::HoverRequest::METHOD => {
                let p: lsp::HoverParams = params(raw)?;
                let position = &p.text_document_position_params;
                let doc = self.document(&position.text_document.uri)?;
                let hover = ide::hover(&doc.analysis, doc.offset(position.position)).map(|(text, span)| lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: text,
                    }),
                    range: Some(doc.range(span)),
                });
                to_value(hover)
            }
            req::Completion::METHOD => {
                let p: lsp::CompletionParams = params(raw)?;
                let position = &p.text_document_position;
                let doc = self.document(&position.text_document.uri)?;
                let items: Vec<lsp::CompletionItem> = ide::complete(&doc.analysis, doc.offset(position.position))
                    .into_iter()
                    .map(|c| completion_item(doc, c))
                    .collect();
                to_value(lsp::CompletionResponse::Array(items))
            }
            req::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = params(raw)?;
                let position = &p.text_document_position_params;
                let uri = &position.text_document.uri;
                let doc = self.document(uri)?;
                let found = ide::definition(&doc.analysis, doc.offset(position.position));
                to_value(
                    found.map(|span| {
                        lsp::GotoDefinitionResponse::Scalar(lsp::Location::new(uri.clone(), doc.range(span)))
                    }),
                )
            }
            req::References::METHOD => {
                let p: lsp::ReferenceParams = params(raw)?;
                let position = &p.text_document_position;
                let uri = &position.text_document.uri;
                let doc = self.document(uri)?;
                let spans = ide::references(&doc.analysis, doc.offset(position.position));
                let locations: Vec<lsp::Location> =
                    spans.into_iter().map(|span| lsp::Location::new(uri.clone(), doc.range(span))).collect();
                to_value(locations)
            }
            req::PrepareRenameRequest::METHOD => {
                let p: lsp::TextDocumentPositionParams = params(raw)?;
                let doc = self.document(&p.text_document.uri)?;
                match ide::prepare_rename(&doc.analysis, doc.offset(p.position)) {
                    Ok(span) => to_value(lsp::PrepareRenameResponse::Range(doc.range(span))),
                    Err(message) => Err((ErrorCode::InvalidRequest, message)),
                }
            }
            req::Rename::METHOD => {
                let p: lsp::RenameParams = params(raw)?;
                let position = &p.text_document_position;
                let uri = &position.text_document.uri;
                let doc = self.document(uri)?;
                let edits = ide::rename(&doc.analysis, doc.offset(position.position), &p.new_name)
                    .map_err(|message| (ErrorCode::InvalidRequest, message))?;
                to_value(workspace_edit(uri, doc, &edits))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = params(raw)?;
                let doc = self.document(&p.text_document.uri)?;
                let symbols: Vec<lsp::DocumentSymbol> =
                    ide::symbols(&doc.analysis).into_iter().map(|s| document_symbol(doc, s)).collect();
                to_value(lsp::DocumentSymbolResponse::Nested(symbols))
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = params(raw)?;
                let uri = &p.text_document.uri;
                let doc = self.document(uri)?;
                let range = doc.lines.span(doc.text(), p.range);
                let actions: Vec<lsp::CodeActionOrCommand> = ide::actions(&doc.analysis, range)
                    .into_iter()
                    .map(|action| {
                        let diagnostic = &doc.analysis.diagnostics()[action.diagnostic];
                        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: action.title,
                            kind: Some(lsp::CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![diagnostic_to_lsp(uri, doc, diagnostic)]),
                            edit: Some(workspace_edit(uri, doc, &action.edits)),
                            is_preferred: Some(action.preferred),
                            ..Default::default()
                        })
                    })
                    .collect();
                to_value(actions)
            }
            req::Formatting::METHOD => {
                let p: lsp::DocumentFormattingParams = params(raw)?;
                let doc = self.document(&p.text_document.uri)?;
                match crate::fmt::format(doc.text()) {
                    Ok(formatted) => to_value(
                        changed_part(doc.text(), &formatted)
                            .map(|edit| vec![lsp::TextEdit::new(doc.range(edit.span), edit.replacement)]),
                    ),
                    // A file with syntax errors is left as it is; its
                    // diagnostics already say why.
                    Err(crate::fmt::FormatError::Syntax(_)) => Ok(Value::Null),
                    Err(error) => Err((ErrorCode::InternalError, error.to_string())),
                }
            }
            _ => Err((ErrorCode::MethodNotFound, format!("medc does not answer `{method}`"))),
        }
    }

    fn notify(&mut self, notification: Notification) {
        let Notification { method, params: raw } = notification;
        match method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(raw) else { return };
                let document = Document::new(p.text_document.text, p.text_document.version);
                self.documents.insert(p.text_document.uri.as_str().to_string(), document);
                self.publish(&p.text_document.uri);
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(raw) else { return };
                let uri = p.text_document.uri;
                let Some(document) = self.documents.get_mut(uri.as_str()) else { return };
                let mut text = std::mem::take(&mut document.analysis.text);
                for change in p.content_changes {
                    apply_change(&mut text, change);
                }
                *document = Document::new(text, p.text_document.version);
                self.publish(&uri);
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(raw) else { return };
                self.documents.remove(p.text_document.uri.as_str());
                let params = lsp::PublishDiagnosticsParams::new(p.text_document.uri, Vec::new(), None);
                self.outbox.push(Message::Notification(Notification::new(
                    note::PublishDiagnostics::METHOD.to_string(),
                    params,
                )));
            }
            _ => {}
        }
    }

    fn publish(&mut self, uri: &lsp::Uri) {
        let Some(doc) = self.documents.get(uri.as_str()) else { return };
        let diagnostics = doc.analysis.diagnostics().iter().map(|d| diagnostic_to_lsp(uri, doc, d)).collect();
        let params = lsp::PublishDiagnosticsParams::new(uri.clone(), diagnostics, Some(doc.version));
        self.outbox
            .push(Message::Notification(Notification::new(note::PublishDiagnostics::METHOD.to_string(), params)));
    }
}

/// The one edit that turns `old` into `new`: the part between their common
/// prefix and suffix, so that the editor keeps the cursor and the folds of
/// the lines formatting did not touch. None when nothing changes.
fn changed_part(old: &str, new: &str) -> Option<crate::diagnostics::Edit> {
    if old == new {
        return None;
    }
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let longest_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old.bytes().rev().zip(new.bytes().rev()).take(longest_suffix).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(crate::diagnostics::Edit::new(Span::new(prefix, old.len() - suffix), &new[prefix..new.len() - suffix]))
}

/// Applies one change: a range replaced, or (without a range) the whole text.
fn apply_change(text: &mut String, change: lsp::TextDocumentContentChangeEvent) {
    match change.range {
        Some(range) => {
            let lines = LineIndex::new(text);
            let span = lines.span(text, range);
            text.replace_range(span.range(), &change.text);
        }
        None => *text = change.text,
    }
}

fn diagnostic_to_lsp(uri: &lsp::Uri, doc: &Document, diagnostic: &Diagnostic) -> lsp::Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
    };
    let mut message = diagnostic.message.clone();
    if !diagnostic.help.is_empty() {
        message.push_str(&format!("\nhelp: {}", diagnostic.help));
    }
    if let Some(citation) = diagnostic.citation() {
        message.push_str(&format!("\nrule: {} ({citation})", diagnostic.code.title));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .map(|label| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), doc.range(label.span)),
            message: label.message.clone(),
        })
        .collect();
    let unnecessary =
        std::ptr::eq(diagnostic.code, &codes::UNUSED) || std::ptr::eq(diagnostic.code, &codes::UNUSED_WAIVER);
    lsp::Diagnostic {
        range: doc.range(diagnostic.primary.span),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(diagnostic.code.code.to_string())),
        code_description: citation_url(diagnostic).map(|href| lsp::CodeDescription { href }),
        source: Some("medc".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unnecessary.then(|| vec![lsp::DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// The eCFR page of the first HIPAA section a rule cites (`45 CFR
/// 164.312(a)(2)(iv)` → section 164.312).
fn citation_url(diagnostic: &Diagnostic) -> Option<lsp::Uri> {
    let citation = diagnostic.code.citations.iter().find_map(|c| c.strip_prefix("45 CFR "))?;
    let section: String = citation.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let section = section.trim_end_matches('.');
    if section.is_empty() {
        return None;
    }
    lsp::Uri::from_str(&format!("https://www.ecfr.gov/current/title-45/section-{section}")).ok()
}

fn workspace_edit(uri: &lsp::Uri, doc: &Document, edits: &[crate::diagnostics::Edit]) -> lsp::WorkspaceEdit {
    let edits = edits.iter().map(|e| lsp::TextEdit::new(doc.range(e.span), e.replacement.clone())).collect();
    lsp::WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
}

fn completion_item(doc: &Document, completion: ide::Completion) -> lsp::CompletionItem {
    let kind = match completion.kind {
        CompletionKind::Kind => lsp::CompletionItemKind::CLASS,
        CompletionKind::Setting => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Component => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Rule => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
    };
    lsp::CompletionItem {
        label: completion.label.clone(),
        kind: Some(kind),
        detail: completion.detail,
        documentation: completion.documentation.map(|value| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value })
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
            doc.range(completion.replace),
            completion.label,
        ))),
        ..Default::default()
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written.
fn document_symbol(doc: &Document, symbol: ide::Symbol) -> lsp::DocumentSymbol {
    let kind = match symbol.kind {
        SymbolKind::Pipeline => lsp::SymbolKind::MODULE,
        SymbolKind::Component => lsp::SymbolKind::OBJECT,
        SymbolKind::Setting => lsp::SymbolKind::PROPERTY,
        SymbolKind::Route => lsp::SymbolKind::METHOD,
        SymbolKind::Waiver => lsp::SymbolKind::EVENT,
    };
    let children: Vec<lsp::DocumentSymbol> = symbol.children.into_iter().map(|c| document_symbol(doc, c)).collect();
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: (!symbol.detail.is_empty()).then_some(symbol.detail),
        kind,
        tags: None,
        deprecated: None,
        range: doc.range(symbol.span),
        selection_range: doc.range(symbol.selection),
        children: (!children.is_empty()).then_some(children),
    }
}
