//! The with_state plugin in Rust: configured with a name ("Alice"), it answers `GET ?who=Bob` with
//! "Alice says hello Bob!", and 400 without who. It counts its greetings in the key-value store
//! "default" (granted by `"capabilities": {"kv": ["default"]}`), under the same key as the C,
//! AssemblyScript, JavaScript and Java examples. `?panic=1` panics, to show what a panic costs:
//! that request's 500, nothing else.
use valor::{config, kv, vlugin, Request, Response};

fn on_request(req: Request) -> Response {
    if req.query_param("panic").is_some() {
        panic!("asked to");
    }
    let who = match req.query_param("who") {
        Some(who) if !who.is_empty() => who,
        _ => return Response::text("Missing buddy to greet").status(400),
    };
    let name = config();
    match kv::increment("default", &format!("greetings:{}", name), 1) {
        Ok(greeted) => Response::text(format!("{} says hello {}!", name, who)).header("x-greetings", &greeted.to_string()),
        Err(e) => Response::text(format!("the store refused the count ({:?})", e)).status(503),
    }
}

vlugin!(on_request);
