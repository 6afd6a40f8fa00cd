import { z } from "zod";
import { RoleSchema } from "@/lib/auth/roles";

export const UserCreate = z.object({
  email: z.string().trim().min(3).max(254),
  password: z.string().min(1).max(1024),
  role: RoleSchema.default("engineer"),
});
