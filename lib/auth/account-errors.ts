import { apiError } from "@/lib/api/errors";
import { AccountError } from "./users";

const STATUS: Record<AccountError["code"], number> = { invalid_email: 422, weak_password: 422, email_taken: 409, last_admin: 409, not_found: 404 };

/** An account rule broken: its own status and message; anything else is not ours to answer. */
export function accountErrorResponse(e: unknown) {
  return e instanceof AccountError ? apiError(STATUS[e.code], e.code, e.message) : null;
}
