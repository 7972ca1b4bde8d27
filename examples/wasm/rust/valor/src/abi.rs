//! The reactor ABI (docs/wasm-abi.md): what the `vlugin!` macro's exports call. The host asks for
//! the request's buffers with `valor_alloc`, writes them, calls `valor_handle`; the module answers
//! through `valor.respond` and frees the buffers after the request.

use crate::{set_config, Request, Response};
use std::cell::RefCell;

/// The host's functions, module `valor`.
pub mod host {
    #[link(wasm_import_module = "valor")]
    extern "C" {
        pub fn respond(head: *const u8, head_len: usize, body: *const u8, body_len: usize);
        pub fn log(level: i32, message: *const u8, len: usize);
        pub fn reply(data: *const u8, len: usize);
        pub fn result_count(results: i32) -> i32;
        pub fn result_ok(results: i32, i: i32) -> i32;
        pub fn result_provider(results: i32, i: i32, buf: *mut u8, cap: usize) -> i32;
        pub fn result_value(results: i32, i: i32, buf: *mut u8, cap: usize) -> i32;
        pub fn result_close(results: i32);
    }
}

thread_local! {
    /// The buffers handed to the host for the call in progress: freed when it ends.
    static BUFFERS: RefCell<Vec<(*mut u8, usize)>> = RefCell::new(Vec::new());
}

pub fn alloc(len: usize) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len.max(1));
    let ptr = buffer.as_mut_ptr();
    let capacity = buffer.capacity();
    std::mem::forget(buffer);
    BUFFERS.with(|b| b.borrow_mut().push((ptr, capacity)));
    ptr
}

/// Frees what the host asked for during the call.
pub fn free_buffers() {
    BUFFERS.with(|b| {
        for (ptr, capacity) in b.borrow_mut().drain(..) {
            unsafe { drop(Vec::from_raw_parts(ptr, 0, capacity)) };
        }
    });
}

/// Bytes the host wrote at (ptr, len); empty for a null pointer or length 0.
pub fn bytes(ptr: *const u8, len: usize) -> Vec<u8> {
    if ptr.is_null() || len == 0 {
        Vec::new()
    } else {
        unsafe { std::slice::from_raw_parts(ptr, len) }.to_vec()
    }
}

pub fn handle(head: *const u8, head_len: usize, body: *const u8, body_len: usize, handler: fn(Request) -> Response) -> i32 {
    let head = if head.is_null() || head_len == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(head, head_len) } };
    let request = Request::parse(head, bytes(body, body_len));
    free_buffers();
    let response = handler(request);
    let head = response.head();
    unsafe { host::respond(head.as_ptr(), head.len(), response.body().as_ptr(), response.body().len()) };
    0
}

/// What `vlugin!` runs after the config is set when it is given no `init`.
pub fn no_init() {}

pub fn init(config: *const u8, len: usize, then: fn()) -> i32 {
    set_config(String::from_utf8_lossy(&bytes(config, len)).into_owned());
    free_buffers();
    then();
    0
}
