/**
 * POSTs `data` as JSON from the browser. `res` is null when the server was not reached; `body` is the answer's JSON,
 * null when there is none. Never throws.
 */
export async function postJson<Body = ApiAnswer>(
  url: string,
  data: unknown,
): Promise<{ res: Response | null; body: Body | null }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(data),
  }).catch(() => null);
  const body = ((await res?.json().catch(() => null)) ?? null) as Body | null;
  return { res, body };
}

/** What the API answers on an error (lib/api/errors.ts); other answers add their own fields. */
export type ApiAnswer = { error?: { message?: string } };
