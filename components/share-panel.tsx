import { currentViewer } from "@/lib/auth/access";
import { SharePanelClient } from "./share-panel-client";

/** The incident's Share panel; knows whether accounts exist, because without them a share link is no read-only link. */
export async function SharePanel({ incidentId }: { incidentId: string }) {
  const viewer = await currentViewer();
  return <SharePanelClient incidentId={incidentId} openMode={viewer.kind === "open"} />;
}
