// The Clearance extension: the language client of `clearance lsp`, and two commands that run
// the `clearance` binary (the examples of a file, the traceability of a requirement).

import { execFile } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

/** The `clearance` binary: the setting, else `clearance` on PATH. */
function serverPath(): string {
  const configured = vscode.workspace
    .getConfiguration("clearance")
    .get<string>("server.path", "")
    .trim();
  return configured === "" ? "clearance" : configured;
}

function outputChannel(): vscode.OutputChannel {
  output ??= vscode.window.createOutputChannel("Clearance");
  return output;
}

async function startClient(): Promise<void> {
  const command = serverPath();
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"] },
    debug: { command, args: ["lsp"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "clearance" }],
    synchronize: {
      // A `git checkout` changes rule files behind the editor: the server re-reads them.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.clr"),
    },
  };
  client = new LanguageClient("clearance", "Clearance", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const choice = await vscode.window.showErrorMessage(
      `The Clearance language server did not start (${command} lsp): ${String(error)}. ` +
        "Install the binary (`cargo install --path cli`) or set `clearance.server.path`.",
      "Open settings",
    );
    if (choice === "Open settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "clearance.server.path");
    }
  }
}

interface Ran {
  code: number;
  stdout: string;
}

/** Runs `clearance ARGS`; shows what it printed in the output channel unless `quiet`. */
function runClearance(args: string[], cwd: string | undefined, quiet = false): Promise<Ran> {
  const channel = outputChannel();
  channel.show(true);
  channel.appendLine(`$ clearance ${args.join(" ")}`);
  return new Promise((resolve) => {
    execFile(serverPath(), args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (stdout && !quiet) {
        channel.append(stdout);
      }
      if (stderr) {
        channel.append(stderr);
      }
      const code = error && typeof error.code === "number" ? error.code : error ? 2 : 0;
      if (error && typeof error.code !== "number") {
        channel.appendLine(`cannot run ${serverPath()}: ${error.message}`);
      }
      resolve({ code, stdout });
    });
  });
}

interface TraceCitation {
  source: string;
  quote: string;
}

interface TraceRule {
  ruleset: string;
  rule: string;
  path: string;
}

interface TraceRequirement {
  id: string;
  title: string;
  coverage: string;
  citations: TraceCitation[];
  rules: TraceRule[];
}

async function runExamples(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "clearance") {
    void vscode.window.showInformationMessage("Open a Clearance rule file to run its examples.");
    return;
  }
  await editor.document.save();
  const file = editor.document.uri.fsPath;
  const { code } = await runClearance(["test", file], path.dirname(file));
  if (code === 0) {
    void vscode.window.showInformationMessage("Every example of this file passed.");
  } else {
    void vscode.window.showWarningMessage("Some examples failed: see the Clearance output.");
  }
}

async function showTraceability(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  let suggestion = "";
  if (editor && editor.document.languageId === "clearance") {
    const range = editor.document.getWordRangeAtPosition(editor.selection.active);
    suggestion = range ? editor.document.getText(range) : "";
  }
  const requirement = await vscode.window.showInputBox({
    prompt: "The requirement identifier (empty: the whole matrix)",
    value: suggestion,
  });
  if (requirement === undefined) {
    return;
  }
  const folder =
    (editor && vscode.workspace.getWorkspaceFolder(editor.document.uri)) ??
    vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage("Open the folder of a rule library first.");
    return;
  }
  const args = ["trace", folder.uri.fsPath];
  if (requirement.trim() === "") {
    await runClearance(args, folder.uri.fsPath);
    return;
  }
  const { stdout } = await runClearance([...args, "--format", "json"], folder.uri.fsPath, true);
  const channel = outputChannel();
  let requirements: TraceRequirement[] = [];
  try {
    requirements = (JSON.parse(stdout) as { requirements: TraceRequirement[] }).requirements;
  } catch {
    channel.appendLine("the traceability matrix could not be read (see the messages above)");
    return;
  }
  const wanted = requirements.find((candidate) => candidate.id === requirement.trim());
  if (!wanted) {
    channel.appendLine(`no requirement \`${requirement.trim()}\` in the catalogue`);
    return;
  }
  channel.appendLine(`${wanted.id}: ${wanted.title} (${wanted.coverage})`);
  for (const citation of wanted.citations) {
    channel.appendLine(`  ${citation.source}: «${citation.quote}»`);
  }
  for (const rule of wanted.rules) {
    channel.appendLine(`  rule ${rule.rule} (${rule.ruleset}, ${rule.path})`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("clearance.runExamples", runExamples),
    vscode.commands.registerCommand("clearance.showTraceability", showTraceability),
    vscode.commands.registerCommand("clearance.restartServer", async () => {
      await client?.stop();
      await startClient();
    }),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
