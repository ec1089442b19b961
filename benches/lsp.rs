//! `cargo bench --bench lsp`: how long the language server takes to
//! re-diagnose the reference example after an edit, from the change sent to
//! the diagnostics received (an in-memory connection, as an editor's pipe
//! without the operating system), and the analysis alone. Figures go in the
//! README; no test asserts a timing.

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;
use std::hint::black_box;

const EXAMPLE: &str = include_str!("../examples/medimg.medimg");
const URI: &str = "file:///bench/medimg.medimg";

fn notify(client: &Connection, method: &str, params: serde_json::Value) {
    let message = Message::Notification(Notification::new(method.to_string(), params));
    client.sender.send(message).expect("the server is running");
}

fn published(client: &Connection) -> usize {
    loop {
        match client.receiver.recv().expect("the server is running") {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len)
            }
            _ => {}
        }
    }
}

fn rediagnose(c: &mut Criterion) {
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || medc::lsp::serve(&server));
    let initialize = Request::new(RequestId::from(1), "initialize".to_string(), json!({ "capabilities": {} }));
    client.sender.send(Message::Request(initialize)).expect("the server is running");
    let _ = client.receiver.recv();
    notify(&client, "initialized", json!({}));
    notify(
        &client,
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": URI, "languageId": "medimg", "version": 1, "text": EXAMPLE } }),
    );
    published(&client);

    // Each edit turns `backup 7d` into `backup 1d` and back: one keystroke
    // that adds an error, and one that clears it.
    let line = EXAMPLE[..EXAMPLE.find("backup 7d").expect("the example keeps backups")].matches('\n').count();
    let column = EXAMPLE.lines().nth(line).and_then(|l| l.find("backup 7d")).unwrap_or(0) + "backup ".len();
    let mut version = 1;
    c.bench_function("lsp: re-diagnose the reference example after an edit", |b| {
        b.iter(|| {
            version += 1;
            let digit = if version % 2 == 0 { "1" } else { "7" };
            notify(
                &client,
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": URI, "version": version },
                    "contentChanges": [{
                        "range": {
                            "start": { "line": line, "character": column },
                            "end": { "line": line, "character": column + 1 },
                        },
                        "text": digit,
                    }],
                }),
            );
            black_box(published(&client))
        })
    });
    c.bench_function("ide::analyze the reference example", |b| b.iter(|| medc::ide::analyze(black_box(EXAMPLE))));

    let shutdown = Request::new(RequestId::from(2), "shutdown".to_string(), serde_json::Value::Null);
    client.sender.send(Message::Request(shutdown)).expect("the server is running");
    let _ = client.receiver.recv();
    notify(&client, "exit", serde_json::Value::Null);
    let _ = thread.join();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = rediagnose
}
criterion_main!(benches);
