//! A small JSON reader for test fixtures shared with the VM tests (std has none).
//! Numbers keep their text, so 64-bit values survive (write big ones as strings or
//! plain integers; both read with [`Json::int`]).

use std::prelude::rust_2024::*;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, as written.
    Num(String),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, in the order written.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Parses `text`; panics with the byte offset on malformed input (it is test data).
    pub fn parse(text: &str) -> Json {
        super::state::install_hook();
        let b = text.as_bytes();
        let mut i = 0;
        let v = value(b, &mut i);
        ws(b, &mut i);
        assert!(i == b.len(), "fixture JSON: trailing data at byte {i}");
        v
    }

    /// The member `key` of an object (panics if absent: the fixture is wrong).
    pub fn get(&self, key: &str) -> &Json {
        self.try_get(key)
            .unwrap_or_else(|| std::panic!("fixture JSON: no member {key:?}"))
    }

    /// The member `key` of an object, if present.
    pub fn try_get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The elements of an array (empty for anything else).
    pub fn items(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            _ => &[],
        }
    }

    /// The members of an object (empty for anything else).
    pub fn members(&self) -> &[(String, Json)] {
        match self {
            Json::Obj(m) => m,
            _ => &[],
        }
    }

    /// A string's text.
    pub fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            _ => std::panic!("fixture JSON: expected a string, got {self:?}"),
        }
    }

    /// An integer, from a number or a decimal string (`"-12"`, `"18446744073709551615"`).
    pub fn int(&self) -> i128 {
        let t = match self {
            Json::Num(s) | Json::Str(s) => s,
            _ => std::panic!("fixture JSON: expected an integer, got {self:?}"),
        };
        t.parse()
            .unwrap_or_else(|_| std::panic!("fixture JSON: {t:?} is not an integer"))
    }

    /// The bytes of a hex string (`"0a00ff"`).
    pub fn hex(&self) -> Vec<u8> {
        let s = self.str();
        assert!(
            s.len().is_multiple_of(2),
            "fixture JSON: odd-length hex string"
        );
        (0..s.len() / 2)
            .map(|i| {
                u8::from_str_radix(&s[2 * i..2 * i + 2], 16)
                    .unwrap_or_else(|_| std::panic!("fixture JSON: bad hex {s:?}"))
            })
            .collect()
    }
}

/// Lower-case hex of `b` (to compare packets readably).
pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| std::format!("{x:02x}")).collect()
}

fn ws(b: &[u8], i: &mut usize) {
    while *i < b.len() && b[*i].is_ascii_whitespace() {
        *i += 1;
    }
}

fn expect(b: &[u8], i: &mut usize, c: u8) {
    ws(b, i);
    assert!(
        *i < b.len() && b[*i] == c,
        "fixture JSON: expected {:?} at byte {}",
        c as char,
        *i
    );
    *i += 1;
}

fn string(b: &[u8], i: &mut usize) -> String {
    expect(b, i, b'"');
    let mut out = Vec::new();
    while *i < b.len() && b[*i] != b'"' {
        if b[*i] == b'\\' {
            *i += 1;
            let c = b.get(*i).copied().unwrap_or(b'"');
            match c {
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'r' => out.push(b'\r'),
                b'u' => {
                    let h = core::str::from_utf8(&b[*i + 1..*i + 5]).unwrap_or("0");
                    let cp = u32::from_str_radix(h, 16).unwrap_or(0xfffd);
                    let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                    out.extend_from_slice(ch.to_string().as_bytes());
                    *i += 4;
                }
                c => out.push(c),
            }
        } else {
            out.push(b[*i]);
        }
        *i += 1;
    }
    *i += 1;
    String::from_utf8_lossy(&out).into_owned()
}

fn value(b: &[u8], i: &mut usize) -> Json {
    ws(b, i);
    match b.get(*i) {
        Some(b'{') => {
            *i += 1;
            let mut m = Vec::new();
            ws(b, i);
            if b.get(*i) == Some(&b'}') {
                *i += 1;
                return Json::Obj(m);
            }
            loop {
                let k = string(b, i);
                expect(b, i, b':');
                m.push((k, value(b, i)));
                ws(b, i);
                if b.get(*i) == Some(&b',') {
                    *i += 1;
                    ws(b, i);
                    continue;
                }
                expect(b, i, b'}');
                return Json::Obj(m);
            }
        }
        Some(b'[') => {
            *i += 1;
            let mut a = Vec::new();
            ws(b, i);
            if b.get(*i) == Some(&b']') {
                *i += 1;
                return Json::Arr(a);
            }
            loop {
                a.push(value(b, i));
                ws(b, i);
                if b.get(*i) == Some(&b',') {
                    *i += 1;
                    continue;
                }
                expect(b, i, b']');
                return Json::Arr(a);
            }
        }
        Some(b'"') => Json::Str(string(b, i)),
        Some(b't') if b[*i..].starts_with(b"true") => {
            *i += 4;
            Json::Bool(true)
        }
        Some(b'f') if b[*i..].starts_with(b"false") => {
            *i += 5;
            Json::Bool(false)
        }
        Some(b'n') if b[*i..].starts_with(b"null") => {
            *i += 4;
            Json::Null
        }
        _ => {
            let s = *i;
            while *i < b.len()
                && (b[*i] == b'-'
                    || b[*i] == b'+'
                    || b[*i] == b'.'
                    || b[*i].is_ascii_alphanumeric())
            {
                *i += 1;
            }
            assert!(*i > s, "fixture JSON: unexpected byte at {s}");
            Json::Num(String::from_utf8_lossy(&b[s..*i]).into_owned())
        }
    }
}
