#!/usr/bin/env python3
"""Generates stdlib/documents.clr: the DE 2/3 document codes and the document status codes,
each code with the sources that state it and, where a source gives one, its label.

Run from the repository root:

    python3 scripts/gen_document_codes.py \
        --codes-csv ../shared/data/de23-document-codes/codes.csv \
        --status-csv ../shared/data/de23-document-codes/status-codes.csv \
        --corpus tests/data/hmrc-cds-samples/annotated_XML_samples.tar.gz \
        --tariff ../shared/data/uk-tariff-samples/commodities.tar.gz \
        [--ods union.ods --ods national.ods]

The official lists are the Appendix 5A spreadsheets (Union and National) that gov.uk publishes
as OpenDocument files: pass them with --ods and every code gets its official description.
Without them, the list holds the codes that a public source states, and a code without a
sourced label says so. No label and no translation is written here by hand.

Only the standard library of Python is used. The output is committed.
"""
import argparse
import csv
import io
import pathlib
import re
import sys
import tarfile
import xml.etree.ElementTree as ET
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "stdlib" / "documents.clr"
DEC_DMS = "urn:wco:datamodel:WCO:DEC-DMS:2"
ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
CODE_SHAPE = "^[0-9A-Z]{4}$"
STATUS_SHAPE = "^[A-Z]{2}$"

CORPUS_SOURCE = "HMRC CDS sample declarations (hmrc/customs-declarations, Apache-2.0)"
TARIFF_SOURCE = "UK Trade Tariff measure conditions (trade-tariff-duty-calculator fixtures, MIT)"
RULES_SOURCE = "named by the rule library (rules/cas), after EU TARIC measure conditions"

# Codes the rule library names whose existence none of the data sources above states.
RULE_LIBRARY_CODES = ["C640", "C673", "C678", "N271", "N380", "N705", "N740", "N853", "X002", "Y900"]


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("{", "\\{").replace("}", "\\}") + '"'


def ods_rows(path):
    """The rows of the first sheet of an OpenDocument spreadsheet, as lists of cell texts."""
    with zipfile.ZipFile(path) as archive:
        content = ET.fromstring(archive.read("content.xml"))
    table = content.find(f".//{{{ODS_TABLE}}}table")
    if table is None:
        raise ValueError(f"{path}: no sheet")
    rows = []
    for row in table.iter(f"{{{ODS_TABLE}}}table-row"):
        cells = []
        for cell in row:
            if cell.tag not in (f"{{{ODS_TABLE}}}table-cell", f"{{{ODS_TABLE}}}covered-table-cell"):
                continue
            text = "\n".join("".join(p.itertext()) for p in cell.findall(f"{{{ODS_TEXT}}}p"))
            repeat = int(cell.get(f"{{{ODS_TABLE}}}number-columns-repeated", "1"))
            # Trailing empty cells are stored as one cell repeated thousands of times.
            cells.extend([text] * (repeat if text else min(repeat, 8)))
        while cells and not cells[-1]:
            cells.pop()
        repeat = int(row.get(f"{{{ODS_TABLE}}}number-rows-repeated", "1"))
        if cells:
            rows.extend([cells] * min(repeat, 1 if not any(cells) else repeat))
    return rows


def appendix_5a(path):
    """Codes of an Appendix 5A sheet: a header row, then code, direction, description,
    guidance and status codes per row (the layout HMRC publishes)."""
    codes = {}
    for row in ods_rows(path)[1:]:
        code = (row[0] if row else "").strip()
        if not re.fullmatch(CODE_SHAPE[1:-1], code):
            continue
        description = row[2].strip() if len(row) > 2 else ""
        codes[code] = description
    return codes


def corpus_codes(archive):
    """The DE 2/3 codes (CategoryCode followed by TypeCode) of every AdditionalDocument in
    the declarations of the HMRC sample archive, and the status codes they carry."""
    found = set()
    statuses = set()
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.lower().endswith(".xml"):
                continue
            data = tar.extractfile(member).read()
            try:
                root = ET.fromstring(data)
            except ET.ParseError:
                continue
            for document in root.iter(f"{{{DEC_DMS}}}AdditionalDocument"):
                category = document.findtext(f"{{{DEC_DMS}}}CategoryCode", "").strip()
                kind = document.findtext(f"{{{DEC_DMS}}}TypeCode", "").strip()
                if re.fullmatch(CODE_SHAPE[1:-1], category + kind):
                    found.add(category + kind)
                status = document.findtext(f"{{{DEC_DMS}}}LPCOExemptionCode", "").strip()
                if re.fullmatch(STATUS_SHAPE[1:-1], status):
                    statuses.add(status)
    return found, statuses


def tariff_labels(archive):
    """Labels of document codes from the `requirement` texts of measure conditions."""
    import json

    labels = {}
    with tarfile.open(archive) as tar:
        for member in sorted(tar.getmembers(), key=lambda member: member.name):
            if not member.isfile() or not member.name.endswith(".json"):
                continue
            data = json.load(tar.extractfile(member))
            for measure in data.get("import_measures", []) + data.get("export_measures", []):
                for condition in measure.get("measure_conditions", []):
                    code = condition.get("document_code") or ""
                    text = condition.get("requirement") or ""
                    if not code or not text:
                        continue
                    # "Other certificates: Certificate of ..." -> the text after the category.
                    text = re.sub(r"<[^>]+>", "", text).split(": ", 1)[-1].strip()
                    labels.setdefault(code, set()).add(text)
    # Of several wordings, the shortest, which is the plainest in these fixtures.
    return {code: min(texts, key=lambda text: (len(text), text)) for code, texts in labels.items()}


def generate(args):
    codes = {}

    def add(code, source, label=""):
        label = " ".join(label.split())
        entry = codes.setdefault(code, {"sources": [], "label": "", "label_source": ""})
        if source not in entry["sources"]:
            entry["sources"].append(source)
        if label and not entry["label"]:
            entry["label"], entry["label_source"] = label, source

    for path in args.ods:
        for code, description in sorted(appendix_5a(path).items()):
            add(code, f"Appendix 5A ({pathlib.Path(path).name})", description)
    with open(args.codes_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            add(row["code"], row["source"], row["description_en"])
    if args.tariff:
        for code, label in sorted(tariff_labels(args.tariff).items()):
            add(code, TARIFF_SOURCE, label)
    corpus_statuses = set()
    if args.corpus:
        corpus_document_codes, corpus_statuses = corpus_codes(args.corpus)
        for code in sorted(corpus_document_codes):
            add(code, CORPUS_SOURCE)
    for code in RULE_LIBRARY_CODES:
        if code not in codes:
            add(code, RULES_SOURCE)

    statuses = []
    with open(args.status_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            statuses.append((row["code"], row["description_en"], row["source"]))

    lines = [
        "module stdlib.documents",
        '  title en "Documents, certificates and authorisations (DE 2/3)" fr "Documents, certificats et autorisations (DE 2/3)"',
        "",
        "// Generated by scripts/gen_document_codes.py; do not edit by hand.",
        "",
        "/// DE 2/3 document codes: a category letter or digit and three characters. The list is",
        "/// open: a well-formed code that it does not hold binds, with a warning that names it.",
        f"/// {len(codes)} codes, each with the sources that state it; a code without a label has no",
        "/// sourced label yet (the Appendix 5A spreadsheets give them: see the script).",
        "codelist DocumentCode",
        '  title en "Document codes (DE 2/3)" fr "Codes des documents (DE 2/3)"',
        '  source "UK CDS Appendix 5A and the sources named per code"',
        f'  open matching "{CODE_SHAPE}"',
    ]
    for code in sorted(codes):
        entry = codes[code]
        lines.append(f"  /// Source: {'; '.join(entry['sources'])}.")
        if entry["label"]:
            lines.append(f"  /// Label: {entry['label_source']}.")
            lines.append(f"  {code} en {quote(entry['label'])}")
        else:
            lines.append("  /// No sourced label.")
            lines.append(f"  {code}")
    lines += [
        "",
        "/// DE 2/3 document status codes (UK CDS Appendix 5B): what the declarant says of the",
        "/// document, such as `AC` (attached for certification). Open: a well-formed status that",
        "/// the list does not hold binds with a warning.",
        "codelist DocumentStatus",
        '  title en "Document status codes (DE 2/3)" fr "Codes de statut des documents (DE 2/3)"',
        '  source "UK CDS Appendix 5B, via trade-tariff/process-appendix-5a resources/config/status_codes.csv"',
        f'  open matching "{STATUS_SHAPE}"',
    ]
    for code, description, _source in statuses:
        lines.append(f"  {code} en {quote(description)}")
    listed = {code for code, _, _ in statuses}
    for code in sorted(corpus_statuses - listed):
        lines.append(f"  /// Source: {CORPUS_SOURCE}. No sourced label.")
        lines.append(f"  {code}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes-csv", required=True)
    parser.add_argument("--status-csv", required=True)
    parser.add_argument("--corpus")
    parser.add_argument("--tariff")
    parser.add_argument("--ods", action="append", default=[])
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    text = generate(args)
    pathlib.Path(args.output).write_text(text, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
