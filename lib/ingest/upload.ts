import type { Readable } from "node:stream";
import busboy from "busboy";
import { ApiError } from "@/lib/api/errors";
import type { BlobStore } from "./blobs";
import { requestBody } from "./request-body";
import type { StoredUpload } from "./bundle";

/** A refused upload: its status and code reach the client as they are (lib/api/errors.ts). */
export class UploadError extends ApiError {}

/** Files one upload may carry; more is refused, never silently dropped (a bundle of more files goes zipped). */
export const MAX_FILES = 1000;

/**
 * Streams every `file` part of a multipart request into the blob store; nothing is held in memory. Past a limit
 * (bytes, however the body is sent, chunked included; or files) it stops reading the body at once and throws a
 * 413: nothing waits for the rest of a body that is refused anyway.
 */
export async function receiveUpload(request: Request, store: BlobStore, maxBytes: number): Promise<StoredUpload[]> {
  // The upload routes bypass proxy.ts (it would buffer, and cut off, bodies over 10 MB): route({ gate: true }) runs its gate.
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data"))
    throw new UploadError(
      415,
      "unsupported_media_type",
      "Send the bundle as multipart/form-data with one or more `file` parts.",
    );
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes)
    throw new UploadError(
      413,
      "too_large",
      `Upload of ${declared} bytes exceeds the limit of ${maxBytes} bytes (MAX_UPLOAD_BYTES).`,
    );
  const source = requestBody(request);
  if (!source) throw new UploadError(400, "empty_body", "The request has no body.");

  const bb = busboy({ headers: { "content-type": contentType }, limits: { fileSize: maxBytes, files: MAX_FILES } });
  const stored: Array<Promise<StoredUpload>> = [];
  const open = new Set<Readable>();
  let total = 0;
  let refused: UploadError | null = null;
  const done = new Promise<void>((resolve, reject) => {
    // Stops everything: no more body is read (busboy would otherwise stall on a destroyed file stream and the
    // request would never be answered), every file being written is abandoned, and the upload fails with `err`.
    const refuse = (err: UploadError) => {
      if (refused) return;
      refused = err;
      source.unpipe(bb);
      source.destroy();
      for (const f of open) f.destroy(); // its store.put fails (premature close) and removes the partial file
      bb.removeAllListeners("close");
      reject(err);
    };
    let bodyBytes = 0;
    source.on("data", (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBytes)
        refuse(
          new UploadError(413, "too_large", `The upload exceeds the limit of ${maxBytes} bytes (MAX_UPLOAD_BYTES).`),
        );
    });
    source.on("error", (e) => refuse(new UploadError(400, "bad_body", `The upload was interrupted: ${e.message}`)));
    bb.on("filesLimit", () =>
      refuse(
        new UploadError(
          413,
          "too_many_files",
          `The upload has more than ${MAX_FILES} files; send them as one .zip or .tar.gz, or in several uploads.`,
        ),
      ),
    );
    bb.on("file", (field, stream, info) => {
      if (field !== "file" || refused) {
        stream.resume();
        return;
      }
      const name =
        (info.filename || "upload")
          .replace(/\\/g, "/")
          .split("/")
          .filter((s) => s && s !== "..")
          .join("/") || "upload";
      open.add(stream);
      stream.on("close", () => open.delete(stream));
      stream.on("limit", () =>
        refuse(new UploadError(413, "too_large", `${name} exceeds the upload limit of ${maxBytes} bytes.`)),
      );
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
    bb.on("error", (e) =>
      refuse(new UploadError(400, "bad_multipart", `Could not read the multipart body: ${(e as Error).message}`)),
    );
    bb.on("close", resolve);
  });
  source.pipe(bb);
  const failure = await done.then(
    () => null,
    (e: unknown) => e,
  );
  const settled = await Promise.allSettled(stored);
  const files = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = failure ?? (settled.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined)?.reason;
  if (failed) {
    await Promise.all(files.map((f) => store.settle(f)));
    throw failed;
  }
  if (files.length === 0) throw new UploadError(400, "no_files", "No `file` parts in the upload.");
  return files;
}
