// One confirmation from a workflow screen: stored in the outbox, sent, and the worker told.
// Sent and accepted, or stored for later after passing the local checks: the success sound.
// Refused by the server: the screen decides what to say (it knows what to ask next).

import { NetworkError } from "./api.js";
import { newClientId } from "./settings.js";

export async function confirmScan(ctx, { kind, path, body, what, where, route }) {
  const clientId = newClientId();
  const record = {
    kind,
    path,
    client_id: clientId,
    body: { ...body, client_scan_id: clientId, device_id: ctx.deviceId },
    what,
    where,
    context: { route },
  };
  const outcome = await ctx.outbox.submit(record);
  if (outcome.queued) {
    const why = outcome.error instanceof NetworkError ? "no network" : "the server is busy";
    ctx.feedback.success("Saved on device", `${what} → ${where}. Sends by itself (${why}).`);
  }
  return outcome;
}
