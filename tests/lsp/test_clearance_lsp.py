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


def open_document(client: LanguageClient, name: str, text: str) -> str:
    """Opens a document of its own directory in the client; its URI."""
    uri = pathlib.Path(tempfile.mkdtemp(), name).as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="clearance", version=1, text=text
            )
        )
    )
    return uri


def position(needle: str, offset: int = 1) -> types.Position:
    lines = TEXT.splitlines()
    line = next(index for index, text in enumerate(lines) if needle in text)
    return types.Position(line=line, character=lines[line].index(needle) + offset)


async def test_diagnostics_hover_definition_and_completion(client: LanguageClient):
    uri = open_document(client, "client.clr", TEXT)
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


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """The text after the edits (ASCII here, so UTF-16 columns are characters)."""
    starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character if position.line < len(starts) else len(text)

    for edit in sorted(edits, key=lambda edit: offset(edit.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def test_formatting_writes_the_canonical_layout(client: LanguageClient):
    messy = (
        TEXT.replace("  severity error", "      severity   error")
        .replace("require declaration.refrence is present", "require declaration.reference is present\n   and  1>0")
        .replace("use stdlib.customs.*\n", "use stdlib.customs.*\n\n\n\n")
    )
    uri = open_document(client, "layout.clr", messy)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    formatted = apply_edits(messy, edits)
    assert "\n  severity error\n" in formatted
    assert "  require declaration.reference is present\n          and 1 > 0\n" in formatted
    assert "use stdlib.customs.*\n\nrule R-1\n" in formatted
    # Formatting the formatted text changes nothing.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=formatted)],
        )
    )
    again = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert list(again) == []


async def test_references_and_rename(client: LanguageClient):
    text = TEXT.replace(
        "use stdlib.customs.*\n",
        "use stdlib.customs.*\n\nconst floor = 0 kg\n",
    ).replace(
        "require declaration.refrence is present",
        "require declaration.gross_mass is absent or declaration.gross_mass >= floor",
    )
    uri = open_document(client, "rename.clr", text)
    lines = text.splitlines()
    line = next(index for index, content in enumerate(lines) if ">= floor" in content)
    at = types.Position(line=line, character=lines[line].index(">= floor") + 4)
    document = types.TextDocumentIdentifier(uri=uri)

    found = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=document,
            position=at,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert sorted(location.range.start.line for location in found) == [
        lines.index("const floor = 0 kg"),
        line,
    ]

    edit = await client.text_document_rename_async(
        types.RenameParams(text_document=document, position=at, new_name="lightest")
    )
    edits = edit.changes[uri]
    assert len(edits) == 2
    assert all(change.new_text == "lightest" for change in edits)


async def test_signature_help_of_a_builtin(client: LanguageClient):
    text = TEXT.replace(
        "require declaration.refrence is present",
        'require starts_with(declaration.reference, "FR")',
    )
    uri = open_document(client, "signature.clr", text)
    lines = text.splitlines()
    line = next(index for index, content in enumerate(lines) if "starts_with(" in content)
    column = lines[line].index('"FR"')
    help = await client.text_document_signature_help_async(
        types.SignatureHelpParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=column),
        )
    )
    assert help.signatures[0].label.startswith("starts_with(")
    assert help.active_parameter == 1
    assert len(help.signatures[0].parameters) == 2


async def test_fields_after_a_dot_and_their_definition(client: LanguageClient):
    # The analyst has typed `declaration.` and asks what may follow.
    text = TEXT.replace("require declaration.refrence is present", "require declaration.")
    uri = open_document(client, "fields.clr", text)
    lines = text.splitlines()
    line = next(index for index, content in enumerate(lines) if content.endswith("declaration."))
    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=len(lines[line])),
            context=types.CompletionContext(
                trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character="."
            ),
        )
    )
    fields = {item.label: item for item in completion}
    assert "reference" in fields and "items" in fields
    assert fields["items"].kind == types.CompletionItemKind.Field
    assert fields["items"].detail == "list of Item"

    text = TEXT.replace("declaration.refrence", "declaration.reference")
    uri = open_document(client, "field.clr", text)
    lines = text.splitlines()
    line = next(index for index, content in enumerate(lines) if "declaration.reference" in content)
    column = lines[line].index("reference") + 2
    document = types.TextDocumentIdentifier(uri=uri)
    definition = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=document, position=types.Position(line=line, character=column)
        )
    )
    target = pathlib.Path(definition.uri.removeprefix("file://"))
    assert target.read_text().splitlines()[definition.range.start.line].strip() == "reference: Text"
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=types.Position(line=line, character=column))
    )
    assert "field of record `Declaration`" in hover.contents.value


async def test_a_quick_fix_tests_a_value_that_may_be_absent(client: LanguageClient):
    text = TEXT.replace(
        "require declaration.refrence is present", "require declaration.gross_mass > 0 kg"
    )
    uri = open_document(client, "guard.clr", text)
    await client.wait_for_notification("textDocument/publishDiagnostics")
    diagnostics = client.diagnostics[uri]
    assert [diagnostic.code for diagnostic in diagnostics] == ["maybe-absent"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    titles = [action.title for action in actions]
    assert titles == [
        "test `declaration.gross_mass` is present in the rule's `when`",
        "test `declaration.gross_mass` is present first, with `and`",
    ]
    assert actions[0].is_preferred
    fixed = apply_edits(text, actions[0].edit.changes[uri])
    assert "  when declaration.gross_mass is present\n  require declaration.gross_mass > 0 kg\n" in fixed
    # Once the fix is in, the value is known to be there and the diagnostic goes.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await client.wait_for_notification("textDocument/publishDiagnostics")
    assert list(client.diagnostics[uri]) == []


VIEWS = """ruleset lsp.views
  title en "Views" fr "Vues"
  version "1"
  source CAS "CAS"
  input declaration: Declaration

use stdlib.customs.*

// The masses of the items,
// added up.

rule R-1
  title en "Mass of the items" fr "Masse des articles"
  severity error
  category validation_violation
  implements CAS-MASS-01
  let total = sum item.net_mass otherwise 0 kg for item in declaration.items
  require total >= 0 kg
  message en "m" fr "m"

example "the items weigh something"
  given { declaration: { reference: "R", items: [{ seq: 1, gross_mass: 6 kg, net_mass: 1 kg }] } }
  expect R-1 passes
"""


async def test_what_the_editor_shows_of_a_document(client: LanguageClient):
    uri = open_document(client, "views.clr", VIEWS)
    await client.wait_for_notification("textDocument/publishDiagnostics")
    assert list(client.diagnostics[uri]) == []
    document = types.TextDocumentIdentifier(uri=uri)
    lines = VIEWS.splitlines()

    def line_of(prefix: str) -> int:
        return next(index for index, text in enumerate(lines) if text.startswith(prefix))

    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=document)
    )
    # Five numbers a token: the keywords, names, strings and numbers of the document.
    assert len(tokens.data) % 5 == 0 and len(tokens.data) // 5 > 40

    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=document)
    )
    assert [symbol.name for symbol in symbols][:2] == ["lsp.views", "R-1"]

    found = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="CAS-MASS-IT"))
    assert any(symbol.name == "CAS-MASS-ITEM" for symbol in found)

    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=document)
    )
    spans = {(fold.start_line, fold.end_line) for fold in folds}
    assert (line_of("// The masses"), line_of("// added up")) in spans
    assert any(start == line_of("rule R-1") for start, _ in spans)

    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=document,
            range=types.Range(
                start=types.Position(line=0, character=0),
                end=types.Position(line=len(lines), character=0),
            ),
        )
    )
    # The `let` and the loop variable of the sum, on the same line.
    assert [(hint.position.line, hint.label) for hint in hints] == [
        (line_of("  let total"), ": Mass"),
        (line_of("  let total"), ": Item"),
    ]

    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=document))
    titles = {(lens.range.start.line, lens.command.title) for lens in lenses}
    assert (line_of("example"), "✓ example passes") in titles, titles
    assert (line_of("rule R-1"), "1 example: passed") in titles, titles

    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=document,
            range=types.Range(
                start=types.Position(line=line_of("rule R-1"), character=0),
                end=types.Position(line=line_of("  message"), character=0),
            ),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    # The document is in the canonical layout already.
    assert list(edits or []) == []


async def test_codes_after_an_operator_with_nothing_typed_yet(client: LanguageClient):
    text = TEXT.replace(
        "require declaration.refrence is present", "require declaration.border_transport_mode == "
    )
    uri = open_document(client, "operand.clr", text)
    lines = text.splitlines()
    line = next(index for index, content in enumerate(lines) if content.endswith("== "))
    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=len(lines[line])),
        )
    )
    codes = {item.label: item for item in completion}
    assert "sea" in codes and "air" in codes, list(codes)
    assert codes["sea"].kind == types.CompletionItemKind.EnumMember
