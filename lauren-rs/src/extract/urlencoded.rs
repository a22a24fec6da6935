//! `application/x-www-form-urlencoded` pairs (query strings, form bodies), decoded strictly:
//! bytes that are not UTF-8 after percent-decoding are an error, never replaced with U+FFFD as
//! `form_urlencoded` would, so a query value is held to the same rule as a path value.

use std::borrow::Cow;

use percent_encoding::percent_decode;

/// Bytes that do not decode to UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotUtf8;

/// One key or value: `+` is a space, `%XX` a byte.
pub(crate) fn decode(raw: &[u8]) -> Result<Cow<'_, str>, NotUtf8> {
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return std::str::from_utf8(raw).map(Cow::Borrowed).map_err(|_| NotUtf8);
    }
    let spaced: Cow<'_, [u8]> = if raw.contains(&b'+') {
        Cow::Owned(raw.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect())
    } else {
        Cow::Borrowed(raw)
    };
    let bytes: Vec<u8> = percent_decode(&spaced).collect();
    String::from_utf8(bytes).map(Cow::Owned).map_err(|_| NotUtf8)
}

/// The raw `(key, value)` pairs of `input`, empty pieces skipped (as `form_urlencoded` does).
pub(crate) fn raw_pairs(input: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    input.split(|&b| b == b'&').filter(|piece| !piece.is_empty()).map(|piece| {
        match piece.iter().position(|&b| b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &piece[piece.len()..]),
        }
    })
}

/// Every value of `name` in `input`, decoded.
pub(crate) fn values<'a>(
    input: &'a [u8],
    name: &'a str,
) -> impl Iterator<Item = Result<Cow<'a, str>, NotUtf8>> + 'a {
    raw_pairs(input)
        .filter(move |(key, _)| decode(key).is_ok_and(|key| key == name))
        .map(|(_, value)| decode(value))
}

/// `Err` naming the first key or value that is not UTF-8 after decoding.
pub(crate) fn check_utf8(input: &[u8]) -> Result<(), String> {
    for (key, value) in raw_pairs(input) {
        let key = decode(key).map_err(|_| String::from_utf8_lossy(key).into_owned())?;
        decode(value).map_err(|_| key.into_owned())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_form_urlencoded_on_valid_input() {
        let input = b"q=a+b%21&n=-3&&flag&q=%C3%A9&na%6De=x";
        let ours: Vec<(String, String)> = raw_pairs(input)
            .map(|(k, v)| {
                (decode(k).unwrap_or_default().into(), decode(v).unwrap_or_default().into())
            })
            .collect();
        let theirs: Vec<(String, String)> =
            form_urlencoded::parse(input).map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(ours, theirs);
        let q: Vec<_> = values(input, "q").collect();
        assert_eq!(q, [Ok(Cow::Borrowed("a b!")), Ok(Cow::Borrowed("é"))]);
        assert_eq!(values(input, "name").next(), Some(Ok(Cow::Borrowed("x"))));
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_replacement() {
        assert_eq!(decode(b"ab%FFcd"), Err(NotUtf8));
        assert_eq!(check_utf8(b"a=1&b=%FF"), Err("b".to_owned()));
        assert_eq!(check_utf8(b"a=1&b=2"), Ok(()));
    }
}
