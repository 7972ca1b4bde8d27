//! A consumer of the binding `shout@1`: `GET ?text=hi` answers what the provider of
//! `shout@1.upper` makes of it (its definition declares `"sockets": {"shout@1": "exactly-one"}`).
use valor::{socket, vlugin, Request, Response};

socket!("shout@1", upper);

fn on_request(req: Request) -> Response {
    let text = req.query_param("text").unwrap_or_default();
    match upper(text.as_bytes()).into_iter().next() {
        Some(answer) => match answer.result {
            Ok(value) => Response::text(String::from_utf8_lossy(&value).into_owned()).header("x-provider", &answer.provider),
            Err(e) => Response::text(format!("{} failed: {}", answer.provider, e)).status(502),
        },
        None => Response::text("no provider of shout@1").status(503),
    }
}

vlugin!(on_request);
