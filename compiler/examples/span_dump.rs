fn main() {
    let text = "rule X\n  title en \"abc\"\n  severity error\n  require {C640, N853}\n  message en \"x\"\n";
    let parse = clearance_compiler::syntax::parse_item(
        text,
        clearance_compiler::syntax::ast::ItemKind::Rule,
    );
    if let clearance_compiler::syntax::ast::ItemData::Rule(rule) = &parse.item.data {
        for clause in &rule.clauses {
            println!(
                "{:?} {:?}",
                &text[clause.span.range()],
                clause.kind.keyword()
            );
            if let clearance_compiler::syntax::ast::RuleClauseKind::Require(e) = &clause.kind {
                println!("expr {:?}", &text[e.span.range()]);
            }
            if let clearance_compiler::syntax::ast::RuleClauseKind::Title(t) = &clause.kind {
                println!("texts {:?}", &text[t.span.range()]);
            }
        }
    }
}
