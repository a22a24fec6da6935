//! `XmlParse`: an XML request body read as JSON by the ordinary `Json<T>` extractor.

use http::HeaderValue;
use http::header::CONTENT_TYPE;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Map, Value};

use crate::error::HttpError;
use crate::interceptors::LifecycleInterceptor;
use crate::pipeline::ExecutionContext;

/// Sort 999: on routes whose handler reads `Json<T>`, an `application/xml` or `text/xml` body
/// becomes JSON (the low-code platform's XML-to-dict), and the content-type gate lets XML
/// through there. Other bodies, and routes that read a raw body or none, are left untouched.
///
/// The mapping: the document is an object with the root element's name as its one key; an
/// element with only text is that text (a string: XML has no numbers); attributes are `@name`
/// members; text beside child elements is `#text`; repeated child elements become an array;
/// an empty element is `null`. Text is trimmed, and the text pieces around child elements are
/// joined as they are (`x<b/>y` gives `"#text": "xy"`); namespace prefixes stay part of the
/// names (`x:item`, `@xmlns:x`). The document must be UTF-8.
///
/// ```xml
/// <order id="7"><item>book</item><item>pen</item><note/></order>
/// ```
/// reads as `{"order": {"@id": "7", "item": ["book", "pen"], "note": null}}`.
///
/// So the handler's `Json<T>` reads a `T` whose one field is named like the root element, with
/// strings where the XML has text: `struct Envelope { order: Order }` with `Order`'s fields
/// `String` (or `Vec<String>` for a repeated element), or `Json<serde_json::Value>`. A JSON
/// body to the same route must have that shape too. The OpenAPI document lists
/// `application/xml` with `T`'s schema, which XML tools render with `T`'s name as the root
/// element: name the wrapper like the root element so that both agree.
///
/// Malformed XML answers 422 `extractor_error`. A `DOCTYPE` is refused (no entity can be
/// declared, so none can expand: no billion laughs), unknown entities are refused, and the
/// nesting depth is bounded (default 64).
#[derive(Debug, Clone, Copy)]
pub struct XmlParse {
    max_depth: usize,
}

impl Default for XmlParse {
    fn default() -> Self {
        Self { max_depth: 64 }
    }
}

impl XmlParse {
    /// The deepest element nesting accepted.
    #[must_use]
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }
}

impl LifecycleInterceptor for XmlParse {
    const INSPECTS_VALUE: bool = false;
    const ACCEPTS_XML: bool = true;

    fn check_route(&self, _: &crate::RouteSetup<'_>) -> Result<(), String> {
        if self.max_depth == 0 {
            return Err("XmlParse::max_depth(0) refuses every XML body: give 1 or more".into());
        }
        Ok(())
    }

    fn sort(&self) -> i32 {
        999
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
        // Only where the handler reads JSON: a raw-body handler keeps the XML it was sent,
        // and a route that reads no body never has it parsed.
        if ctx.route().descriptor.body != Some(crate::extract::BodyKind::Json)
            || !crate::pipeline::is_xml(ctx.request())
        {
            return Ok(());
        }
        let body = ctx.body_bytes("body").await?;
        let value = to_json(&body, self.max_depth).map_err(|why| {
            HttpError::extractor(format!("failed to extract 'body': {why}"))
                .with_detail("field", "body")
                .with_detail("source", "xml")
        })?;
        let json = serde_json::to_vec(&value).map_err(HttpError::from)?;
        ctx.set_body(json);
        ctx.request_mut()
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(())
    }
}

/// An element being read: its name and what it holds so far.
struct Open {
    name: String,
    members: Map<String, Value>,
    text: String,
}

impl Open {
    fn into_value(self) -> Value {
        let text = self.text.trim();
        if self.members.is_empty() {
            return if text.is_empty() { Value::Null } else { Value::String(text.to_owned()) };
        }
        let mut members = self.members;
        if !text.is_empty() {
            members.insert("#text".to_owned(), Value::String(text.to_owned()));
        }
        Value::Object(members)
    }
}

/// Adds `value` under `name`, turning a repeated name into an array.
fn insert(members: &mut Map<String, Value>, name: String, value: Value) {
    match members.get_mut(&name) {
        None => {
            members.insert(name, value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

fn open(start: &quick_xml::events::BytesStart<'_>) -> Result<Open, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut members = Map::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("malformed XML: {e}"))?;
        let key = format!("@{}", String::from_utf8_lossy(attribute.key.as_ref()));
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed XML: {e}"))?;
        members.insert(key, Value::String(value.into_owned()));
    }
    Ok(Open { name, members, text: String::new() })
}

/// The XML document as JSON, or why it is refused.
pub(crate) fn to_json(xml: &[u8], max_depth: usize) -> Result<Value, String> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Value> = None;
    loop {
        let event = reader.read_event().map_err(|e| format!("malformed XML: {e}"))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err("malformed XML: more than one root element".to_owned());
                }
                if stack.len() >= max_depth {
                    return Err(format!("XML nested deeper than {max_depth} elements"));
                }
                stack.push(open(&start)?);
            }
            Event::Empty(start) => {
                if root.is_some() {
                    return Err("malformed XML: more than one root element".to_owned());
                }
                if stack.len() >= max_depth {
                    return Err(format!("XML nested deeper than {max_depth} elements"));
                }
                let element = open(&start)?;
                close(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                // quick-xml checks that end tags match their start tags.
                let element = stack.pop().ok_or("malformed XML: an end tag without a start")?;
                close(&mut stack, &mut root, element);
            }
            Event::Text(text) => {
                let text = text.decode().map_err(|e| format!("malformed XML: {e}"))?;
                match stack.last_mut() {
                    Some(open) => open.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err("malformed XML: text outside the root element".to_owned()),
                }
            }
            Event::CData(data) => {
                let text = data.decode().map_err(|e| format!("malformed XML: {e}"))?;
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&text);
                }
            }
            Event::GeneralRef(reference) => {
                let name = reference.decode().map_err(|e| format!("malformed XML: {e}"))?;
                // Only the five predefined entities and character references: nothing the
                // document declares (it may not declare anything).
                let escaped = format!("&{name};");
                let resolved = quick_xml::escape::unescape(&escaped)
                    .map_err(|_| format!("XML entity &{name}; is not supported"))?;
                if let Some(open) = stack.last_mut() {
                    open.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => {
                return Err("XML with a DOCTYPE is not accepted".to_owned());
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("malformed XML: the document ends inside an element".to_owned());
    }
    root.ok_or_else(|| "malformed XML: no root element".to_owned())
}

/// Puts a finished element into its parent, or makes it the document.
fn close(stack: &mut [Open], root: &mut Option<Value>, element: Open) {
    let name = element.name.clone();
    let value = element.into_value();
    match stack.last_mut() {
        Some(parent) => insert(&mut parent.members, name, value),
        None => {
            let mut document = Map::new();
            document.insert(name, value);
            *root = Some(Value::Object(document));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_json;
    use serde_json::json;

    #[test]
    fn elements_attributes_repeats_and_text_map_to_json() {
        let xml = br#"<?xml version="1.0"?>
            <order id="7"><item>book</item><item>pen &amp; ink</item><note/>
            <total currency="EUR">12.5</total></order>"#;
        assert_eq!(
            to_json(xml, 64),
            Ok(json!({"order": {
                "@id": "7",
                "item": ["book", "pen & ink"],
                "note": null,
                "total": {"@currency": "EUR", "#text": "12.5"}
            }}))
        );
    }

    #[test]
    fn hostile_and_malformed_documents_are_refused() {
        let laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>"#;
        assert_eq!(to_json(laughs, 64), Err("XML with a DOCTYPE is not accepted".to_owned()));
        assert!(to_json(b"<a>&custom;</a>", 64).expect_err("refused").contains("&custom;"));
        assert!(to_json(b"<a><b></a>", 64).expect_err("refused").starts_with("malformed XML"));
        assert!(to_json(b"<a></a><b/>", 64).expect_err("refused").contains("more than one root"));
        assert!(to_json(b"", 64).expect_err("refused").contains("no root element"));
        let deep = "<a>".repeat(70) + &"</a>".repeat(70);
        assert_eq!(
            to_json(deep.as_bytes(), 64),
            Err("XML nested deeper than 64 elements".to_owned())
        );
    }
}
