//! A provider of the binding `shout@1` (docs/composition.md): its function `upper` answers the text
//! it is given in capitals. Its own route says what it provides.
use valor::{plug, vlugin, Request, Response};

fn upper(input: &[u8]) -> Result<Vec<u8>, String> {
    match std::str::from_utf8(input) {
        Ok(text) => Ok(text.to_uppercase().into_bytes()),
        Err(_) => Err("shout@1.upper takes UTF-8 text".to_string()),
    }
}

plug!("shout@1", upper, upper);

fn on_request(_req: Request) -> Response {
    Response::text("provides shout@1.upper")
}

vlugin!(on_request);
