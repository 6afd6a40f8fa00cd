/** Download file names: the incident title as a slug, then what the file is. Pure. */

export function titleSlug(title: string, fallback: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || fallback;
}

/** `attachment; filename="slug-what.ext"`: the slug is ASCII only, so no `filename*` is needed. */
export function attachment(title: string, incidentId: string, what: string): string {
  return `attachment; filename="${titleSlug(title, incidentId)}-${what}"`;
}
