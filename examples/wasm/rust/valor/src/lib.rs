//! Valor plugins in Rust (docs/rust-plugins.md): the reactor ABI of docs/wasm-abi.md underneath,
//! so a plugin is one function and one macro:
//!
//! ```ignore
//! use valor::{vlugin, Request, Response};
//!
//! fn on_request(_req: Request) -> Response {
//!     Response::text("OK response from a plugin")
//! }
//!
//! vlugin!(on_request);
//! ```
//!
//! Build for `wasm32-wasi` as a `cdylib`. A panic aborts the call: the runtime answers 500 and
//! serves the next request from a fresh instance.

pub mod kv;
pub mod compose;

#[doc(hidden)]
pub mod abi;

use std::sync::Mutex;

/// An HTTP request as the plugin sees it: below its prefix, as the client sent it. The head is
/// kept as the host wrote it and read on demand: a handler that never looks at a header does not
/// pay for parsing them.
pub struct Request {
    head: String,
    method: (usize, usize),
    path: (usize, usize),
    query: (usize, usize),
    headers_at: usize,
    body: Vec<u8>,
}

impl Request {
    /// From the ABI's head (`METHOD TARGET\n` then `name: value\n` lines) and body.
    pub fn parse(head: &[u8], body: Vec<u8>) -> Request {
        let head = String::from_utf8_lossy(head).into_owned();
        let eol = head.find('\n').unwrap_or(head.len());
        let space = head[..eol].find(' ').unwrap_or(eol);
        let target = (space + 1).min(eol);
        let q = head[target..eol].find('?').map(|i| target + i);
        Request {
            method: (0, space),
            path: (target, q.unwrap_or(eol)),
            query: q.map(|q| (q + 1, eol)).unwrap_or((eol, eol)),
            headers_at: (eol + 1).min(head.len()),
            head,
            body,
        }
    }

    pub fn method(&self) -> &str {
        &self.head[self.method.0..self.method.1]
    }

    /// The path below the plugin's prefix, as sent: `/a%20b`.
    pub fn path(&self) -> &str {
        &self.head[self.path.0..self.path.1]
    }

    /// The query without `?`, as sent; empty if none.
    pub fn query(&self) -> &str {
        &self.head[self.query.0..self.query.1]
    }

    /// The first value of a query parameter, decoded (`+` and `%XX`).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .find(|(k, _)| decode(k) == name)
            .map(|(_, v)| decode(v))
    }

    /// The first value of a header, its name matched ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_lines().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    /// Every header, names as sent, in the order sent.
    pub fn headers(&self) -> Vec<(&str, &str)> {
        self.header_lines().collect()
    }

    fn header_lines(&self) -> impl Iterator<Item = (&str, &str)> {
        self.head[self.headers_at..]
            .split('\n')
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim(), v.trim()))
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as UTF-8 text (invalid sequences replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Percent-decoding as forms use it: `+` is a space, a malformed escape stays as it is.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// An answer: a status, headers and a body.
pub struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// 200 with a UTF-8 text body.
    pub fn text(text: impl Into<String>) -> Response {
        Response::with_type("text/plain; charset=utf-8", text.into().into_bytes())
    }

    /// 200 with JSON text.
    pub fn json(json: impl Into<String>) -> Response {
        Response::with_type("application/json", json.into().into_bytes())
    }

    /// 200 with bytes of no stated type.
    pub fn bytes(body: impl Into<Vec<u8>>) -> Response {
        Response { status: 200, headers: Vec::new(), body: body.into() }
    }

    fn with_type(content_type: &str, body: Vec<u8>) -> Response {
        Response { status: 200, headers: vec![("content-type".to_string(), content_type.to_string())], body }
    }

    /// The same answer with another status.
    pub fn status(mut self, status: u16) -> Response {
        self.status = status;
        self
    }

    /// The same answer with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The ABI's head: `STATUS\n` and `name: value\n` lines (a newline in a value ends it there).
    pub fn head(&self) -> Vec<u8> {
        let mut head = String::with_capacity(64);
        head.push_str(&self.status.to_string());
        head.push('\n');
        for (n, v) in &self.headers {
            head.push_str(n);
            head.push_str(": ");
            head.push_str(v.split(['\r', '\n']).next().unwrap_or(""));
            head.push('\n');
        }
        head.into_bytes()
    }

    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

static CONFIG: Mutex<Option<String>> = Mutex::new(None);

/// The plugin's `config` from its definition: a JSON string's text, any other value's JSON; empty
/// when it has none. Set before the first request.
pub fn config() -> String {
    CONFIG.lock().map(|c| c.clone().unwrap_or_default()).unwrap_or_default()
}

#[doc(hidden)]
pub fn set_config(config: String) {
    if let Ok(mut c) = CONFIG.lock() {
        *c = Some(config);
    }
}

/// Log levels of [`log`].
pub const DEBUG: i32 = 0;
pub const INFO: i32 = 1;
pub const WARN: i32 = 2;
pub const ERROR: i32 = 3;

/// A line in the runtime's log under the plugin's name.
pub fn log(level: i32, message: &str) {
    unsafe { abi::host::log(level, message.as_ptr(), message.len()) }
}

/// Turns one function `fn(Request) -> Response` into the plugin: the ABI's exports. With
/// `init = f`, `f()` runs once per instance after the config is set (see [`config`]).
#[macro_export]
macro_rules! vlugin {
    ($handler:path) => {
        $crate::vlugin!($handler, init = $crate::abi::no_init);
    };
    ($handler:path, init = $init:path) => {
        #[no_mangle]
        pub extern "C" fn valor_alloc(len: usize) -> *mut u8 {
            $crate::abi::alloc(len)
        }

        #[no_mangle]
        pub extern "C" fn valor_handle(head: *const u8, head_len: usize, body: *const u8, body_len: usize) -> i32 {
            $crate::abi::handle(head, head_len, body, body_len, $handler)
        }

        #[no_mangle]
        pub extern "C" fn valor_init(config: *const u8, len: usize) -> i32 {
            $crate::abi::init(config, len, $init)
        }
    };
}
