//! `XmlParse`: XML bodies read by JSON handlers, the content-type gate on its routes, hostile
//! XML.

use lauren::builtin::XmlParse;
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct OrderDoc {
    order: Order,
}

#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct Order {
    #[serde(rename = "@id")]
    id: String,
    item: Vec<String>,
}

#[derive(Default)]
struct XmlController;

#[controller("/xml")]
impl XmlController {
    #[post("/orders")]
    async fn create(&self, doc: Json<OrderDoc>) -> Json<OrderDoc> {
        doc
    }

    #[post("/raw")]
    async fn raw(&self, body: Bytes) -> Bytes {
        body
    }

    #[get("/orders")]
    async fn list(&self) -> &'static str {
        "[]"
    }
}

#[module(controllers = [XmlController])]
struct XmlModule;

async fn xml_client() -> TestClient {
    TestClient::new(LaurenFactory::create(XmlModule).global_interceptors(XmlParse::default())).await
}

#[tokio::test]
async fn xml_parse_lets_json_handlers_read_xml_bodies() {
    let client = xml_client().await;
    let xml =
        r#"<?xml version="1.0"?><order id="7"><item>book</item><item>pen &amp; ink</item></order>"#;
    let res =
        client.post("/xml/orders").header("content-type", "application/xml").body(xml).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.json::<Value>(), json!({"order": {"@id": "7", "item": ["book", "pen & ink"]}}));
    // JSON still works; other types are still refused by the gate.
    let json_body = r#"{"order": {"@id": "8", "item": ["cup"]}}"#;
    let res = client
        .post("/xml/orders")
        .header("content-type", "application/json")
        .body(json_body)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    let res =
        client.post("/xml/orders").header("content-type", "text/plain").body("x").send().await;
    assert_eq!(res.status(), 415);
    // The 415 says XML would have done too.
    let error = &res.json::<Value>()["error"];
    assert_eq!(
        error["message"],
        "POST /xml/orders expects a JSON or XML body (application/json or application/xml), got text/plain"
    );
    assert_eq!(
        error["detail"]["supported"],
        json!(["application/json", "application/*+json", "application/xml", "text/xml"])
    );
    // A raw-body handler gets the XML as sent; a route that reads no body never parses it.
    let res = client
        .post("/xml/raw")
        .header("content-type", "application/xml")
        .body("<a><b>1</b></a>")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "<a><b>1</b></a>".to_owned()));
    let res = client
        .get("/xml/orders")
        .header("content-type", "application/xml")
        .body("<oops")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "[]".to_owned()));
}

#[tokio::test]
async fn xml_parse_routes_keep_the_warn_policy() {
    let client = TestClient::new(
        LaurenFactory::create(XmlModule)
            .global_interceptors(XmlParse::default())
            .strict_content_type(lauren::ContentTypePolicy::Warn),
    )
    .await;
    let body = r#"{"order": {"@id": "9", "item": ["pen"]}}"#;
    let res =
        client.post("/xml/orders").header("content-type", "text/plain").body(body).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
}

#[tokio::test]
async fn xml_parse_rejects_malformed_and_hostile_xml() {
    let client = xml_client().await;
    for (xml, message) in [
        ("<order><item>book</order>", "failed to extract 'body': malformed XML"),
        (
            r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#,
            "failed to extract 'body': XML with a DOCTYPE is not accepted",
        ),
        ("<order>&xxe;</order>", "failed to extract 'body': XML entity &xxe; is not supported"),
    ] {
        let res =
            client.post("/xml/orders").header("content-type", "text/xml").body(xml).send().await;
        assert_eq!(res.status(), 422, "{xml}");
        let body = res.json::<Value>();
        assert_eq!(body["error"]["code"], "extractor_error", "{xml}");
        assert!(body["error"]["message"].as_str().unwrap_or("").starts_with(message), "{body}");
        assert_eq!(body["error"]["detail"]["source"], "xml");
    }
}
