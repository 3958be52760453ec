#!/usr/bin/env python3
"""Writes a JSON array of copies of the first record of examples/declarations.ndjson, of about
50 MB, for measuring the memory of `clearance run` on a large array. Usage:
python3 benches/make_big_array.py big.json"""
import sys

record = open("examples/declarations.ndjson").readline().strip()
with open(sys.argv[1], "w") as out:
    out.write("[\n" + record)
    while out.tell() < 50_000_000:
        out.write(",\n" + record)
    out.write("\n]\n")
