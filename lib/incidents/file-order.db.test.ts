/**
 * The files of one upload share createdAt and have random ids: the incident page and its progress poll list them by
 * name, whatever order the upload held them in and whatever order the database returns ties in (PostgreSQL varies).
 */
import path from "node:path";
import { expect, it } from "vitest";
import { openIngested } from "@/lib/testing/worker";
import { openForFile } from "@/lib/testing/test-db";
import { SAMPLE_DIR, sampleFileNames } from "@/lib/testing/samples";
import { getIncidentProgress, getIncidentView } from "./view";

// Uploaded in reverse name order: insertion order and name order disagree.
const uploaded = sampleFileNames()
  .sort()
  .reverse()
  .map((n) => path.join(SAMPLE_DIR, n));
const env = openForFile(() => openIngested(uploaded));

it("lists the files of one upload by name, on the page and in its progress poll alike", async () => {
  const db = env.t.handle.prisma;
  const view = (await getIncidentView(db, env.incidentId))!;
  const names = view.files.map((f) => f.name);
  expect(names).toHaveLength(3);
  expect(names).toEqual([...names].sort());
  const progress = (await getIncidentProgress(db, env.incidentId))!;
  expect(progress.files.map((f) => f.id)).toEqual(view.files.map((f) => f.id));
});
