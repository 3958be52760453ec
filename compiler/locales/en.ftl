# The English wording of every diagnostic, one message per situation.
#
# Keys: `<diagnostic-id>--<what>` for a diagnostic's message, `label--<what>` for the words
# under a span, `help--<what>` for a help line, `expected--<what>` for what the grammar
# expected. `fr.ftl` holds the same keys with the same arguments; a test checks it.
# Values between backticks are the user's text or the language's own words; they are not
# translated.

absent-compared--absent-tested-absent-compared = `absent` is tested with `is absent`, not compared
ambiguous-deadline--dates-leaves-unsaid-whether = `{ $op }` on dates leaves unsaid whether the deadline itself is on time
action--add-requirement-to-catalogue = add `{ $id }` to the requirements catalogue `{ $file }`
action--add-text = add the `{ $code }` text
action--replace-with = replace with `{ $candidate }`
action--test-present-in-when = test `{ $value }` is present in the rule's `when`
action--test-present-with-and = test `{ $value }` is present first, with `and`
branch-type-mismatch--branches-have-different-types = the branches have different types, `{ $then_type }` and `{ $otherwise_type }`
business-time-start--business-time-can-only = business time can only be added to a date-time
conflicting-inputs--input-has-type-here = input `{ $name }` has type `{ $ty }` here but `{ $ty2 }` in another rule set
constraint-type-mismatch--between-constrains-numbers-but = `between` constrains numbers, but this type is `{ $target }`
constraint-type-mismatch--matching-constrains-texts-but = `matching` constrains texts, but this type is `{ $target }`
currency-mismatch--expected-money-found-money = expected money in `{ $want }`, found money in `{ $have }`
currency-mismatch--money-money-do-combine = money in `{ $a }` and money in `{ $b }` do not combine
currency-not-known--currency-money-only-known = the currency of this money is only known at run time
data-file-format--file-clearance-reads-data = `{ $written }` is not a file Clearance reads data from
data-file-type--constant-reads-data-file = the constant `{ $name }` reads a data file but has no type
data-file-type--data-file-holds-list = a data file holds a list of records, not `{ $other }`
date-with-date-time--compares-date-date-time = `{ $op }` compares a date with a date-time
duplicate-clause--rule-has-second-clause = this rule has a second `{ $keyword }` clause
duplicate-definition--already-stands-code-list = `{ $alias }` already stands for a code of this list
duplicate-definition--code-listed-twice = code `{ $name }` is listed twice
duplicate-definition--defined-twice-file = `{ $key }` is defined twice in this file
duplicate-definition--imported-but-file-also = `{ $name }` is imported but this file also defines it
duplicate-definition--input-declared-twice = input `{ $name }` is declared twice
duplicate-definition--listed-twice = { $date } is listed twice
duplicate-definition--source-declared-twice = source `{ $id }` is declared twice
duplicate-definition--two-codes-written-data = two codes are written `{ $external }` in data
duplicate-field--field-declared-twice = field `{ $name }` is declared twice
duplicate-field--field-given-twice = field `{ $name }` is given twice
duplicate-module--another-file-is-the-module = another file already is the module `{ $name }`
duplicate-module--another-file-is-the-rule-set = another file already is the rule set `{ $name }`
empty-calendar--calendar-never-open-so = this calendar is never open, so business time never passes
example-outside-ruleset--rules-belong-rule-set = rules belong in a rule set file
example-without-expectation--example-expects-nothing-so = this example expects nothing, so it can never fail
exceptions-identical--two-exceptions-have-same = two exceptions have the same condition
expected--as-of = `as of`
expected--optional-mark = `?`
expected--before-after-on-before = `before`, `after`, `on or before` or `on or after`
expected--built-in = `built in`
expected--category = `category`
expected--cites = `cites`
expected--closed-on = `closed on`
expected--code = a code
expected--comparison = a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)
expected--data-path-declaration-items = a data path such as `declaration.items[0].gross_mass`
expected--date-2026-03-10 = a date such as `2026-03-10`
expected--date-time-2026-03 = a date-time such as `2026-03-10T10:00:00+01:00`
expected--day-week-monday = a day of the week such as `monday`
expected--effective = `effective`
expected--end-item = the end of the item
expected--except-when = `except when`
expected--exempt-require = `exempt` or `require`
expected--expect = `expect`
expected--expression = an expression
expected--fails-passes-does-not = `fails`, `passes`, `does not apply` or `cannot be evaluated`
expected--field-gross-mass-mass = a field such as `gross_mass: Mass`
expected--field-name = `.` and a field name
expected--fix = `fix`
expected--for-every = `for every`
expected--given = `given`
expected--holiday-2026-01-01 = a holiday such as `2026-01-01 en "New Year"`
expected--identifier-cas-mass-01 = an identifier such as `CAS-MASS-01`
expected--implements = `implements`
expected--in = `in`
expected--input = `input`
expected--is-present-is-absent = `is present`, `is absent` or `is empty`
expected--keyword = { $keyword }
expected--language-tag-en-fr = a language tag (`en` or `fr`) and a text
expected--let = `let`
expected--matching-between = `matching` or `between`
expected--message = `message`
expected--mod = `*`, `/` or `mod`
expected--module-path-stdlib-customs = a module path such as `stdlib.customs`
expected--name = a name
expected--not-machine-checkable-because = `not machine checkable because`
expected--number = a number
expected--open = `open`
expected--parameter-list-code-tariccode = a parameter list such as `(code: TaricCode)`
expected--plus-or-minus = `+` or `-`
expected--policy = `policy`
expected--quantity-10-kg-22 = a quantity such as `10 kg` or `22 EUR`
expected--record-field-value = a record such as `{"{"} field: value {"}"}`
expected--record-literal-fixture-name = a record literal or a fixture name
expected--require = `require`
expected--severity = `severity`
expected--source = `source`
expected--starred = `starred`
expected--table-pattern = a table pattern
expected--table-row-starting-with = a table row starting with `|`
expected--text-in-double-quotes = a text in double quotes
expected--time-08-00 = a time such as `08:00`
expected--title = `title`
expected--type = a type
expected--version = `version`
expected--when = `when`
expected--with = `with`
expected--zone = `zone`
help--add-a-last-row = add a last row `| { $wildcards } => ...`, or declare the result optional: `{ $row_type }?`
help--add-after-text = add `{ $code } "..."` after the `{ $other }` text
help--add-calendar-days-date = add calendar days to a date (`+ 1 day`), or hours to a date-time
help--add-category-validation-violation = add `category validation_violation` to the rule, or `default category validation_violation` to the rule set
help--add-expect-rule-id = add `expect RULE-ID fails`, `expect RULE-ID passes` or `expect no findings`
help--add-it-to-the-catalogue = add it to the catalogue (`requirements.clr`) first
help--add-opening-hours-open = add opening hours: `open monday to friday from 08:00 to 17:00`
help--add-severity-error-rule = add `severity error` to the rule, or `default severity error` to the rule set
help--add-the-closer = add `{ $closer }` where the group ends
help--alias-must-end-record = an alias must end in a record, a code list or a builtin type
help--both-sides-same-type = both sides must have the same type
help--business-time-counts-whole = business time counts whole hours or whole days
help--calendar-day-always-24 = a calendar day is not always 24 hours (daylight saving); write both in hours, or both in days
help--call-it = call it: `{ $name }(...)`
help--character-has-no-meaning = this character has no meaning in Clearance; remove it
help--close-the-interpolation = close it with `{"}"}`, or write `\{"{"}` for a brace
help--close-the-text = close the text with `"` on the same line
help--combine-the-conditions = combine the conditions with `and` in one `{ $keyword }`
help--compare-numbers-money-quantities = compare numbers, money and quantities with `<`, `<=`, `>` or `>=`
help--compare-them = compare them with `==` or `!=`
help--constant-must-computable-from = a constant must be computable from values that do not refer back to it
help--constants-must-computable-without = constants must be computable without referring back to themselves
help--convert-currency-first-convert = convert it to a currency first: `convert(value, EUR, rates)`, or declare the field `Money[EUR]`
help--convert-explicitly-convert-value = convert it explicitly: `convert(value, { $want }, rates)`
help--convert-one-side-explicitly = convert one side explicitly: `convert(value, { $a }, rates)`
help--data-path-names-fields = a data path names fields (`.name`) of records and positions (`[0]`) of lists
help--declare-optional-type-if = declare it optional (`Type?`) if data may omit it, or leave it out
help--declare-records-type-const = declare the records' type: `const { $name }: list of RecordName = data "{ $written }"`
help--declare-the-field-optional = declare the field optional (`Type?`) if data may omit it
help--declare-the-source = declare it in the header: `source { $source } "title of the document"`
help--define-the-fixture = define it: `fixture { $name } = {"{"} ... {"}"}`
help--did-you-mean = did you mean `{ $candidate }`?
help--each-code-needs-own = each code needs its own data value
help--each-spelling-data-names = each spelling in data names one code: remove this one
help--effective-from-until-b = `effective from A until B` needs A on or before B; both days are included
help--example = for example: `{ $example }`
help--examples-fixtures-build-inputs = examples and fixtures build the inputs that a `ruleset` declares
help--expected-one-of = expected one of { $expected }{ $more }
help--functions-tables-may-call = functions and tables may not call themselves, so that every rule's cost stays bounded by its input
help--give-each-version-its-own-version = give each version of a rule set its own `version`
help--give-list-whose-elements = give it a list whose elements are lists, such as `[h.items for h in declaration.houses]`
help--give-them-value-declare = give them a value, or declare them optional (`Type?`) in the record
help--import-a-calendar = import one, for example `use stdlib.calendars.*`
help--import-the-type = import it with `use module.{"{"}Name{"}"}`
help--interpolate-values-message-fix = interpolate values in `message` and `fix`; write `\{"{"}` for a literal brace
help--items-start-beginning-line = items start at the beginning of a line with a keyword such as `rule`, `record` or `table`
help--its-fields-are = its fields are { $fields }
help--keep-one-clause = keep one `{ $keyword }` clause
help--list-never-absent-test-empty = a list is never absent; test `is empty` instead
help--match-exact-values-sets = match exact values, sets of values, or `*`
help--merge-two-rows-into = merge the two rows into one
help--module-names-must-be-unique = module names must be unique; rename one of the two
help--move-catch-all-row = move the catch-all row `*` to the end of the table
help--name-a-code-list = name a code list, such as `Country`
help--name-calendar-such-as = name a calendar, such as `cbsa_business_hours`
help--name-iana-time-zone = name an IANA time zone in quotes, such as `"Europe/Paris"`
help--name-iana-time-zone-2 = name an IANA time zone, such as `Europe/Paris` or `America/Toronto`
help--name-json-ndjson-csv = name a `.json`, `.ndjson` or `.csv` file
help--name-one-of-its-codes = name one of its codes: `{ $name }.CODE`
help--only-money-takes-one = only `Money` takes one: `Money[EUR]`
help--other-than-skips-element = `other than` skips the element `{ $other }` stands for; bind `{ $other }` with `for every { $other } in` the same collection
help--part-day-write-hours = for a part of a day, write hours: `36 hours`
help--patterns-use-syntax-rust = patterns use the syntax of the Rust `regex` crate
help--policy-first-write-more = with `policy first`, write the more specific row before the more general one
help--policy-unique-most-one = with `policy unique`, at most one row may match; narrow the patterns, or use `policy first`
help--quantities-different-kinds-never = quantities of different kinds never convert into each other
help--quantities-of-different-kinds-never-compare = quantities of different kinds never compare
help--rates-records-fields-from = rates are records with fields `from: Currency`, `to: Currency` and `rate: Decimal`, such as `stdlib.money.ExchangeRate`
help--record-literals-written-where = record literals are written where a record is expected, such as an example's `given`
help--remove-import-rename-local = remove the import, or rename the local definition
help--remove-match-exact-value = remove the `*` to match the exact value
help--remove-one-two = remove one of the two
help--remove-one-two-declarations = remove one of the two declarations
help--remove-one-two-entries = remove one of the two entries
help--remove-or-add-the-bracket = remove it, or add the bracket it should close
help--remove-otherwise-default = remove `otherwise` and its default
help--remove-start-name = remove it, or start its name with `_`
help--remove-test-empty-instead = remove the `?` and test `is empty` instead
help--rename-one-two-definitions = rename one of the two definitions
help--report-this-text = please report this text to the Clearance maintainers
help--result-s-currency-must = the result's currency must be known when the rules are checked
help--rule-sets-run-together = rule sets that run together read the same data; give the input the same type, or another name
help--split-file-two-remove = split the file in two, or remove this header
help--split-let-bindings-helper = split it with `let` bindings or helper functions
help--split-the-chain = split it with `let` bindings, or use `some`, `every` or `sum` over a list
help--start-file-module-my = start the file with `module my.module.name` or `ruleset my.rules.name`
help--start-file-ruleset-name = start the file with `ruleset name` and declare its `input`s
help--start-from-record-literal = start from a record literal or another fixture
help--still-open = the `{ $opener }` at byte { $offset } is still open; close it first
help--sums-take-numbers-money = sums take numbers, money, quantities or durations
help--take-calendar-date-date = take the calendar date of the date-time: `date(value)`
help--test-present-first-when = test `is present` first (in `when`, or with `and`), or write `value otherwise default`
help--the-categories-are = the categories (CAS-CAT-01) are { $categories }
help--two-exceptions-hold-once = two exceptions that hold at once are a conflict at run time; merge them
help--units-are = units are kg, g, t, l, m3, packages, hours, minutes, seconds, days, weeks, months, or an ISO 4217 currency
help--use-a-value-here = use a value here
help--use-between-numbers = use `between` for numbers
help--use-matching-texts = use `matching` for texts
help--write = write `.{ $field }`
help--write-a-severity = write `error`, `warning`, `info` or `action`
help--write-a-whole-number = write a whole number such as `{ $example }`
help--write-before-excludes-instant = write `{ $word }`: `before` excludes the instant itself, `on or before` includes it
help--write-days-from-monday = write days from Monday towards Sunday, and hours from opening to closing
help--write-field-name-after-dot = write the field or code, as in `declaration.items` or `TransportMode.sea`
help--write-field-names-bare = write field names bare: `missing(line, reference, packages)`
help--write-hours-as-08 = write hours as `08:00`; `24:00` is the end of the day
help--write-missing-line-reference = write `missing(line, reference, packages, gross_mass)`
help--write-number-text-code = write a number, a text, a code, a date or a quantity; compute values in the rule that calls the table
help--write-offset-2026-03 = write an offset (`2026-03-10T10:00:00+01:00`) or a zone (`2026-03-10T10:00:00[Europe/Paris]`)
help--write-one-pattern-per = write one pattern per parameter, `*` for any value
help--write-policy-first-policy = write `policy first`, `policy unique` or `policy collect`
help--write-records-type-const = write the records' type: `const { $name }: list of RecordName = data "{ $written }"`
help--write-regular-expression-quotes = write the regular expression in quotes: `matches(code, "^[0-9]{"{"}8{"}"}$")`
help--write-smaller-number-first = write the smaller number first
help--write-start-24-business = write `start + 24 business hours on calendar_name`
help--write-start-24-business-2 = write `start + 24 business hours on calendar_name`, where `start` is a `DateTime`
help--write-value-absent-value = write `value is absent` or `value is present`
help--write-value-after-operator = write the value it is compared with, as in `mode == sea` or `mode in waterborne_modes`
help--write-with-value = write the value the field takes in this example, as in `with declaration.incoterm = "FOB"`
hours-on-date--hours-cannot-added-date = hours cannot be added to a date, which has no time of day
incomparable-types--cannot-be-compared = `{ $lt }` and `{ $rt }` cannot be compared
incomparable-types--values-type-cannot-compared = values of type `{ $ty }` cannot be compared
invalid-data-path--has-such-part = a `{ $ty }` has no such part
invalid-literal--business-hours-use-whole = `{ $amount }` business hours: use a whole number
invalid-literal--calendar-days-months-whole = calendar days and months are whole numbers
invalid-literal--date-form-yyyy-mm = `{ $text }` is not a date of the form YYYY-MM-DD
invalid-literal--duration-must-whole-number = a duration must be a whole number of seconds
invalid-literal--has-second-60-date = `{ $shown }` has the second 60; a date-time's seconds run from 00 to 59
invalid-literal--has-time-day = `{ $shown }` has no time of day
invalid-literal--has-utc-offset-offsets = `{ $shown }` has the UTC offset { $offset }; offsets run from -23:59 to +23:59
invalid-literal--has-utc-offset-time = `{ $text }` has no UTC offset or time zone, so it does not name an instant
invalid-literal--is-not-a-time-zone = `{ $name }` is not a time zone of the IANA database
invalid-literal--is-not-a-valid-date = `{ $text }` is not a valid date
invalid-literal--is-not-a-valid-date-time = `{ $shown }` is not a valid date-time
invalid-literal--is-not-a-valid-time = `{ $text }` is not a valid time of day
invalid-literal--is-out-of-range = `{ $text }` is out of range
invalid-literal--names-unknown-time-zone = `{ $text }` names an unknown time zone { $name }
invalid-literal--quantity-too-large = this quantity is too large
invalid-literal--too-large-number = `{ $text }` is too large a number
invalid-literal--too-large-number-2 = `{ $amount }` is too large a number
invalid-literal--too-large-whole-number = `{ $text }` is too large a whole number
invalid-pattern--prefix-pattern-matches-texts = a prefix pattern matches texts, but this column is `{ $param }`
invalid-pattern--values-type-have-order = values of type `{ $param }` have no order to compare with `{ $op }`
invalid-pattern--values-type-have-order-2 = values of type `{ $param }` have no order for `between`
invalid-period--period-ends-before-starts = this period ends before it starts
invalid-period--these-opening-hours-end = these opening hours end before they start
invalid-regex--pattern-valid-regular-expression = this pattern is not a valid regular expression
inverted-range--lower-bound-above-upper = the lower bound is above the upper bound
label--add = add `{ $what }`
label--code-list = not a code list
label--collection = this collection
label--date-duration = `Date` and `Duration`
label--defined-there = not defined there
label--duplicate-patterns = duplicate patterns
label--duration-period = `Duration` and `Period`
label--earlier-row = the earlier row
label--expected-item-here = expected an item here
label--field = `{ $field }` is not a field of it
label--field-name-missing = a name is missing after this `.`
label--file-rule-set = this file is not a rule set
label--first-item-file = the first item of the file
label--here = here
label--imported-here = imported here
label--in = in `{ $a }`
label--invalid-date = invalid date
label--invalid-literal = invalid literal
label--invalid-time = invalid time
label--literal = not a literal
label--may-absent = may be absent
label--mismatched-bracket = mismatched bracket
label--money-any-currency = `Money` of any currency
label--never-closed = never closed
label--of-type = of type `{ $ty }`
label--operand-missing = a value is missing after this
label--overlapping-row = overlapping row
label--recursive = recursive
label--refers-back-alias = this refers back to the alias
label--regex-error = { $error }
label--result-every-input = a result for every input
label--row-comes-first = this row comes first
label--row-matches-everything = this row matches everything
label--same-condition = the same condition
label--second-clause = second clause
label--second-definition = second definition
label--shadowed-row = shadowed row
label--the-item-ends-here = the item ends here
label--this-is-in = this is in `{ $have }`
label--too-long = too long
label--unclosed-interpolation = unclosed interpolation
label--unexpected-here = unexpected here
label--unknown-calendar = unknown calendar
label--unknown-category = unknown category
label--unknown-code = unknown code
label--unknown-currency = unknown currency
label--unknown-field = unknown field
label--unknown-fixture = unknown fixture
label--unknown-function = unknown function
label--unknown-holidays = unknown holidays
label--unknown-module = unknown module
label--unknown-name = unknown name
label--unknown-policy = unknown policy
label--unknown-requirement = unknown requirement
label--unknown-rule = unknown rule
label--unknown-severity = unknown severity
label--unknown-source = unknown source
label--unknown-time-zone = unknown time zone
label--unknown-type = unknown type
label--unknown-unit = unknown unit
label--unmatched = unmatched
label--unreachable-row = unreachable row
label--value = not a value
label--with-value-missing = `= value` is missing
label--write-comparison-words = write the comparison in words
lens--example-fails = ✗ example fails: { $failure }
lens--example-passes = ✓ example passes
lens--examples-all-passed = { $count } examples: all passed
lens--examples-failed = { $count } examples: { $failed } failed
lens--examples-not-run = examples not run: { $problem }
lens--no-example = no example names this rule
lens--one-example-failed = 1 example: failed
lens--one-example-passed = 1 example: passed
maybe-absent--value-may-absent-type = this value may be absent (its type is `{ $ty }`)
misplaced-header--file-has-one-header = a file has one header, but this is a second `{ $kind }`
misplaced-interpolation--title-cannot-show-values = a title cannot show values
missing-field--lacks-required-fields = this `{ $path }` lacks required fields: { $list }
missing-header--file-does-start-ruleset = this file does not start with `ruleset` or `module`
missing-translation--text-has-version = this text has no `{ $code }` version
not-a-collection--empty-tests-lists-sets = `is empty` tests lists, sets and texts, not `{ $ty }`
not-a-collection--expected-list-set-found = expected a list or a set, found `{ $ty }`
not-a-date--compares-dates-date-times = `{ $op }` compares dates or date-times, not `{ $lt }` and `{ $rt }`
not-a-record--has-fields = a `{ $base_type }` has no fields
not-a-record--looks-into-record = `{ $function }` looks into a record, not a `{ $record_type }`
not-a-value--value = `{ $name }` is a { $kind }, not a value
not-constant--expected-name-field = expected the name of a field
not-constant--pattern-matches-must-written = the pattern of `matches` must be written out as a text
not-constant--table-pattern-must-literal = a table pattern must be a literal value
not-constant--target-currency-must-written = the target currency must be written as a code, such as `EUR`
not-constant--time-zone-must-written = the time zone must be written out as a text
not-negatable--cannot-negated = a `{ $ty }` cannot be negated
not-optional--field-never-absent-type = field `{ $field }` is never absent (its type is `{ $field_type }`)
not-optional--list-never-absent-missing = a list is never absent: missing data binds as an empty list
not-optional--reads-field-record-may = `?.` reads a field of a record that may be absent; this one is a `{ $base_type }`, always present
not-optional--value-never-absent-type = this value is never absent (its type is `{ $other }`), so `otherwise` never applies
not-optional--value-never-absent-type-2 = this value is never absent (its type is `{ $ty }`)
not-summable--cannot-add-up = `{ $aggregate }` cannot add up values of type `{ $value_type }`
other-than-mismatch--other-than-needs-range = `other than { $other }` needs `{ $other }` to range over the same collection
recursive-definition--calls-itself = `{ $key }` calls itself: { $cycle }
recursive-definition--constant-defined-in-terms-of-itself = constant `{ $name }` is defined in terms of itself
recursive-definition--constant-depends-itself = constant `{ $name }` depends on itself
recursive-definition--constant-depends-on-itself-through = constant `{ $name }` depends on itself, through { $through }
recursive-definition--fixture-built-from-itself = fixture `{ $name }` is built from itself
recursive-definition--type-defined-terms-itself = type `{ $name }` is defined in terms of itself
rename--code = `{ $name }` is a code: its name is what declarations and data files hold, so renaming it would change which values it matches
rename--document-not-open = this file is not open
rename--field-read-from-data-file = `{ $name }` cannot be renamed: `{ $record }` is read from data (the data file of `{ $constant }`): its fields are named by the data's keys
rename--field-read-from-input = `{ $name }` cannot be renamed: `{ $record }` is read from data (the input `{ $input }` of `{ $path }`): its fields are named by the data's keys
rename--field-read-from-inputs = `{ $name }` cannot be renamed: the inputs of a rule set are named by the data given to it
rename--field-taken = `{ $name }` is already a field of `{ $record }`: after the rename the record would have it twice
rename--file-outside-library = this file is not part of the rule library
rename--hidden-by-binding = `{ $name }` is bound in the item that uses `{ $old }` in `{ $path }`: there it would mean the binding
rename--not-a-name = `{ $name }` is not a name: a name is letters, digits and `_`, starting with a letter or `_`
rename--not-an-identifier = `{ $name }` is not a name: an identifier is letters, digits, `_` and single `-` between them, starting with a letter
rename--nothing-here = there is no name of an item, a field or a binding here to rename
rename--standard-library = `{ $name }` is defined in the standard library, which is read-only
rename--standard-library-field = `{ $name }` is a field of `{ $record }`, defined in the standard library, which is read-only
rename--taken-by-definition = `{ $name }` already names { $kind } `{ $name }` in `{ $path }`: after the rename `{ $name }` would mean two things
rename--taken-by-requirement = `{ $name }` already names a requirement of the catalogue: after the rename `{ $name }` would mean two things
rename--taken-by-rule = `{ $name }` already names a rule of this rule set: after the rename `{ $name }` would mean two things
rename--word-of-the-language = `{ $name }` is a word of the language
rename--written-in-item = `{ $name }` is already written in `{ $kind } { $item }`: after the rename it could mean two things
stray-text--text-part-any-item = this text is not part of any item
syntax-error--chain-too-long = this chain of `{ $operator }` has { $operands } operands, more than the { $limit } an expression may nest
syntax-error--closes-nothing = this `{ $closer }` closes nothing
syntax-error--does-not-close = `{ $closer }` does not close `{ $opener }`
syntax-error--ends-too-early = this item ends too early
syntax-error--ends-too-early-expected = this item ends too early: expected { $expected }
syntax-error--expected-found = expected { $expected }, found `{ $found }`
syntax-error--field-name-missing = a `.` must be followed by the name of a field or a code
syntax-error--grammar = { $message }
syntax-error--item-could-not-be-read = this item could not be read
syntax-error--never-closed = this `{ $opener }` is never closed
syntax-error--not-a-list-position = `{ $segment }` is not a list position
syntax-error--not-a-number-of-times = `{ $count }` is not a number of times
syntax-error--operand-missing = a comparison needs a value on its right
syntax-error--unclosed-interpolation = this `{"{"}` opens an interpolation that is never closed
syntax-error--unexpected = unexpected `{ $found }`
syntax-error--with-value-missing = a `with` gives a field a value: its `= value` is missing
table-not-exhaustive--table-returns-but-input = table `{ $name }` returns `{ $row_type }`, but an input that no row matches has no result
table-row-shadowed--row-never-applies-earlier = this row never applies: an earlier row matches every input it matches
table-row-unreachable--input-reaches-row-row = no input reaches this row: a row above matches every input
table-rows-overlap--row-earlier-one-can = this row and an earlier one can match the same input
table-rows-overlap--row-has-same-patterns = this row has the same patterns as an earlier one
too-deep--expression-nested-more-than = this expression is nested more than { $MAX_NESTING } levels deep
type-mismatch--expected-list-exchange-rates = expected a list of exchange rates, found `{ $rates_type }`
type-mismatch--flatten-joins-list-lists = `flatten` joins a list of lists, not a `{ $ty }`
unexpected-type-argument--takes-argument = `{ $name }` takes no `[...]` argument
unit-mismatch--cannot-combine = `{ $op }` cannot combine `{ $lt }` and `{ $rt }`
unit-mismatch--elapsed-time-calendar-days = elapsed time and calendar days do not add up
unit-mismatch--expected-found = expected `{ $expected }`, found `{ $actual }`
unknown-calendar--expected-name-calendar = expected the name of a calendar
unknown-calendar--there-calendar = there is no calendar `{ $calendar }`
unknown-category--alert-category = `{ $name }` is not an alert category
unknown-code--code = `{ $name }` is not a code of `{ $path }`
unknown-code--iso-4217-currency-code = `{ $target }` is not an ISO 4217 currency code
unknown-field--has-field = `{ $ty }` has no field `{ $field }`
unknown-fixture--rule-set-has-fixture = this rule set has no fixture `{ $name }`
unknown-function--there-function-table = there is no function or table `{ $function }`
unknown-holidays--there-list-holidays = there is no list of holidays `{ $name }`
unknown-import--module-has = module `{ $module }` has no `{ $name }`
unknown-module--there-module = there is no module `{ $module }`
unknown-name--there-here = there is no `{ $name }` here
unknown-policy--table-policy = `{ $other }` is not a table policy
unknown-requirement--requirements-catalogue = `{ $id }` is not in the requirements catalogue
unknown-rule--rule-set-has-rule = this rule set has no rule `{ $rule }`
unknown-severity--severity = `{ $other }` is not a severity
unknown-source--file-declares-source = this file declares no source `{ $source }`
unknown-source--rule-set-declares-source = this rule set declares no source `{ $source }`
unknown-type--second-argument-code-names = the second argument of `to_code` names a code list
unknown-type--there-type = there is no type `{ $name }`
unknown-unit--unit-currency = `{ $unit }` is not a unit or a currency
unordered-comparison--values-type-have-order = values of type `{ $ty }` have no order
untyped-record-literal--record-literal-needs-known = a record literal needs a known record type here
unused-let--never-used = `{ $binding }` is never used
wrong-argument-count--takes-record-names-fields = `{ $function }` takes a record and the names of its fields

## Counts: the plural form follows the number.

wrong-argument-count--takes = `{ $function }` takes { $expected ->
        [one] { $expected } argument
       *[other] { $expected } arguments
    }, but { $found ->
        [one] { $found } was
       *[other] { $found } were
    } given
label--arguments = { $count ->
        [one] { $count } argument
       *[other] { $count } arguments
    }
table-arity--row-has-patterns = this row has { $patterns ->
        [one] { $patterns } pattern
       *[other] { $patterns } patterns
    }, but the table has { $parameters ->
        [one] { $parameters } parameter
       *[other] { $parameters } parameters
    }

## Selections: the argument names which variant applies.

missing-clause--has-clause = this { $owner ->
        [calendar] calendar
        [requirement] requirement
        [ruleset] rule set
       *[rule] rule
    } has no `{ $what }` clause
example-outside-ruleset--belong-rule-set-file = { $what ->
        [fixtures] fixtures
       *[examples] examples
    } belong in a rule set file
