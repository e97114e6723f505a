//! JSON scalars written straight into a byte buffer, spelled exactly as serde_json spells them
//! (the step lines are hot: a trace can have millions of them).

/// A JSON string: `"`, `\` and control characters escaped the way serde_json escapes them
/// (`\n`, `\r`, `\t`, `\b`, `\f`, otherwise `\u00XX`); everything else, non-ASCII included, as is.
pub fn string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let short: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[plain_from..at]);
        if short.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
        } else {
            out.extend_from_slice(short);
        }
        plain_from = at + 1;
    }
    out.extend_from_slice(&bytes[plain_from..]);
    out.push(b'"');
}

/// An unsigned number in decimal, two digits at a time (ids have 15 digits, and every step has several).
pub fn number(out: &mut Vec<u8>, value: u64) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut left = value;
    while left >= 100 {
        let pair = (left % 100) as usize * 2;
        left /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if left >= 10 {
        let pair = left as usize * 2;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + left as u8;
    }
    out.extend_from_slice(&digits[at..]);
}

/// A signed number in decimal.
pub fn signed(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    number(out, value.unsigned_abs());
}

/// An object id: a decimal number inside a JSON string (ids exceed what JSON readers keep exact).
pub fn id(out: &mut Vec<u8>, value: u64) {
    out.push(b'"');
    number(out, value);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_are_spelled_as_serde_json_spells_them() {
        let mut texts: Vec<String> =
            ["", "plain", "quote \" and \\ back", "tab\tnew\nline\r", "é ✓ 🐍", "\u{7f}\u{80}"]
                .map(String::from)
                .into();
        texts.push((0u8..0x20).map(char::from).collect());
        for text in texts {
            let mut out = Vec::new();
            string(&mut out, &text);
            assert_eq!(String::from_utf8(out).ok(), serde_json::to_string(&text).ok(), "{text:?}");
        }
        for value in [0, 7, 10, 99, 100, 101, 999, 1000, 1234567890, 140_496_709_459_840, u64::MAX] {
            let mut out = Vec::new();
            number(&mut out, value);
            assert_eq!(out, value.to_string().into_bytes());
            let mut quoted = Vec::new();
            id(&mut quoted, value);
            assert_eq!(quoted, format!("\"{value}\"").into_bytes());
        }
        for value in (0..100_000).chain((1..=19).map(|power| 10u64.pow(power) - 1)) {
            let mut out = Vec::new();
            number(&mut out, value);
            assert_eq!(out, value.to_string().into_bytes());
        }
        for value in [0, -1, 42, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            signed(&mut out, value);
            assert_eq!(out, value.to_string().into_bytes());
        }
    }
}
