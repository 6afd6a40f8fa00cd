import { notFound } from "next/navigation";
import { app } from "@/lib/server/app";
import { pageIncidentAccess } from "@/lib/auth/access";

/**
 * Decides access and existence before anything is sent. The pages below stream behind loading.tsx, so by the
 * time a page calls notFound() the 200 status has already gone out; here, outside that boundary, an unknown
 * incident is a real 404 (and an anonymous visitor is sent to sign-in before learning whether it exists).
 */
export default async function IncidentLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  await pageIncidentAccess(id);
  const found = await app().db.incident.findUnique({ where: { id }, select: { id: true } });
  if (!found) notFound();
  return children;
}
