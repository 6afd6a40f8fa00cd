import type { IncomingMessage } from "node:http";
import { PassThrough, Readable } from "node:stream";

/** Set by scripts/request-body.mjs on every POST / PUT the server receives (a client's own value is replaced). */
export const BODY_HEADER = "x-emg-body";
const REGISTRY = Symbol.for("emg.requestBodies");

/**
 * The request's body as a Node stream. Under `npm start` the Node request itself, untouched by Next's web stream
 * (which copies every chunk: 0.4 s of a 500 MB upload, docs/benchmark.md); elsewhere (tests, `next dev`), or once
 * anything has read it, the web body. The Node request goes through a PassThrough, so destroying the returned stream
 * stops reading without closing the socket the answer still goes out on.
 */
export function requestBody(request: Request): Readable | null {
  const token = request.headers.get(BODY_HEADER);
  const bodies = (globalThis as { [REGISTRY]?: Map<string, IncomingMessage> })[REGISTRY];
  const node = token ? bodies?.get(token) : undefined;
  if (node && !node.readableDidRead && !node.destroyed) {
    // `pipe` passes on neither an error nor a client gone mid-body: the upload would wait forever and its partial
    // file stay in blobs/tmp. Ending short fails the body instead, as Next's web stream does.
    const body = node.pipe(new PassThrough());
    // Closed before its end reached the PassThrough (cut mid-body, or destroyed with body bytes still unread).
    const cut = (e?: Error) => {
      if (!node.readableEnded) body.destroy(e ?? new Error("aborted: the client closed the connection mid-body"));
    };
    node.once("error", cut);
    node.once("close", () => cut());
    return body;
  }
  return request.body ? Readable.fromWeb(request.body as import("node:stream/web").ReadableStream) : null;
}
