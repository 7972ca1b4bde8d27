// The with_state plugin in AssemblyScript: configured with a name ("Alice"), it answers
// GET ?who=Bob with "Alice says hello Bob!", and 400 without who. It counts its greetings in the
// key-value store "default" (granted by "capabilities": {"kv": ["default"]} in its definition),
// under the same key as the C, JavaScript and Java examples: one count of Alice's greetings.
import { Request, Store, queryParam, respond, respondText, done } from "./valor";
export { valor_alloc } from "./valor";

// The config lives in a static buffer: done() frees everything allocated on the heap.
const NAME = memory.data(128);
let nameLength: usize = 0;

export function valor_init(config: usize, length: usize): i32 {
  nameLength = length < 128 ? length : 128;
  memory.copy(NAME, config, nameLength);
  return done();
}

export function valor_handle(head: usize, headLength: usize, body: usize, bodyLength: usize): i32 {
  const request = new Request(head, headLength, body, bodyLength);
  const who = queryParam(request.query, "who");
  if (who == null || who.length == 0) {
    respondText(400, "Missing buddy to greet");
    return done();
  }
  const name = String.UTF8.decodeUnsafe(NAME, nameLength);
  const store = new Store("default");
  const greeted = store.increment("greetings:" + name);
  if (store.code != 0) {
    respondText(503, "the store refused the count (" + store.code.toString() + ")");
    return done();
  }
  respond(200, "content-type: text/plain; charset=utf-8\nx-greetings: " + greeted.toString() + "\n",
    name + " says hello " + who + "!");
  return done();
}
