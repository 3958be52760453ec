#!/usr/bin/env python3
"""Writes a rule library of N small rules, each with an example, for measuring how the time of
`clearance check` grows with the size of a rule book. Usage:
python3 benches/make_rule_book.py N DIRECTORY
then: clearance check DIRECTORY"""
import os
import shutil
import sys

count = int(sys.argv[1])
directory = sys.argv[2]
os.makedirs(directory, exist_ok=True)
shutil.copy("rules/requirements.clr", os.path.join(directory, "requirements.clr"))
parts = ['''ruleset bench.rules
  title en "Bench" fr "Banc d'essai"
  version "1"
  source CAS "C4T"
  input declaration: Declaration

use stdlib.customs.*
''']
for i in range(count):
    parts.append(f'''rule R-{i}
  title en "Rule {i}" fr "Règle {i}"
  severity error
  category validation_violation
  implements CAS-MASS-01
  for every item in declaration.items
  when item.gross_mass is present and item.net_mass is present
  require item.gross_mass >= item.net_mass + {i} kg
  message en "item {{item.seq}}" fr "article {{item.seq}}"

example "rule {i} passes"
  given {{ declaration: {{ reference: "R", items: [{{ seq: 1, gross_mass: {i + 5} kg, net_mass: 1 kg }}] }} }}
  expect R-{i} passes
''')
with open(os.path.join(directory, "rules.clr"), "w") as out:
    out.write("\n".join(parts))
