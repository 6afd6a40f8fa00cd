import { Readable } from "node:stream";
import busboy from "busboy";
import type { BlobStore } from "./blobs";
import type { StoredUpload } from "./bundle";

export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Streams every `file` part of a multipart request into the blob store; nothing is held in memory. */
export async function receiveUpload(request: Request, store: BlobStore, maxBytes: number): Promise<StoredUpload[]> {
  // The upload routes bypass proxy.ts (it would buffer, and cut off, bodies over 10 MB): they call requestRefusal first.
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data")) throw new UploadError(415, "unsupported_media_type", "Send the bundle as multipart/form-data with one or more `file` parts.");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new UploadError(413, "too_large", `Upload of ${declared} bytes exceeds the limit of ${maxBytes} bytes (MAX_UPLOAD_BYTES).`);
  if (!request.body) throw new UploadError(400, "empty_body", "The request has no body.");

  const bb = busboy({ headers: { "content-type": contentType }, limits: { fileSize: maxBytes, files: 1000 } });
  const stored: Array<Promise<StoredUpload>> = [];
  let total = 0;
  const done = new Promise<void>((resolve, reject) => {
    bb.on("file", (field, stream, info) => {
      if (field !== "file") {
        stream.resume();
        return;
      }
      const name = (info.filename || "upload").replace(/\\/g, "/").split("/").filter((s) => s && s !== "..").join("/") || "upload";
      stream.on("limit", () => stream.destroy(new UploadError(413, "too_large", `${name} exceeds the upload limit of ${maxBytes} bytes.`)));
      stored.push(
        // Held: an identical blob that a clean-up removes before our rows exist is restored from this copy.
        store.put(stream, { maxBytes, hold: true }).then((put) => {
          total += put.size;
          if (total > maxBytes) {
            void store.settle(put);
            throw new UploadError(413, "too_large", `The upload exceeds the limit of ${maxBytes} bytes.`);
          }
          return { name, sha256: put.sha256, size: put.size, held: put.held };
        }),
      );
    });
    bb.on("error", (e) => reject(new UploadError(400, "bad_multipart", `Could not read the multipart body: ${(e as Error).message}`)));
    bb.on("close", resolve);
  });
  Readable.fromWeb(request.body as import("node:stream/web").ReadableStream).pipe(bb);
  await done;
  const settled = await Promise.allSettled(stored);
  const files = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) {
    await Promise.all(files.map((f) => store.settle(f)));
    throw failed.reason;
  }
  if (files.length === 0) throw new UploadError(400, "no_files", "No `file` parts in the upload.");
  return files;
}
