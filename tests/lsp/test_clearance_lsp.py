"""`clearance lsp` driven by a real client: pytest-lsp 1.0.1 (pygls) starts the binary and
speaks the protocol to it over stdio. scripts/test installs pytest-lsp in a virtual
environment and runs this after `cargo test`, with CLEARANCE_BIN naming the binary."""

import os
import pathlib
import tempfile

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CLEARANCE_BIN", str(ROOT / "target" / "debug" / "clearance"))
CACHE = tempfile.mkdtemp(prefix="clearance-pytest-lsp-")

TEXT = """ruleset lsp.pytest
  title en "Client test" fr "Test du client"
  version "1"
  source CAS "CAS"
  input declaration: Declaration

use stdlib.customs.*

rule R-1
  title en "Mass of the items" fr "Masse des articles"
  severity error
  category validation_violation
  implements CAS-MASS-01
  require declaration.refrence is present
  message en "m" fr "m"
"""


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[BINARY, "lsp"], server_env={**os.environ, "XDG_CACHE_HOME": CACHE}
    )
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[
                types.WorkspaceFolder(uri=(ROOT / "rules").as_uri(), name="rules")
            ],
        )
    )
    yield
    await lsp_client.shutdown_session()


def position(needle: str, offset: int = 1) -> types.Position:
    lines = TEXT.splitlines()
    line = next(index for index, text in enumerate(lines) if needle in text)
    return types.Position(line=line, character=lines[line].index(needle) + offset)


async def test_diagnostics_hover_definition_and_completion(client: LanguageClient):
    uri = pathlib.Path(tempfile.mkdtemp(), "client.clr").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="clearance", version=1, text=TEXT
            )
        )
    )
    await client.wait_for_notification("textDocument/publishDiagnostics")
    diagnostics = client.diagnostics[uri]
    assert [diagnostic.code for diagnostic in diagnostics] == ["unknown-field"]
    assert diagnostics[0].range.start == position("refrence", 0)
    assert "did you mean `reference`?" in diagnostics[0].message

    document = types.TextDocumentIdentifier(uri=uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position("R-1"))
    )
    assert "**Mass of the items**" in hover.contents.value

    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=document, position=position("Declaration"))
    )
    assert definition.uri.endswith("/customs.clr")
    target = pathlib.Path(definition.uri.removeprefix("file://"))
    line = target.read_text().splitlines()[definition.range.start.line]
    assert line.startswith("record Declaration")

    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=document, position=position("implements", 4))
    )
    labels = [item.label for item in completion]
    assert "implements" in labels
    assert all(label.startswith("imp") for label in labels)
