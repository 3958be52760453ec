# Les mots de chaque diagnostic, en français : un message par situation.
#
# Mêmes clés et mêmes arguments que `en.ftl` (un test le vérifie). Ce qui est entre
# accents graves est le texte de l'utilisateur ou un mot du langage : il ne se traduit pas.
# Vocabulaire : rule set = jeu de règles ; record = enregistrement ; code list = liste de
# codes ; fixture = donnée d'essai ; business time = temps ouvré ; date-time = date-heure.

absent-compared--absent-tested-absent-compared = `absent` se teste avec `is absent`, il ne se compare pas
ambiguous-deadline--dates-leaves-unsaid-whether = `{ $op }` sur des dates ne dit pas si l'échéance elle-même est dans les temps
action--add-requirement-to-catalogue = ajouter `{ $id }` au catalogue des exigences `{ $file }`
action--add-text = ajouter le texte `{ $code }`
action--replace-with = remplacer par `{ $candidate }`
action--test-present-in-when = tester que `{ $value }` est présent dans le `when` de la règle
action--test-present-with-and = tester d'abord que `{ $value }` est présent, avec `and`
branch-type-mismatch--branches-have-different-types = les branches n'ont pas le même type : `{ $then_type }` et `{ $otherwise_type }`
business-time-start--business-time-can-only = le temps ouvré ne s'ajoute qu'à une date-heure
conflicting-inputs--input-has-type-here = l'entrée `{ $name }` a le type `{ $ty }` ici, mais `{ $ty2 }` dans un autre jeu de règles
constraint-type-mismatch--between-constrains-numbers-but = `between` contraint des nombres, mais ce type est `{ $target }`
constraint-type-mismatch--matching-constrains-texts-but = `matching` contraint des textes, mais ce type est `{ $target }`
currency-mismatch--expected-money-found-money = un montant en `{ $want }` est attendu, mais celui-ci est en `{ $have }`
currency-mismatch--money-money-do-combine = un montant en `{ $a }` et un montant en `{ $b }` ne se combinent pas
currency-not-known--currency-money-only-known = la devise de ce montant n'est connue qu'à l'exécution
data-file-format--file-clearance-reads-data = `{ $written }` n'est pas un fichier dont Clearance lit les données
data-file-type--constant-reads-data-file = la constante `{ $name }` lit un fichier de données mais n'a pas de type
data-file-type--data-file-holds-list = un fichier de données contient une liste d'enregistrements, pas `{ $other }`
date-with-date-time--compares-date-date-time = `{ $op }` compare une date à une date-heure
duplicate-clause--rule-has-second-clause = cette règle a une seconde clause `{ $keyword }`
duplicate-definition--already-stands-code-list = `{ $alias }` désigne déjà un code de cette liste
duplicate-definition--code-listed-twice = le code `{ $name }` figure deux fois
duplicate-definition--defined-twice-file = `{ $key }` est défini deux fois dans ce fichier
duplicate-definition--imported-but-file-also = `{ $name }` est importé, mais ce fichier le définit aussi
duplicate-definition--input-declared-twice = l'entrée `{ $name }` est déclarée deux fois
duplicate-definition--listed-twice = { $date } figure deux fois
duplicate-definition--source-declared-twice = la source `{ $id }` est déclarée deux fois
duplicate-definition--two-codes-written-data = deux codes s'écrivent `{ $external }` dans les données
duplicate-field--field-declared-twice = le champ `{ $name }` est déclaré deux fois
duplicate-field--field-given-twice = le champ `{ $name }` est donné deux fois
duplicate-module--another-file-is-the-module = un autre fichier est déjà le module `{ $name }`
duplicate-module--another-file-is-the-rule-set = un autre fichier est déjà le jeu de règles `{ $name }`
empty-calendar--calendar-never-open-so = ce calendrier n'est jamais ouvert : le temps ouvré ne s'écoule donc jamais
example-outside-ruleset--rules-belong-rule-set = les règles ont leur place dans un fichier de jeu de règles
example-without-expectation--example-expects-nothing-so = cet exemple n'attend rien : il ne peut donc jamais échouer
exceptions-identical--two-exceptions-have-same = deux exceptions ont la même condition
expected--as-of = `as of`
expected--optional-mark = `?`
expected--before-after-on-before = `before`, `after`, `on or before` ou `on or after`
expected--built-in = `built in`
expected--category = `category`
expected--cites = `cites`
expected--closed-on = `closed on`
expected--code = un code
expected--comparison = une comparaison (`==`, `!=`, `<`, `<=`, `>`, `>=`)
expected--data-path-declaration-items = un chemin de données comme `declaration.items[0].gross_mass`
expected--date-2026-03-10 = une date comme `2026-03-10`
expected--date-time-2026-03 = une date-heure comme `2026-03-10T10:00:00+01:00`
expected--day-week-monday = un jour de la semaine comme `monday`
expected--effective = `effective`
expected--end-item = la fin de l'élément
expected--except-when = `except when`
expected--exempt-require = `exempt` ou `require`
expected--expect = `expect`
expected--expression = une expression
expected--fails-passes-does-not = `fails`, `passes`, `does not apply` ou `cannot be evaluated`
expected--field-gross-mass-mass = un champ comme `gross_mass: Mass`
expected--field-name = `.` et un nom de champ
expected--fix = `fix`
expected--for-every = `for every`
expected--given = `given`
expected--holiday-2026-01-01 = un jour férié comme `2026-01-01 en "New Year"`
expected--identifier-cas-mass-01 = un identifiant comme `CAS-MASS-01`
expected--implements = `implements`
expected--in = `in`
expected--input = `input`
expected--is-present-is-absent = `is present`, `is absent` ou `is empty`
expected--keyword = { $keyword }
expected--language-tag-en-fr = une langue (`en` ou `fr`) et un texte
expected--let = `let`
expected--matching-between = `matching` ou `between`
expected--message = `message`
expected--mod = `*`, `/` ou `mod`
expected--module-path-stdlib-customs = un chemin de module comme `stdlib.customs`
expected--name = un nom
expected--not-machine-checkable-because = `not machine checkable because`
expected--number = un nombre
expected--open = `open`
expected--parameter-list-code-tariccode = une liste de paramètres comme `(code: TaricCode)`
expected--plus-or-minus = `+` ou `-`
expected--policy = `policy`
expected--quantity-10-kg-22 = une quantité comme `10 kg` ou `22 EUR`
expected--record-field-value = un enregistrement comme `{"{"} field: value {"}"}`
expected--record-literal-fixture-name = un enregistrement littéral ou le nom d'une donnée d'essai
expected--require = `require`
expected--severity = `severity`
expected--source = `source`
expected--starred = `starred`
expected--table-pattern = un motif de table
expected--table-row-starting-with = une ligne de table commençant par `|`
expected--text-in-double-quotes = un texte entre guillemets droits
expected--time-08-00 = une heure comme `08:00`
expected--title = `title`
expected--type = un type
expected--version = `version`
expected--when = `when`
expected--with = `with`
expected--zone = `zone`
help--add-a-last-row = ajoutez une dernière ligne `| { $wildcards } => ...`, ou déclarez le résultat facultatif : `{ $row_type }?`
help--add-after-text = ajoutez `{ $code } "..."` après le texte `{ $other }`
help--add-calendar-days-date = ajoutez des jours calendaires à une date (`+ 1 day`), ou des heures à une date-heure
help--add-category-validation-violation = ajoutez `category validation_violation` à la règle, ou `default category validation_violation` au jeu de règles
help--add-expect-rule-id = ajoutez `expect RULE-ID fails`, `expect RULE-ID passes` ou `expect no findings`
help--add-it-to-the-catalogue = ajoutez-la d'abord au catalogue (`requirements.clr`)
help--add-opening-hours-open = ajoutez des heures d'ouverture : `open monday to friday from 08:00 to 17:00`
help--add-severity-error-rule = ajoutez `severity error` à la règle, ou `default severity error` au jeu de règles
help--add-the-closer = ajoutez `{ $closer }` là où le groupe se termine
help--alias-must-end-record = un alias doit aboutir à un enregistrement, une liste de codes ou un type du langage
help--both-sides-same-type = les deux côtés doivent avoir le même type
help--business-time-counts-whole = le temps ouvré se compte en heures entières ou en jours entiers
help--calendar-day-always-24 = un jour calendaire ne dure pas toujours 24 heures (heure d'été) ; écrivez les deux en heures, ou les deux en jours
help--call-it = appelez-la : `{ $name }(...)`
help--character-has-no-meaning = ce caractère n'a pas de sens en Clearance ; supprimez-le
help--close-the-interpolation = fermez-la par `{"}"}`, ou écrivez `\{"{"}` pour une accolade
help--close-the-text = fermez le texte par `"` sur la même ligne
help--combine-the-conditions = combinez les conditions avec `and` dans un seul `{ $keyword }`
help--compare-numbers-money-quantities = comparez nombres, montants et quantités avec `<`, `<=`, `>` ou `>=`
help--compare-them = comparez-les avec `==` ou `!=`
help--constant-must-computable-from = une constante doit se calculer à partir de valeurs qui ne renvoient pas à elle
help--constants-must-computable-without = les constantes doivent se calculer sans renvoyer à elles-mêmes
help--convert-currency-first-convert = convertissez-le d'abord dans une devise : `convert(value, EUR, rates)`, ou déclarez le champ `Money[EUR]`
help--convert-explicitly-convert-value = convertissez-le explicitement : `convert(value, { $want }, rates)`
help--convert-one-side-explicitly = convertissez explicitement l'un des deux côtés : `convert(value, { $a }, rates)`
help--data-path-names-fields = un chemin de données nomme des champs (`.name`) d'enregistrements et des positions (`[0]`) de listes
help--declare-optional-type-if = déclarez-le facultatif (`Type?`) si les données peuvent l'omettre, ou retirez-le
help--declare-records-type-const = déclarez le type des enregistrements : `const { $name }: list of RecordName = data "{ $written }"`
help--declare-the-field-optional = déclarez le champ facultatif (`Type?`) si les données peuvent l'omettre
help--declare-the-source = déclarez-la dans l'en-tête : `source { $source } "titre du document"`
help--define-the-fixture = définissez-la : `fixture { $name } = {"{"} ... {"}"}`
help--did-you-mean = vouliez-vous dire `{ $candidate }` ?
help--each-code-needs-own = chaque code a besoin de sa propre valeur dans les données
help--each-spelling-data-names = chaque graphie des données désigne un seul code : supprimez celle-ci
help--effective-from-until-b = `effective from A until B` exige A au plus tard B ; les deux jours sont inclus
help--example = par exemple : `{ $example }`
help--examples-fixtures-build-inputs = les exemples et les données d'essai construisent les entrées qu'un `ruleset` déclare
help--expected-one-of = attendu : l'un de { $expected }{ $more }
help--functions-tables-may-call = les fonctions et les tables ne peuvent pas s'appeler elles-mêmes : le coût de chaque règle reste ainsi borné par ses données
help--give-each-version-its-own-version = donnez à chaque version d'un jeu de règles sa propre `version`
help--give-list-whose-elements = donnez-lui une liste dont les éléments sont des listes, comme `[h.items for h in declaration.houses]`
help--give-them-value-declare = donnez-leur une valeur, ou déclarez-les facultatifs (`Type?`) dans l'enregistrement
help--import-a-calendar = importez-en un, par exemple `use stdlib.calendars.*`
help--import-the-type = importez-le avec `use module.{"{"}Name{"}"}`
help--interpolate-values-message-fix = les valeurs s'interpolent dans `message` et `fix` ; écrivez `\{"{"}` pour une accolade littérale
help--items-start-beginning-line = les éléments commencent en début de ligne par un mot-clé comme `rule`, `record` ou `table`
help--its-fields-are = ses champs sont { $fields }
help--keep-one-clause = gardez une seule clause `{ $keyword }`
help--list-never-absent-test-empty = une liste n'est jamais absente ; testez plutôt `is empty`
help--match-exact-values-sets = filtrez des valeurs exactes, des ensembles de valeurs, ou `*`
help--merge-two-rows-into = fusionnez les deux lignes en une seule
help--module-names-must-be-unique = les noms de module doivent être uniques ; renommez l'un des deux
help--move-catch-all-row = déplacez la ligne fourre-tout `*` à la fin de la table
help--name-a-code-list = nommez une liste de codes, comme `Country`
help--name-calendar-such-as = nommez un calendrier, comme `cbsa_business_hours`
help--name-iana-time-zone = nommez un fuseau horaire IANA entre guillemets, comme `"Europe/Paris"`
help--name-iana-time-zone-2 = nommez un fuseau horaire IANA, comme `Europe/Paris` ou `America/Toronto`
help--name-json-ndjson-csv = nommez un fichier `.json`, `.ndjson` ou `.csv`
help--name-one-of-its-codes = nommez l'un de ses codes : `{ $name }.CODE`
help--only-money-takes-one = seul `Money` en prend un : `Money[EUR]`
help--other-than-skips-element = `other than` saute l'élément que `{ $other }` désigne ; liez `{ $other }` par `for every { $other } in` sur la même collection
help--part-day-write-hours = pour une partie de journée, écrivez des heures : `36 hours`
help--patterns-use-syntax-rust = les motifs suivent la syntaxe de la bibliothèque Rust `regex`
help--policy-first-write-more = avec `policy first`, écrivez la ligne la plus précise avant la plus générale
help--policy-unique-most-one = avec `policy unique`, une ligne au plus peut correspondre ; resserrez les motifs, ou utilisez `policy first`
help--quantities-different-kinds-never = des quantités de natures différentes ne se convertissent jamais l'une en l'autre
help--quantities-of-different-kinds-never-compare = des quantités de natures différentes ne se comparent jamais
help--rates-records-fields-from = les taux sont des enregistrements aux champs `from: Currency`, `to: Currency` et `rate: Decimal`, comme `stdlib.money.ExchangeRate`
help--record-literals-written-where = les enregistrements littéraux s'écrivent là où un enregistrement est attendu, comme le `given` d'un exemple
help--remove-import-rename-local = supprimez l'import, ou renommez la définition locale
help--remove-match-exact-value = supprimez le `*` pour filtrer la valeur exacte
help--remove-one-two = supprimez l'un des deux
help--remove-one-two-declarations = supprimez l'une des deux déclarations
help--remove-one-two-entries = supprimez l'une des deux entrées
help--remove-or-add-the-bracket = supprimez-le, ou ajoutez le délimiteur qu'il devrait fermer
help--remove-otherwise-default = supprimez `otherwise` et sa valeur par défaut
help--remove-start-name = supprimez-le, ou commencez son nom par `_`
help--remove-test-empty-instead = supprimez le `?` et testez plutôt `is empty`
help--rename-one-two-definitions = renommez l'une des deux définitions
help--report-this-text = merci de signaler ce texte aux mainteneurs de Clearance
help--result-s-currency-must = la devise du résultat doit être connue lors de la vérification des règles
help--rule-sets-run-together = les jeux de règles exécutés ensemble lisent les mêmes données ; donnez à l'entrée le même type, ou un autre nom
help--split-file-two-remove = coupez le fichier en deux, ou supprimez cet en-tête
help--split-let-bindings-helper = découpez-la avec des `let` ou des fonctions auxiliaires
help--split-the-chain = découpez-la avec des `let`, ou utilisez `some`, `every` ou `sum` sur une liste
help--start-file-module-my = commencez le fichier par `module my.module.name` ou `ruleset my.rules.name`
help--start-file-ruleset-name = commencez le fichier par `ruleset name` et déclarez ses `input`
help--start-from-record-literal = partez d'un enregistrement littéral ou d'une autre donnée d'essai
help--still-open = le `{ $opener }` à l'octet { $offset } est encore ouvert ; fermez-le d'abord
help--sums-take-numbers-money = les sommes portent sur des nombres, des montants, des quantités ou des durées
help--take-calendar-date-date = prenez la date calendaire de la date-heure : `date(value)`
help--test-present-first-when = testez d'abord `is present` (dans `when`, ou avec `and`), ou écrivez `value otherwise default`
help--the-categories-are = les catégories (CAS-CAT-01) sont { $categories }
help--two-exceptions-hold-once = deux exceptions vraies en même temps sont un conflit à l'exécution ; fusionnez-les
help--units-are = les unités sont kg, g, t, l, m3, packages, hours, minutes, seconds, days, weeks, months, ou une devise ISO 4217
help--use-a-value-here = mettez une valeur ici
help--use-between-numbers = utilisez `between` pour les nombres
help--use-matching-texts = utilisez `matching` pour les textes
help--write = écrivez `.{ $field }`
help--write-a-severity = écrivez `error`, `warning`, `info` ou `action`
help--write-a-whole-number = écrivez un nombre entier comme `{ $example }`
help--write-before-excludes-instant = écrivez `{ $word }` : `before` exclut l'instant lui-même, `on or before` l'inclut
help--write-days-from-monday = écrivez les jours du lundi vers le dimanche, et les heures de l'ouverture à la fermeture
help--write-field-name-after-dot = écrivez le champ ou le code, comme dans `declaration.items` ou `TransportMode.sea`
help--write-field-names-bare = écrivez les noms de champ seuls : `missing(line, reference, packages)`
help--write-hours-as-08 = écrivez les heures sous la forme `08:00` ; `24:00` est la fin de la journée
help--write-missing-line-reference = écrivez `missing(line, reference, packages, gross_mass)`
help--write-number-text-code = écrivez un nombre, un texte, un code, une date ou une quantité ; calculez les valeurs dans la règle qui appelle la table
help--write-offset-2026-03 = écrivez un décalage (`2026-03-10T10:00:00+01:00`) ou un fuseau (`2026-03-10T10:00:00[Europe/Paris]`)
help--write-one-pattern-per = écrivez un motif par paramètre, `*` pour n'importe quelle valeur
help--write-policy-first-policy = écrivez `policy first`, `policy unique` ou `policy collect`
help--write-records-type-const = écrivez le type des enregistrements : `const { $name }: list of RecordName = data "{ $written }"`
help--write-regular-expression-quotes = écrivez l'expression régulière entre guillemets : `matches(code, "^[0-9]{"{"}8{"}"}$")`
help--write-smaller-number-first = écrivez d'abord le plus petit nombre
help--write-start-24-business = écrivez `start + 24 business hours on calendar_name`
help--write-start-24-business-2 = écrivez `start + 24 business hours on calendar_name`, où `start` est une `DateTime`
help--write-value-absent-value = écrivez `value is absent` ou `value is present`
help--write-value-after-operator = écrivez la valeur comparée, comme dans `mode == sea` ou `mode in waterborne_modes`
help--write-with-value = écrivez la valeur que prend le champ dans cet exemple, comme dans `with declaration.incoterm = "FOB"`
hours-on-date--hours-cannot-added-date = des heures ne s'ajoutent pas à une date, qui n'a pas d'heure du jour
incomparable-types--cannot-be-compared = `{ $lt }` et `{ $rt }` ne se comparent pas
incomparable-types--values-type-cannot-compared = les valeurs de type `{ $ty }` ne se comparent pas
invalid-data-path--has-such-part = un `{ $ty }` n'a pas une telle partie
invalid-literal--business-hours-use-whole = `{ $amount }` heures ouvrées : utilisez un nombre entier
invalid-literal--calendar-days-months-whole = les jours et les mois calendaires sont des nombres entiers
invalid-literal--date-form-yyyy-mm = `{ $text }` n'est pas une date de la forme AAAA-MM-JJ
invalid-literal--duration-must-whole-number = une durée doit être un nombre entier de secondes
invalid-literal--has-second-60-date = `{ $shown }` a la seconde 60 ; les secondes d'une date-heure vont de 00 à 59
invalid-literal--has-time-day = `{ $shown }` n'a pas d'heure du jour
invalid-literal--has-utc-offset-offsets = `{ $shown }` a le décalage UTC { $offset } ; les décalages vont de -23:59 à +23:59
invalid-literal--has-utc-offset-time = `{ $text }` n'a ni décalage UTC ni fuseau horaire : il ne désigne donc pas un instant
invalid-literal--is-not-a-time-zone = `{ $name }` n'est pas un fuseau horaire de la base IANA
invalid-literal--is-not-a-valid-date = `{ $text }` n'est pas une date valide
invalid-literal--is-not-a-valid-date-time = `{ $shown }` n'est pas une date-heure valide
invalid-literal--is-not-a-valid-time = `{ $text }` n'est pas une heure du jour valide
invalid-literal--is-out-of-range = `{ $text }` est hors limites
invalid-literal--names-unknown-time-zone = `{ $text }` nomme un fuseau horaire inconnu, { $name }
invalid-literal--quantity-too-large = cette quantité est trop grande
invalid-literal--too-large-number = `{ $text }` est un nombre trop grand
invalid-literal--too-large-number-2 = `{ $amount }` est un nombre trop grand
invalid-literal--too-large-whole-number = `{ $text }` est un nombre entier trop grand
invalid-pattern--prefix-pattern-matches-texts = un motif de préfixe filtre des textes, mais cette colonne est `{ $param }`
invalid-pattern--values-type-have-order = les valeurs de type `{ $param }` n'ont pas d'ordre pour une comparaison avec `{ $op }`
invalid-pattern--values-type-have-order-2 = les valeurs de type `{ $param }` n'ont pas d'ordre pour `between`
invalid-period--period-ends-before-starts = cette période finit avant de commencer
invalid-period--these-opening-hours-end = ces heures d'ouverture finissent avant de commencer
invalid-regex--pattern-valid-regular-expression = ce motif n'est pas une expression régulière valide
inverted-range--lower-bound-above-upper = la borne inférieure dépasse la borne supérieure
label--add = ajoutez `{ $what }`
label--code-list = pas une liste de codes
label--collection = cette collection
label--date-duration = `Date` et `Duration`
label--defined-there = non défini là
label--duplicate-patterns = motifs en double
label--duration-period = `Duration` et `Period`
label--earlier-row = la ligne précédente
label--expected-item-here = un élément est attendu ici
label--field = `{ $field }` n'en est pas un champ
label--field-name-missing = il manque un nom après ce `.`
label--file-rule-set = ce fichier n'est pas un jeu de règles
label--first-item-file = le premier élément du fichier
label--here = ici
label--imported-here = importé ici
label--in = en `{ $a }`
label--invalid-date = date invalide
label--invalid-literal = littéral invalide
label--invalid-time = heure invalide
label--literal = pas un littéral
label--may-absent = peut être absent
label--mismatched-bracket = délimiteur mal apparié
label--money-any-currency = `Money` de devise quelconque
label--never-closed = jamais fermé
label--of-type = de type `{ $ty }`
label--operand-missing = il manque une valeur après ceci
label--overlapping-row = ligne qui chevauche
label--recursive = récursif
label--refers-back-alias = ceci renvoie à l'alias
label--regex-error = { $error }
label--result-every-input = un résultat pour chaque entrée
label--row-comes-first = cette ligne vient en premier
label--row-matches-everything = cette ligne filtre tout
label--same-condition = la même condition
label--second-clause = seconde clause
label--second-definition = seconde définition
label--shadowed-row = ligne masquée
label--the-item-ends-here = l'élément se termine ici
label--this-is-in = celui-ci est en `{ $have }`
label--too-long = trop longue
label--unclosed-interpolation = interpolation non fermée
label--unexpected-here = inattendu ici
label--unknown-calendar = calendrier inconnu
label--unknown-category = catégorie inconnue
label--unknown-code = code inconnu
label--unknown-currency = devise inconnue
label--unknown-field = champ inconnu
label--unknown-fixture = donnée d'essai inconnue
label--unknown-function = fonction inconnue
label--unknown-holidays = jours fériés inconnus
label--unknown-module = module inconnu
label--unknown-name = nom inconnu
label--unknown-policy = politique inconnue
label--unknown-requirement = exigence inconnue
label--unknown-rule = règle inconnue
label--unknown-severity = gravité inconnue
label--unknown-source = source inconnue
label--unknown-time-zone = fuseau horaire inconnu
label--unknown-type = type inconnu
label--unknown-unit = unité inconnue
label--unmatched = sans correspondant
label--unreachable-row = ligne inaccessible
label--value = pas une valeur
label--with-value-missing = il manque `= valeur`
label--write-comparison-words = écrivez la comparaison en toutes lettres
lens--example-fails = ✗ l'exemple échoue : { $failure }
lens--example-passes = ✓ l'exemple passe
lens--examples-all-passed = { $count } exemples : tous réussis
lens--examples-failed = { $count } exemples : { $failed } en échec
lens--examples-not-run = exemples non exécutés : { $problem }
lens--no-example = aucun exemple ne nomme cette règle
lens--one-example-failed = 1 exemple : en échec
lens--one-example-passed = 1 exemple : réussi
maybe-absent--value-may-absent-type = cette valeur peut être absente (son type est `{ $ty }`)
misplaced-header--file-has-one-header = un fichier a un seul en-tête, mais ceci est un second `{ $kind }`
misplaced-interpolation--title-cannot-show-values = un titre ne peut pas afficher de valeurs
missing-field--lacks-required-fields = ce `{ $path }` n'a pas les champs obligatoires : { $list }
missing-header--file-does-start-ruleset = ce fichier ne commence ni par `ruleset` ni par `module`
missing-translation--text-has-version = ce texte n'a pas de version `{ $code }`
not-a-collection--empty-tests-lists-sets = `is empty` teste des listes, des ensembles et des textes, pas `{ $ty }`
not-a-collection--expected-list-set-found = une liste ou un ensemble est attendu, mais ceci est `{ $ty }`
not-a-date--compares-dates-date-times = `{ $op }` compare des dates ou des dates-heures, pas `{ $lt }` et `{ $rt }`
not-a-record--has-fields = un `{ $base_type }` n'a pas de champs
not-a-record--looks-into-record = `{ $function }` lit un enregistrement, pas un `{ $record_type }`
not-a-value--value = `{ $name }` est un élément `{ $kind }`, pas une valeur
not-constant--expected-name-field = le nom d'un champ est attendu
not-constant--pattern-matches-must-written = le motif de `matches` doit être écrit en toutes lettres, comme texte
not-constant--table-pattern-must-literal = un motif de table doit être une valeur littérale
not-constant--target-currency-must-written = la devise cible doit s'écrire comme un code, par exemple `EUR`
not-constant--time-zone-must-written = le fuseau horaire doit être écrit en toutes lettres, comme texte
not-negatable--cannot-negated = un `{ $ty }` ne peut pas être rendu négatif
not-optional--field-never-absent-type = le champ `{ $field }` n'est jamais absent (son type est `{ $field_type }`)
not-optional--list-never-absent-missing = une liste n'est jamais absente : des données manquantes donnent une liste vide
not-optional--reads-field-record-may = `?.` lit un champ d'un enregistrement qui peut être absent ; celui-ci est un `{ $base_type }`, toujours présent
not-optional--value-never-absent-type = cette valeur n'est jamais absente (son type est `{ $other }`) : `otherwise` ne s'applique donc jamais
not-optional--value-never-absent-type-2 = cette valeur n'est jamais absente (son type est `{ $ty }`)
not-summable--cannot-add-up = `{ $aggregate }` ne peut pas additionner des valeurs de type `{ $value_type }`
other-than-mismatch--other-than-needs-range = `other than { $other }` exige que `{ $other }` parcoure la même collection
recursive-definition--calls-itself = `{ $key }` s'appelle lui-même : { $cycle }
recursive-definition--constant-defined-in-terms-of-itself = la constante `{ $name }` est définie à partir d'elle-même
recursive-definition--constant-depends-itself = la constante `{ $name }` dépend d'elle-même
recursive-definition--constant-depends-on-itself-through = la constante `{ $name }` dépend d'elle-même, par { $through }
recursive-definition--fixture-built-from-itself = la donnée d'essai `{ $name }` est construite à partir d'elle-même
recursive-definition--type-defined-terms-itself = le type `{ $name }` est défini à partir de lui-même
rename--code = `{ $name }` est un code : son nom est ce que portent les déclarations et les fichiers de données, le renommer changerait les valeurs qu'il désigne
rename--document-not-open = ce fichier n'est pas ouvert
rename--field-read-from-data-file = `{ $name }` ne peut pas être renommé : `{ $record }` est lu dans des données (le fichier de données de `{ $constant }`) : ses champs sont nommés par les clés des données
rename--field-read-from-input = `{ $name }` ne peut pas être renommé : `{ $record }` est lu dans des données (l'entrée `{ $input }` de `{ $path }`) : ses champs sont nommés par les clés des données
rename--field-read-from-inputs = `{ $name }` ne peut pas être renommé : les entrées d'un jeu de règles sont nommées par les données qu'il reçoit
rename--field-taken = `{ $name }` est déjà un champ de `{ $record }` : après le renommage, l'enregistrement l'aurait deux fois
rename--file-outside-library = ce fichier ne fait pas partie de la bibliothèque de règles
rename--hidden-by-binding = `{ $name }` est lié dans l'élément qui utilise `{ $old }` dans `{ $path }` : là, il désignerait la liaison
rename--not-a-name = `{ $name }` n'est pas un nom : un nom se compose de lettres, de chiffres et de `_`, et commence par une lettre ou `_`
rename--not-an-identifier = `{ $name }` n'est pas un nom : un identifiant se compose de lettres, de chiffres, de `_` et de `-` isolés entre eux, et commence par une lettre
rename--nothing-here = il n'y a ici aucun nom d'élément, de champ ou de liaison à renommer
rename--standard-library = `{ $name }` est défini dans la bibliothèque standard, qui est en lecture seule
rename--standard-library-field = `{ $name }` est un champ de `{ $record }`, défini dans la bibliothèque standard, qui est en lecture seule
rename--taken-by-definition = `{ $name }` nomme déjà { $kind } `{ $name }` dans `{ $path }` : après le renommage, `{ $name }` voudrait dire deux choses
rename--taken-by-requirement = `{ $name }` nomme déjà une exigence du catalogue : après le renommage, `{ $name }` voudrait dire deux choses
rename--taken-by-rule = `{ $name }` nomme déjà une règle de ce jeu de règles : après le renommage, `{ $name }` voudrait dire deux choses
rename--word-of-the-language = `{ $name }` est un mot du langage
rename--written-in-item = `{ $name }` est déjà écrit dans `{ $kind } { $item }` : après le renommage, il pourrait vouloir dire deux choses
stray-text--text-part-any-item = ce texte n'appartient à aucun élément
syntax-error--chain-too-long = cette chaîne de `{ $operator }` a { $operands } opérandes, plus que les { $limit } niveaux qu'une expression peut imbriquer
syntax-error--closes-nothing = ce `{ $closer }` ne ferme rien
syntax-error--does-not-close = `{ $closer }` ne ferme pas `{ $opener }`
syntax-error--ends-too-early = cet élément se termine trop tôt
syntax-error--ends-too-early-expected = cet élément se termine trop tôt : attendu { $expected }
syntax-error--expected-found = attendu { $expected }, trouvé `{ $found }`
syntax-error--field-name-missing = un `.` doit être suivi du nom d'un champ ou d'un code
syntax-error--grammar = { $message }
syntax-error--item-could-not-be-read = cet élément n'a pas pu être lu
syntax-error--never-closed = ce `{ $opener }` n'est jamais fermé
syntax-error--not-a-list-position = `{ $segment }` n'est pas une position dans une liste
syntax-error--not-a-number-of-times = `{ $count }` n'est pas un nombre de fois
syntax-error--operand-missing = une comparaison demande une valeur à sa droite
syntax-error--unclosed-interpolation = ce `{"{"}` ouvre une interpolation qui n'est jamais fermée
syntax-error--unexpected = `{ $found }` inattendu
syntax-error--with-value-missing = un `with` donne une valeur à un champ : il manque son `= valeur`
table-not-exhaustive--table-returns-but-input = la table `{ $name }` renvoie `{ $row_type }`, mais une entrée qu'aucune ligne ne filtre n'a pas de résultat
table-row-shadowed--row-never-applies-earlier = cette ligne ne s'applique jamais : une ligne précédente filtre toutes les entrées qu'elle filtre
table-row-unreachable--input-reaches-row-row = aucune entrée n'atteint cette ligne : une ligne au-dessus filtre toutes les entrées
table-rows-overlap--row-earlier-one-can = cette ligne et une précédente peuvent filtrer la même entrée
table-rows-overlap--row-has-same-patterns = cette ligne a les mêmes motifs qu'une précédente
too-deep--expression-nested-more-than = cette expression est imbriquée sur plus de { $MAX_NESTING } niveaux
type-mismatch--expected-list-exchange-rates = une liste de taux de change est attendue, mais ceci est `{ $rates_type }`
type-mismatch--flatten-joins-list-lists = `flatten` joint une liste de listes, pas un `{ $ty }`
unexpected-type-argument--takes-argument = `{ $name }` ne prend pas d'argument `[...]`
unit-mismatch--cannot-combine = `{ $op }` ne combine pas `{ $lt }` et `{ $rt }`
unit-mismatch--elapsed-time-calendar-days = le temps écoulé et les jours calendaires ne s'additionnent pas
unit-mismatch--expected-found = `{ $expected }` est attendu, mais ceci est `{ $actual }`
unknown-calendar--expected-name-calendar = le nom d'un calendrier est attendu
unknown-calendar--there-calendar = il n'y a pas de calendrier `{ $calendar }`
unknown-category--alert-category = `{ $name }` n'est pas une catégorie d'alerte
unknown-code--code = `{ $name }` n'est pas un code de `{ $path }`
unknown-code--iso-4217-currency-code = `{ $target }` n'est pas un code de devise ISO 4217
unknown-field--has-field = `{ $ty }` n'a pas de champ `{ $field }`
unknown-fixture--rule-set-has-fixture = ce jeu de règles n'a pas de donnée d'essai `{ $name }`
unknown-function--there-function-table = il n'y a pas de fonction ni de table `{ $function }`
unknown-holidays--there-list-holidays = il n'y a pas de liste de jours fériés `{ $name }`
unknown-import--module-has = le module `{ $module }` n'a pas de `{ $name }`
unknown-module--there-module = il n'y a pas de module `{ $module }`
unknown-name--there-here = il n'y a pas de `{ $name }` ici
unknown-policy--table-policy = `{ $other }` n'est pas une politique de table
unknown-requirement--requirements-catalogue = `{ $id }` n'est pas dans le catalogue des exigences
unknown-rule--rule-set-has-rule = ce jeu de règles n'a pas de règle `{ $rule }`
unknown-severity--severity = `{ $other }` n'est pas une gravité
unknown-source--file-declares-source = ce fichier ne déclare pas de source `{ $source }`
unknown-source--rule-set-declares-source = ce jeu de règles ne déclare pas de source `{ $source }`
unknown-type--second-argument-code-names = le second argument de `to_code` nomme une liste de codes
unknown-type--there-type = il n'y a pas de type `{ $name }`
unknown-unit--unit-currency = `{ $unit }` n'est ni une unité ni une devise
unordered-comparison--values-type-have-order = les valeurs de type `{ $ty }` n'ont pas d'ordre
untyped-record-literal--record-literal-needs-known = un enregistrement littéral a besoin ici d'un type d'enregistrement connu
unused-let--never-used = `{ $binding }` n'est jamais utilisé
wrong-argument-count--takes-record-names-fields = `{ $function }` prend un enregistrement et les noms de ses champs

## Nombres : la forme du pluriel suit le nombre.

wrong-argument-count--takes = `{ $function }` prend { $expected ->
        [one] { $expected } argument
       *[other] { $expected } arguments
    }, mais { $found ->
        [one] { $found } a été donné
       *[other] { $found } ont été donnés
    }
label--arguments = { $count ->
        [one] { $count } argument
       *[other] { $count } arguments
    }
table-arity--row-has-patterns = cette ligne a { $patterns ->
        [one] { $patterns } motif
       *[other] { $patterns } motifs
    }, mais la table a { $parameters ->
        [one] { $parameters } paramètre
       *[other] { $parameters } paramètres
    }

## Choix : l'argument dit quelle variante s'applique.

missing-clause--has-clause = { $owner ->
        [calendar] ce calendrier n'a
        [requirement] cette exigence n'a
        [ruleset] ce jeu de règles n'a
       *[rule] cette règle n'a
    } pas de clause `{ $what }`
example-outside-ruleset--belong-rule-set-file = { $what ->
        [fixtures] les données d'essai ont
       *[examples] les exemples ont
    } leur place dans un fichier de jeu de règles
