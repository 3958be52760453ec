"""Tests of scripts/gen_document_codes.py: the Appendix 5A reader on a small OpenDocument
spreadsheet written here, and the generated list on small inputs. Run by scripts/test."""
import csv
import io
import pathlib
import sys
import tempfile
import unittest
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import gen_document_codes as gen  # noqa: E402

CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
  <office:body><office:spreadsheet>
    <table:table table:name="Union">
      <table:table-row>
        <table:table-cell><text:p>Document code</text:p></table:table-cell>
        <table:table-cell><text:p>Direction</text:p></table:table-cell>
        <table:table-cell><text:p>Description</text:p></table:table-cell>
        <table:table-cell><text:p>Guidance</text:p></table:table-cell>
        <table:table-cell><text:p>Status codes</text:p></table:table-cell>
      </table:table-row>
      <table:table-row>
        <table:table-cell><text:p>C640</text:p></table:table-cell>
        <table:table-cell><text:p>I</text:p></table:table-cell>
        <table:table-cell><text:p>Common Health Entry Document for Animals (CHED-A)</text:p></table:table-cell>
        <table:table-cell table:number-columns-repeated="2"/>
        <table:table-cell table:number-columns-repeated="16000"/>
      </table:table-row>
      <table:table-row>
        <table:table-cell><text:p>N935</text:p></table:table-cell>
        <table:table-cell><text:p>I/E</text:p></table:table-cell>
        <table:table-cell><text:p>Invoice</text:p><text:p>(commercial)</text:p></table:table-cell>
      </table:table-row>
      <table:table-row table:number-rows-repeated="1000">
        <table:table-cell table:number-columns-repeated="5"/>
      </table:table-row>
      <table:table-row>
        <table:table-cell><text:p>not a code</text:p></table:table-cell>
      </table:table-row>
    </table:table>
  </office:spreadsheet></office:body>
</office:document-content>
"""


def write_ods(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", CONTENT)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )


class AppendixFiveA(unittest.TestCase):
    def test_rows_and_codes_of_the_first_sheet(self):
        with tempfile.TemporaryDirectory() as directory:
            path = pathlib.Path(directory) / "union.ods"
            write_ods(path)
            rows = gen.ods_rows(path)
            self.assertEqual(rows[0][0], "Document code")
            self.assertEqual(rows[1][:3], ["C640", "I", "Common Health Entry Document for Animals (CHED-A)"])
            self.assertEqual(len(rows[1]), 3, "empty trailing cells are dropped")
            self.assertEqual(
                gen.appendix_5a(path),
                {"C640": "Common Health Entry Document for Animals (CHED-A)", "N935": "Invoice\n(commercial)"},

            )

    def test_the_generated_list_keeps_sources_and_labels(self):
        with tempfile.TemporaryDirectory() as directory:
            directory = pathlib.Path(directory)
            write_ods(directory / "union.ods")
            codes = directory / "codes.csv"
            with open(codes, "w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["code", "category", "scope", "description_en", "description_fr", "source", "as_of"])
                writer.writerow(["Y984", "Union exemption/waiver", "union", "Goods not from Donetsk", "", "https://example.gov/y984", ""])
                writer.writerow(["C640", "Union certificate", "union", "", "", "https://example.gov/c640", ""])
            statuses = directory / "status.csv"
            with open(statuses, "w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["code", "description_en", "source", "also_seen_in"])
                writer.writerow(["AC", "Document attached for certification by customs", "https://example.gov/5b", ""])
            output = directory / "documents.clr"
            gen.main(["--codes-csv", str(codes), "--status-csv", str(statuses), "--ods", str(directory / "union.ods"), "--output", str(output)])
            text = output.read_text()
            self.assertIn('open matching "^[0-9A-Z]{4}$"', text)
            self.assertIn('  C640 en "Common Health Entry Document for Animals (CHED-A)"', text)
            self.assertIn("  /// Source: Appendix 5A (union.ods); https://example.gov/c640.", text)
            self.assertIn('  Y984 en "Goods not from Donetsk"', text)
            self.assertIn('  N935 en "Invoice (commercial)"', text, "white space in a label is folded")
            self.assertIn('  AC en "Document attached for certification by customs"', text)
            # A code no source labels is listed, and says so.
            self.assertIn("  /// No sourced label.\n  N271\n", text)


if __name__ == "__main__":
    unittest.main()
