//! The JSON that `wasm-ref wast --json` and `wasm-ref run --json` print:
//! one object per line (RFC 8259), built field by field. Small enough to
//! write here rather than depend on a serialisation crate.

/// A JSON string literal for `s`, escaped as RFC 8259 section 7 requires.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON array of already encoded values.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("[{}]", items.join(","))
}

/// A JSON object under construction, its members in the order added.
#[derive(Default)]
pub struct Object {
    members: Vec<String>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// Adds a string member.
    pub fn str(self, key: &str, value: &str) -> Object {
        self.raw(key, string(value))
    }

    /// Adds a number member.
    pub fn num(self, key: &str, value: impl Into<u64>) -> Object {
        self.raw(key, value.into().to_string())
    }

    /// Adds a boolean member.
    pub fn bool(self, key: &str, value: bool) -> Object {
        self.raw(key, value.to_string())
    }

    /// Adds a member whose value is already JSON.
    pub fn raw(mut self, key: &str, json: String) -> Object {
        self.members.push(format!("{}:{json}", string(key)));
        self
    }

    /// The object's text.
    pub fn finish(self) -> String {
        format!("{{{}}}", self.members.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_builds() {
        assert_eq!(string("a\"b\\c\nd\u{1}"), r#""a\"b\\c\nd\u0001""#);
        let o = Object::new()
            .str("kind", "x")
            .num("line", 3u32)
            .bool("passed", true)
            .raw("args", array(["1".to_string(), "2".to_string()]))
            .finish();
        assert_eq!(o, r#"{"kind":"x","line":3,"passed":true,"args":[1,2]}"#);
    }
}
