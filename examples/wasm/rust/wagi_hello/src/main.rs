//! A WAGI plugin in plain Rust, with std and nothing of Valor's: CGI over WASI. It reads the body on
//! stdin and the request from the environment, and writes a CGI response on stdout.
use std::env;
use std::io::{self, Read, Write};

fn main() {
    let mut body = String::new();
    io::stdin().read_to_string(&mut body).ok();
    let method = env::var("REQUEST_METHOD").unwrap_or_default();
    let path = env::var("PATH_INFO").unwrap_or_default();
    let query = env::var("QUERY_STRING").unwrap_or_default();
    let args: Vec<String> = env::args().skip(1).collect();
    let mut out = io::stdout().lock();
    let _ = write!(
        out,
        "content-type: text/plain; charset=utf-8\n\nHello from Rust over WAGI\nmethod={}\npath={}\nquery={}\nargs={}\nbody={}\n",
        method,
        path,
        query,
        args.join(","),
        body
    );
}
