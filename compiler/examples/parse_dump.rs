fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let file = clearance_compiler::syntax::parse_file(&text);
    for item in &file.items {
        println!("{:?} {:?} errors={:?}", item.kind, item.name, item.errors);
        if std::env::var("DUMP").is_ok() {
            println!("{:#?}", item.item);
        }
    }
}
