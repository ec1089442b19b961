//! `medc lsp` driven over standard input and output with real JSON-RPC, as
//! an editor drives it: the example opened, its error found on the
//! right line, hover, completion, navigation, rename, quick fixes, the fix
//! typed in, and a clean shutdown.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

const URI: &str = "file:///pipelines/imaging.medimg";

const EXAMPLE: &str = "\
pipeline medimg <
  region sa-east-1
  secret db_admin < existing \"medimg/aurora-admin\" >
  database aurora < multi_az  version 16.8  credentials db_admin  backup 1d >
>
";

struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_medc"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("medc lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Client { child, stdin, stdout, next_id: 1 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn receive(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = Some(value.parse::<usize>().unwrap());
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result, skipping notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message.get("id") == Some(&json!(id)) {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
        }
    }

    /// The next diagnostics the server publishes.
    fn diagnostics(&mut self) -> Vec<Value> {
        loop {
            let message = self.receive();
            if message["method"] == "textDocument/publishDiagnostics" {
                assert_eq!(message["params"]["uri"], URI);
                return message["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn at(&self, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } })
    }
}

/// The 0-based line and UTF-16 column of the first `needle` in `text`
/// (ASCII text, so bytes are columns).
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` in the text"));
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line as u32, column as u32)
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// The text after applying `TextEdit`s (ASCII, one line each).
fn apply(text: &str, edits: &[Value]) -> String {
    let lines: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let offset = |p: &Value| lines[p["line"].as_u64().unwrap() as usize] + p["character"].as_u64().unwrap() as usize;
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string()))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut text = text.to_string();
    for (start, end, new) in edits {
        text.replace_range(start..end, &new);
    }
    text
}

#[test]
fn an_editor_session_over_stdio() {
    let mut client = Client::start();
    let init = client.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    let capabilities = &init["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(init["serverInfo"]["name"], "medc");
    client.notify("initialized", json!({}));

    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": URI, "languageId": "medimg", "version": 1, "text": EXAMPLE } }),
    );
    let diagnostics = client.diagnostics();
    assert_eq!(codes(&diagnostics), ["MEDC-1010"], "{diagnostics:#?}");
    let backup = &diagnostics[0];
    assert_eq!(backup["severity"], 1, "an error");
    assert_eq!(backup["range"]["start"]["line"], 3, "line 4, counted from 0");
    assert_eq!(backup["range"]["start"]["character"], position_of(EXAMPLE, "backup 1d").1);
    assert_eq!(backup["source"], "medc");
    assert_eq!(backup["codeDescription"]["href"], "https://www.ecfr.gov/current/title-45/section-164.308");

    // Hover on `backup`: the default `7d`, the rule and its citation.
    let (line, column) = position_of(EXAMPLE, "backup 1d");
    let hover = client.request("textDocument/hover", client.at(line, column + 2));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("secure default: `7d`"), "{text}");
    insta::assert_snapshot!("hover_backup", text);

    // Completion inside the database block: its settings, not the stream's.
    let (line, column) = position_of(EXAMPLE, "multi_az");
    let completion = client.request("textDocument/completion", client.at(line, column));
    let labels: Vec<&str> = completion.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"backup") && labels.contains(&"capacity"), "{labels:?}");
    assert!(!labels.contains(&"shards"), "{labels:?}");
    insta::assert_snapshot!("completion_database", serde_json::to_string_pretty(&completion).unwrap());

    // Definition of `db_admin` in line 4 lands on its declaration, line 3.
    let (line, column) = position_of(EXAMPLE, "credentials db_admin");
    let use_site = client.at(line, column + "credentials ".len() as u32 + 1);
    let definition = client.request("textDocument/definition", use_site.clone());
    assert_eq!(definition["uri"], URI);
    assert_eq!(definition["range"]["start"], json!({ "line": 2, "character": 9 }));
    assert_eq!(definition["range"]["end"], json!({ "line": 2, "character": 17 }));

    let mut with_declaration = use_site.clone();
    with_declaration["context"] = json!({ "includeDeclaration": true });
    let references = client.request("textDocument/references", with_declaration);
    let lines: Vec<&Value> = references.as_array().unwrap().iter().map(|l| &l["range"]["start"]["line"]).collect();
    assert_eq!(lines, [&json!(2), &json!(3)]);

    let mut rename = use_site.clone();
    rename["newName"] = json!("aurora_admin");
    let edit = client.request("textDocument/rename", rename);
    let renamed = apply(EXAMPLE, edit["changes"][URI].as_array().unwrap());
    assert!(renamed.contains("secret aurora_admin <") && renamed.contains("credentials aurora_admin "), "{renamed}");

    let symbols = client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    let children: Vec<&str> =
        symbols[0]["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(children, ["region", "db_admin", "aurora"]);

    // Quick fixes for MEDC-1010: the secure default, or a waiver.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": backup["range"],
            "context": { "diagnostics": [backup] },
        }),
    );
    let titles: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["use the secure default `backup 7d`", "waive MEDC-1010 here, with a reason"]);
    let fixed = apply(EXAMPLE, actions[0]["edit"]["changes"][URI].as_array().unwrap());
    assert!(fixed.contains("backup 7d >"), "{fixed}");
    let waived = apply(EXAMPLE, actions[1]["edit"]["changes"][URI].as_array().unwrap());
    assert!(
        waived.contains("backup 1d  waive MEDC-1010 \"TODO: say why this rule does not apply here\" >"),
        "{waived}"
    );

    // Typing the fix, `1d` → `7d`, clears the error.
    let (line, column) = position_of(EXAMPLE, "1d >");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column + 1 } },
                "text": "7",
            }],
        }),
    );
    assert_eq!(client.diagnostics(), Vec::<Value>::new());

    // A typo: `multi_azz` is reported, with `multi_az` offered as the fix.
    let (line, column) = position_of(EXAMPLE, "multi_az");
    let end = column + "multi_az".len() as u32;
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 3 },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": end }, "end": { "line": line, "character": end } },
                "text": "z",
            }],
        }),
    );
    let diagnostics = client.diagnostics();
    assert_eq!(codes(&diagnostics), ["MEDC-0101"]);
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("did you mean `multi_az`?"));
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": diagnostics[0]["range"], "context": { "diagnostics": diagnostics } }),
    );
    assert_eq!(actions[0]["title"], "replace `multi_azz` with `multi_az`");
    assert_eq!(actions[0]["isPreferred"], true);

    // Formatting, applied and asked again, changes nothing more.
    let whole = |text: &str, version: i32| json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": text }] });
    let messy = EXAMPLE.replace("\n  ", "\n      ").replace("  backup", "     backup");
    client.notify("textDocument/didChange", whole(&messy, 4));
    client.diagnostics();
    let format = json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } });
    let edits = client.request("textDocument/formatting", format.clone());
    let formatted = apply(&messy, edits.as_array().expect("edits for a text out of the canonical layout"));
    assert_eq!(formatted, EXAMPLE, "the issue's example is in the canonical layout");
    client.notify("textDocument/didChange", whole(&formatted, 5));
    assert_eq!(codes(&client.diagnostics()), ["MEDC-1010"], "formatting keeps the meaning");
    let again = client.request("textDocument/formatting", format);
    assert!(again.is_null() || again == json!([]), "{again}");

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// The server itself, on an in-memory connection: random edits sent as
/// incremental changes in UTF-16 positions (past line ends and inside
/// surrogate pairs too), each followed by every request at random positions.
/// Every change is answered with diagnostics, and no request fails.
mod properties {
    use super::*;
    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    use proptest::prelude::*;

    const REQUESTS: &[&str] = &[
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/prepareRename",
        "textDocument/rename",
        "textDocument/documentSymbol",
        "textDocument/codeAction",
        "textDocument/formatting",
    ];

    struct Session {
        client: Connection,
        server: Option<std::thread::JoinHandle<Result<(), String>>>,
        id: i32,
    }

    impl Session {
        fn start() -> Session {
            let (server, client) = Connection::memory();
            let handle = std::thread::spawn(move || medc::lsp::serve(&server));
            let mut session = Session { client, server: Some(handle), id: 0 };
            session.request("initialize", json!({ "capabilities": {} })).expect("initialized");
            session.notify("initialized", json!({}));
            session
        }

        fn notify(&self, method: &str, params: Value) {
            self.client.sender.send(Message::Notification(Notification::new(method.to_string(), params))).unwrap();
        }

        /// The response to a request: its result, or its error.
        fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
            self.id += 1;
            let id = RequestId::from(self.id);
            self.client.sender.send(Message::Request(Request::new(id.clone(), method.to_string(), params))).unwrap();
            loop {
                match self.client.receiver.recv().expect("the server is running") {
                    Message::Response(response) if response.id == id => {
                        return match response.error {
                            Some(error) => Err(serde_json::to_value(error).unwrap()),
                            None => Ok(response.result.unwrap_or(Value::Null)),
                        };
                    }
                    _ => {}
                }
            }
        }

        fn published(&self) -> bool {
            loop {
                match self.client.receiver.recv() {
                    Ok(Message::Notification(n)) if n.method == "textDocument/publishDiagnostics" => return true,
                    Ok(_) => {}
                    Err(_) => return false,
                }
            }
        }

        fn diagnostics(&self) -> Vec<Value> {
            loop {
                if let Message::Notification(n) = self.client.receiver.recv().expect("the server is running") {
                    if n.method == "textDocument/publishDiagnostics" {
                        return n.params["diagnostics"].as_array().unwrap().clone();
                    }
                }
            }
        }

        fn stop(mut self) {
            self.request("shutdown", Value::Null).unwrap();
            self.notify("exit", Value::Null);
            let server = self.server.take().unwrap();
            assert_eq!(server.join().unwrap(), Ok(()));
        }
    }

    /// Unused components and waivers are tagged unnecessary; a secondary
    /// label becomes related information at its own place.
    #[test]
    fn diagnostics_carry_tags_and_related_places() {
        let unused = "pipeline p <\n  secret spare < existing \"p/spare\" >\n  \
                      waive MEDC-1007 \"no component here needs a second zone\"\n>\n";
        let session = Session::start();
        session.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "medimg", "version": 1, "text": unused } }),
        );
        let diagnostics = session.diagnostics();
        let tags: Vec<(&Value, &Value)> = diagnostics.iter().map(|d| (&d["code"], &d["tags"])).collect();
        assert_eq!(tags, [(&json!("MEDC-0107"), &json!([1])), (&json!("MEDC-0302"), &json!([1]))]);

        let duplicate = "pipeline p <\n  bucket s3 logs < >\n  bucket s3 logs < >\n>\n";
        session.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [{ "text": duplicate }] }),
        );
        let diagnostics = session.diagnostics();
        let duplicate = diagnostics.iter().find(|d| d["code"] == "MEDC-0105").expect("the duplicate name");
        assert_eq!(duplicate["range"]["start"], json!({ "line": 2, "character": 2 }));
        assert!(duplicate.get("tags").is_none());
        let related = &duplicate["relatedInformation"][0];
        assert_eq!(related["message"], "first declared here");
        assert_eq!(related["location"]["uri"], URI);
        assert_eq!(related["location"]["range"]["start"], json!({ "line": 1, "character": 2 }));
        session.stop();
    }

    /// Columns go out, and come back, in UTF-16 code units: the X-ray
    /// emoji before the error is two units and four bytes.
    #[test]
    fn columns_are_utf16_code_units() {
        let text = "pipeline p <\n  secret s < existing \"🩻\" >  database aurora < credentials s  backup 1d >\n>\n";
        let mut session = Session::start();
        session.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "medimg", "version": 1, "text": text } }),
        );
        let diagnostics = session.diagnostics();
        let backup = diagnostics.iter().find(|d| d["code"] == "MEDC-1010").expect("the short backup");
        let line = text.lines().nth(1).unwrap();
        let bytes = line.find("backup").unwrap();
        let units = line[..bytes].encode_utf16().count();
        assert_eq!(units, bytes - 2);
        assert_eq!(backup["range"]["start"], json!({ "line": 1, "character": units }));
        let hover = session
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": units + 1 } }),
            )
            .unwrap();
        assert!(hover["contents"]["value"].as_str().unwrap().starts_with("**backup**"), "{hover}");
        session.stop();
    }

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("<".to_string()),
            Just(">".to_string()),
            Just("\"".to_string()),
            Just("\n".to_string()),
            Just("// é\n".to_string()),
            Just("🩻".to_string()),
            Just("credentials ".to_string()),
            Just("waive ".to_string()),
            Just("secret s < existing \"x\" >".to_string()),
            "[a-z_ 0-9]{0,6}",
        ]
    }

    fn position() -> impl Strategy<Value = Value> {
        (0u32..8, 0u32..90).prop_map(|(line, character)| json!({ "line": line, "character": character }))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn the_server_survives_any_edits(
            edits in prop::collection::vec((position(), position(), fragment()), 1..8),
            probes in prop::collection::vec((0..REQUESTS.len(), position()), 8),
        ) {
            let mut session = Session::start();
            session.notify(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": URI, "languageId": "medimg", "version": 1, "text": EXAMPLE } }),
            );
            prop_assert!(session.published());
            for (version, (start, end, text)) in edits.into_iter().enumerate() {
                session.notify(
                    "textDocument/didChange",
                    json!({
                        "textDocument": { "uri": URI, "version": version + 2 },
                        "contentChanges": [{ "range": { "start": start, "end": end }, "text": text }],
                    }),
                );
                prop_assert!(session.published(), "no diagnostics after an edit");
                for (request, at) in &probes {
                    let mut params = json!({ "textDocument": { "uri": URI }, "position": at });
                    match REQUESTS[*request] {
                        "textDocument/rename" => params["newName"] = json!("renamed"),
                        "textDocument/references" => params["context"] = json!({ "includeDeclaration": true }),
                        "textDocument/completion" => params["context"] = json!({ "triggerKind": 1 }),
                        "textDocument/formatting" => params["options"] = json!({ "tabSize": 2, "insertSpaces": true }),
                        "textDocument/codeAction" => {
                            params["range"] = json!({ "start": at, "end": at });
                            params["context"] = json!({ "diagnostics": [] });
                        }
                        _ => {}
                    }
                    match session.request(REQUESTS[*request], params) {
                        Ok(_) => {}
                        // Rename may be refused, with a reason; nothing else fails.
                        Err(error) => prop_assert!(
                            REQUESTS[*request].contains("ename") && error["code"] == -32600,
                            "{} failed: {error}", REQUESTS[*request]
                        ),
                    }
                }
            }
            session.stop();
        }
    }
}
