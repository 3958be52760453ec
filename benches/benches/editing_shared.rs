//! What the editing benchmarks share (in process and over stdio): the rule file they edit,
//! and how they report times.

use std::time::Duration;

/// A rule set of `rules` small rules with an example each: 14 lines a rule.
pub fn rule_file(rules: usize, edited: usize, amount: usize) -> String {
    let mut text = String::from(
        "ruleset bench.rules\n  title en \"Bench\" fr \"Banc d'essai\"\n  version \"1\"\n  source CAS \"C4T\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n",
    );
    for i in 0..rules {
        let bound = if i == edited { amount } else { i };
        text.push_str(&format!(
            "\nrule R-{i}\n  title en \"Rule {i}\" fr \"Règle {i}\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  for every item in declaration.items\n  when item.gross_mass is present and item.net_mass is present\n  require item.gross_mass >= item.net_mass + {bound} kg\n  message en \"item {{item.seq}}\" fr \"article {{item.seq}}\"\n\nexample \"rule {i} passes\"\n  given {{ declaration: {{ reference: \"R\", items: [{{ seq: 1, gross_mass: {} kg, net_mass: 1 kg }}] }} }}\n  expect R-{i} passes\n",
            i + 5
        ));
    }
    text
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |fraction: f64| times[((times.len() - 1) as f64 * fraction).round() as usize];
    (at(0.5), at(0.95))
}

pub fn report(what: &str, times: Vec<Duration>) {
    let (p50, p95) = percentiles(times);
    println!(
        "{what:<44} p50 {:>8.2} ms   p95 {:>8.2} ms",
        p50.as_secs_f64() * 1000.0,
        p95.as_secs_f64() * 1000.0
    );
}
