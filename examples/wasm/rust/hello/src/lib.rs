//! The hello plugin in Rust: answers every request the same, as the C and AssemblyScript ones do.
use valor::{vlugin, Request, Response};

fn on_request(_req: Request) -> Response {
    Response::text("OK response from a plugin")
}

vlugin!(on_request);
