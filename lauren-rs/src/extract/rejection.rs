//! The errors body and struct extractors share: input that is not the format, and input of the
//! format but of the wrong shape.

use crate::error::HttpError;

/// Valid input (JSON, form, query string) that does not fit the type: 422 `extractor_error`
/// `Validation failed for field 'item'`, `detail.errors` one human-readable string per problem.
pub(crate) fn validation_failed(field: &str, errors: Vec<String>) -> HttpError {
    HttpError::extractor(format!("Validation failed for field '{field}'"))
        .with_detail("field", field)
        .with_detail("errors", errors)
}

/// serde_json's message without the position it appends (`missing field `qty``, not `missing
/// field `qty` at line 1 column 12`): the position says nothing about a shape mistake.
pub(crate) fn json_problem(err: &serde_json::Error) -> String {
    let text = err.to_string();
    if err.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    text.strip_suffix(&suffix).map(str::to_owned).unwrap_or(text)
}

/// 422 `extractor_error` when a key or value of a query string or form body is not UTF-8 after
/// percent-decoding (serde_urlencoded would replace the bytes with U+FFFD).
pub(crate) fn require_utf8(input: &[u8], field: &str, what: &str) -> Result<(), HttpError> {
    super::urlencoded::check_utf8(input).map_err(|key| {
        HttpError::extractor(format!(
            "invalid {what}: '{key}' is not valid UTF-8 after percent-decoding"
        ))
        .with_detail("field", field)
    })
}
