// A Valor plugin in AssemblyScript, on Valor's reactor ABI (valor.ts, a copy of the runtime's
// kits/assemblyscript/valor.ts): GET /__NAME__?who=Ann answers "Hello, Ann!".
import { Request, respondText, queryParam, done } from "./valor";
export { valor_alloc } from "./valor";

export function valor_handle(head: usize, headLength: usize, body: usize, bodyLength: usize): i32 {
  const request = new Request(head, headLength, body, bodyLength);
  const who = queryParam(request.query, "who");
  respondText(200, "Hello, " + (who === null ? "world" : who) + "!");
  return done();
}
