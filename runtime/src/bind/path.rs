//! Where a value is in a record, built as the binder descends and written out only when a
//! problem is reported there: binding a record that has none formats no path.

use std::fmt;

#[derive(Clone, Copy, Debug)]
pub enum DataPath<'a> {
    /// The record itself.
    Root,
    /// A field, or an input at the top of a record.
    Field(&'a DataPath<'a>, &'a str),
    /// An element of a list.
    Index(&'a DataPath<'a>, usize),
}

impl<'a> DataPath<'a> {
    /// The path of an input, or of a field at the top of a record.
    pub fn top(name: &'a str) -> DataPath<'a> {
        DataPath::Field(&DataPath::Root, name)
    }

    pub fn field<'b>(&'b self, name: &'b str) -> DataPath<'b> {
        DataPath::Field(self, name)
    }

    pub fn index(&self, index: usize) -> DataPath<'_> {
        DataPath::Index(self, index)
    }
}

impl fmt::Display for DataPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataPath::Root => Ok(()),
            DataPath::Field(DataPath::Root, name) => f.write_str(name),
            DataPath::Field(base, name) => write!(f, "{base}.{name}"),
            DataPath::Index(base, index) => write!(f, "{base}[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_json_paths() {
        let root = DataPath::Root;
        let declaration = DataPath::top("declaration");
        let items = declaration.field("items");
        let item = items.index(3);
        assert_eq!(
            item.field("net_mass").to_string(),
            "declaration.items[3].net_mass"
        );
        assert_eq!(root.index(2).field("a").to_string(), "[2].a");
        assert_eq!(root.to_string(), "");
    }
}
