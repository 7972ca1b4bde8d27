//! A Valor plugin in Rust, compiled to WebAssembly: GET /__NAME__?who=Ann answers "Hello, Ann!".
use valor::{vlugin, Request, Response};

fn on_request(req: Request) -> Response {
    let who = req.query_param("who").unwrap_or_else(|| "world".to_string());
    Response::text(format!("Hello, {}!", who))
}

vlugin!(on_request);
