import { z } from "zod";

/** `POST /api/incidents/{id}/share-links`: expiry in hours from now (omit or null: never). */
export const ShareLinkCreate = z.object({
  label: z.string().trim().max(200).default(""),
  expiresInHours: z
    .number()
    .positive()
    .max(24 * 366)
    .nullable()
    .default(null),
  allowDownload: z.boolean().default(false),
});

/** `POST /api/upload-links`. */
export const UploadLinkCreate = z.object({
  label: z.string().trim().min(1, "Name the ticket or customer.").max(200),
  expiresInHours: z
    .number()
    .positive()
    .max(24 * 90)
    .default(72),
  maxUses: z.number().int().min(1).max(100).default(3),
});
