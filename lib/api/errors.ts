import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { UploadError } from "@/lib/ingest/upload";
import { AccessDenied } from "@/lib/auth/access";

/** The API's one error shape: `{ error: { code, message, details? } }`. */
export function apiError(status: number, code: string, message: string, details?: unknown) {
  return NextResponse.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, { status });
}

export function handleApiError(e: unknown) {
  if (e instanceof ZodError) return apiError(422, "invalid_input", "The request body is not valid.", e.issues);
  if (e instanceof AccessDenied) return apiError(e.status, e.code, e.message);
  if (e instanceof UploadError) return apiError(e.status, e.code, e.message);
  const ref = Math.random().toString(36).slice(2, 10);
  console.error(`[api] unexpected error ref=${ref}`, e);
  return apiError(500, "internal", `Something went wrong on the server (ref ${ref}).`);
}
