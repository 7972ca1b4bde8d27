// The hello plugin in AssemblyScript: answers every request the same.
import { Request, respondText, done } from "./valor";
export { valor_alloc } from "./valor";

export function valor_handle(head: usize, headLength: usize, body: usize, bodyLength: usize): i32 {
  const request = new Request(head, headLength, body, bodyLength);
  respondText(200, request.method == "HEAD" ? "" : "OK response from a plugin");
  return done();
}
