// The medimg extension: starts `medc lsp` and connects VS Code to it over
// standard input and output. Everything else (diagnostics, hover,
// completion, navigation, rename, formatting, quick fixes) is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

async function activate() {
  const command = vscode.workspace.getConfiguration("medimg").get("server.path") || "medc";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("medimg", "medc language server", server, {
    documentSelector: [{ language: "medimg" }],
  });
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `medimg: could not start \`${command} lsp\` (${error.message}); set medimg.server.path to the medc executable`,
    );
  }
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
