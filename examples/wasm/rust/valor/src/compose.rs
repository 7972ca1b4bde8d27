//! Composition (docs/composition.md): plugs this module provides and sockets it calls, as plain
//! Rust functions. The definition declares both (`"plugs"`, `"sockets"`), or the module is refused.

use crate::abi::{self, host};

/// One provider's answer to a socket call.
pub struct Answer {
    pub provider: String,
    /// Its value, or the error it gave.
    pub result: Result<Vec<u8>, String>,
}

/// Reads a socket call's results (the handle the import returned) and forgets them.
pub fn results(handle: i32) -> Vec<Answer> {
    let count = unsafe { host::result_count(handle) };
    let mut answers = Vec::new();
    for i in 0..count.max(0) {
        let ok = unsafe { host::result_ok(handle, i) } == 1;
        let provider = String::from_utf8_lossy(&copy_out(|b, c| unsafe { host::result_provider(handle, i, b, c) }))
            .into_owned();
        let value = copy_out(|b, c| unsafe { host::result_value(handle, i, b, c) });
        let result = if ok { Ok(value) } else { Err(String::from_utf8_lossy(&value).into_owned()) };
        answers.push(Answer { provider, result });
    }
    unsafe { host::result_close(handle) };
    answers
}

/// What a copy-out function gives: asked with no room first, then with room for all of it.
fn copy_out(f: impl Fn(*mut u8, usize) -> i32) -> Vec<u8> {
    let n = f(std::ptr::null_mut(), 0);
    if n <= 0 {
        return Vec::new();
    }
    let mut buf = vec![0u8; n as usize];
    let m = f(buf.as_mut_ptr(), buf.len());
    buf.truncate(m.max(0) as usize);
    buf
}

/// Runs a plug function for a consumer: its value is the reply, its error the reply with a failure.
#[doc(hidden)]
pub fn serve(input: *const u8, len: usize, function: fn(&[u8]) -> Result<Vec<u8>, String>) -> i32 {
    let bytes = abi::bytes(input, len);
    abi::free_buffers();
    let (rc, reply) = match function(&bytes) {
        Ok(v) => (0, v),
        Err(e) => (1, e.into_bytes()),
    };
    unsafe { host::reply(reply.as_ptr(), reply.len()) };
    rc
}

/// Provides a function of a binding: `plug!("shout@1", upper, shout);` exports `shout@1.upper`,
/// answered by `fn shout(input: &[u8]) -> Result<Vec<u8>, String>`.
#[macro_export]
macro_rules! plug {
    ($binding:literal, $function:ident, $handler:path) => {
        // In an anonymous const: the export's Rust name cannot clash with the handler's.
        const _: () = {
            #[export_name = concat!($binding, ".", stringify!($function))]
            pub extern "C" fn export(input: *const u8, len: usize) -> i32 {
                $crate::compose::serve(input, len, $handler)
            }
        };
    };
}

/// Declares a socket function: `socket!("shout@1", upper);` gives `upper(input: &[u8]) -> Vec<Answer>`,
/// which calls the binding's providers (one answer each).
#[macro_export]
macro_rules! socket {
    ($binding:literal, $function:ident) => {
        #[allow(non_snake_case)]
        pub mod $function {
            #[link(wasm_import_module = $binding)]
            extern "C" {
                #[link_name = stringify!($function)]
                pub fn call(input: *const u8, len: usize) -> i32;
            }
        }

        pub fn $function(input: &[u8]) -> Vec<$crate::compose::Answer> {
            $crate::compose::results(unsafe { $function::call(input.as_ptr(), input.len()) })
        }
    };
}
