/** `ParseJob.status`, a plain string column: its values defined once, parsed where rows are read. */
import { z } from "zod";

/** queued → running → done | failed; a running job whose worker died goes back to queued (lib/jobs/queue.ts). */
export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const JobStatusSchema = z.enum(JOB_STATUSES);
