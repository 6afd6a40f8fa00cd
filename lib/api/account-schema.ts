import { z } from "zod";

export const UserCreate = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
  role: z.enum(["admin", "engineer"]).default("engineer"),
});
