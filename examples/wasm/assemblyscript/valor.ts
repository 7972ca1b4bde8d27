// valor.ts: Valor's reactor ABI (version 1) for AssemblyScript. See docs/wasm-abi.md.
// Built with --runtime stub: the request's allocations are dropped at once after each answer.

@external("valor", "respond")
declare function valor_respond(head: usize, headLen: usize, body: usize, bodyLen: usize): void;

@external("valor", "log")
declare function valor_log(level: i32, message: usize, length: usize): void;

/** The host writes the request head and body into memory it gets here. */
export function valor_alloc(length: usize): usize {
  return heap.alloc(length);
}

/** A request as the host hands it over: the head's first line and header lines, and the body. */
export class Request {
  method: string;
  path: string;
  query: string;
  headers: string;

  constructor(head: usize, headLength: usize, public body: usize, public bodyLength: usize) {
    const text = String.UTF8.decodeUnsafe(head, headLength);
    const eol = text.indexOf("\n");
    const first = eol < 0 ? text : text.substring(0, eol);
    const space = first.indexOf(" ");
    this.method = first.substring(0, space);
    const target = first.substring(space + 1);
    const q = target.indexOf("?");
    this.path = q < 0 ? target : target.substring(0, q);
    this.query = q < 0 ? "" : target.substring(q + 1);
    this.headers = eol < 0 ? "" : text.substring(eol + 1);
  }
}

/** Answers with a status and a UTF-8 text body. */
export function respondText(status: i32, text: string): void {
  const head = String.UTF8.encode(status.toString() + "\ncontent-type: text/plain; charset=utf-8\n");
  const body = String.UTF8.encode(text);
  valor_respond(changetype<usize>(head), head.byteLength, changetype<usize>(body), body.byteLength);
}

/** A line in the runtime's log under the plugin's name (0 debug, 1 info, 2 warn, 3 error). */
export function log(level: i32, message: string): void {
  const bytes = String.UTF8.encode(message);
  valor_log(level, changetype<usize>(bytes), bytes.byteLength);
}

/** Ends a request: everything it allocated is freed. Return its result from valor_handle. */
export function done(): i32 {
  heap.reset();
  return 0;
}
