/** The wrapper and the one error mapping, on handlers built here (public access: no database involved). */
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AccountError } from "@/lib/auth/users";
import { UploadError } from "@/lib/ingest/upload";
import { BadCursor } from "@/lib/incidents/connection-cursor";
import { AccessDenied } from "@/lib/auth/access";
import { ApiError, ApiErrorBody, errorResponse } from "./errors";
import { route } from "./route";

const call = (
  h: ReturnType<typeof route>,
  init: RequestInit & { url?: string } = {},
  params: Record<string, string> = {},
) => h(new Request(init.url ?? "http://127.0.0.1/x", { method: "POST", ...init }), { params: Promise.resolve(params) });
const errorOf = async (res: Response) => ApiErrorBody.parse(await res.json()).error;

describe("route()", () => {
  const Body = z.object({ n: z.number().int(), tag: z.string().default("none") });
  const echo = route(
    { access: "public", body: Body, query: z.object({ sort: z.enum(["a", "b"]).default("a") }) },
    ({ body, query, params }) => Response.json({ body, query, params }),
  );

  it("hands the handler the parsed body, query (empty values dropped) and awaited params", async () => {
    const res = await call(echo, { url: "http://127.0.0.1/x?sort=b&extra=", body: '{"n": 3}' }, { id: "inc_1" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { n: 3, tag: "none" }, query: { sort: "b" }, params: { id: "inc_1" } });
  });

  it("refuses malformed, empty and invalid bodies, and an invalid query, before the handler runs", async () => {
    const cases: [RequestInit & { url?: string }, number, string][] = [
      [{ body: '{"n": 3' }, 400, "invalid_json"],
      [{ body: "" }, 400, "empty_body"],
      [{}, 400, "empty_body"],
      [{ body: '{"n": "3"}' }, 422, "invalid_input"],
      [{ url: "http://127.0.0.1/x?sort=c", body: '{"n": 3}' }, 422, "invalid_input"],
    ];
    for (const [init, status, code] of cases) {
      const res = await call(echo, init);
      expect([res.status, (await errorOf(res)).code], JSON.stringify(init)).toEqual([status, code]);
    }
    const res = await call(echo, { body: '{"n": 1.5}' });
    expect((await errorOf(res)).details).toEqual([expect.objectContaining({ path: ["n"] })]);
  });

  it("never reads the body of a handler without a body spec (uploads stream theirs)", async () => {
    const raw = route({ access: "public" }, async ({ req, body }) =>
      Response.json({ body: body ?? null, text: await req.text() }),
    );
    expect(await (await call(raw, { body: "not json" })).json()).toEqual({ body: null, text: "not json" });
  });

  it("maps what the handler throws through errorResponse, headers included", async () => {
    const limited = route({ access: "public" }, () => {
      throw new ApiError(429, "rate_limited", "Wait.", { headers: { "retry-after": "7" } });
    });
    const res = await call(limited);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await errorOf(res)).toEqual({ code: "rate_limited", message: "Wait." });
  });
});

describe("errorResponse", () => {
  it("answers every domain error with its own status and code", async () => {
    const cases: [unknown, number, string][] = [
      [new AccessDenied(401, "sign_in_required", "Sign in."), 401, "sign_in_required"],
      [new AccountError("email_taken", "taken"), 409, "email_taken"],
      [new AccountError("weak_password", "weak"), 422, "weak_password"],
      [new UploadError(413, "too_large", "big"), 413, "too_large"],
      [new BadCursor("bad"), 400, "bad_cursor"],
      [z.object({ a: z.string() }).safeParse({}).error, 422, "invalid_input"],
    ];
    for (const [e, status, code] of cases) {
      const res = errorResponse(e);
      expect([res.status, (await errorOf(res)).code]).toEqual([status, code]);
    }
  });

  it("answers anything else 500 with a reference, and keeps its message in the server log", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = errorResponse(new Error("connect ECONNREFUSED 10.1.2.3:5432"));
    expect(res.status).toBe(500);
    const { code, message } = await errorOf(res);
    expect(code).toBe("internal");
    expect(message).not.toContain("10.1.2.3");
    const ref = message.match(/ref (\w+)/)![1];
    expect(String(log.mock.calls[0][0])).toContain(ref);
    log.mockRestore();
  });
});
