import { openAsBlob, readdirSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { SAMPLE_DIR } from "./helpers/samples";

// The same request curl sends: `curl -F file=@a -F file=@b http://host/api/incidents`.
test("upload through the HTTP API and read the incident JSON", async ({ request, baseURL }) => {
  const form = new FormData();
  for (const f of readdirSync(SAMPLE_DIR).filter((n) => n !== "README.md"))
    form.append("file", await openAsBlob(path.join(SAMPLE_DIR, f)), f);
  const res = await fetch(`${baseURL}/api/incidents`, { method: "POST", body: form });
  expect(res.status).toBe(201);
  const created = await res.json();
  expect(created.url).toBe(`${baseURL}/incidents/${created.id}`);
  expect(created.files).toHaveLength(3);

  let view;
  await expect
    .poll(
      async () => {
        view = await (await request.get(`/api/incidents/${created.id}`)).json();
        return view.pending;
      },
      { timeout: 60_000 },
    )
    .toBe(false);
  expect(view!.summary).toMatchObject({
    status502: 3,
    transactions: 25,
    errorCodes: { ECONNRESET: 3 },
    logCoverage: "full",
  });
  expect(view!.targets[0]).toMatchObject({ target: "127.0.0.1:28081", requests: 25, errors502: 3 });

  const list = await (await request.get("/api/incidents")).json();
  expect(list.incidents.some((i: { id: string }) => i.id === created.id)).toBe(true);
  expect((await request.get("/api/incidents/inc_nope")).status()).toBe(404);
});

test("API errors are specific", async ({ baseURL }) => {
  const noFiles = await fetch(`${baseURL}/api/incidents`, { method: "POST", body: new FormData() });
  expect(noFiles.status).toBe(400);
  const bad = await fetch(`${baseURL}/api/incidents`, {
    method: "POST",
    body: "x",
    headers: { "content-type": "text/plain" },
  });
  expect(bad.status).toBe(415);
  expect((await bad.json()).error.code).toBe("unsupported_media_type");
});
