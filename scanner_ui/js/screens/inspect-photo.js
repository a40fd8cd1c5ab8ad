// The photo of a returned item's condition: made small on the device, then uploaded with the
// bearer token as multipart (api.js speaks JSON only). It needs the network: a photo is never
// queued in the outbox.

import { API, ApiError, NetworkError } from "../api.js";
import { currentSession } from "../session.js";
import { newClientId } from "../settings.js";
import { fitWithin } from "./inspect-rules.js";

const PHOTO_MAX_PX = 1600; // long side: enough to see damage, small enough to send fast
const PHOTO_TIMEOUT_MS = 20000;

/* A phone photo made small enough to send quickly (long side PHOTO_MAX_PX, JPEG); the file
 * itself when it is small already or cannot be decoded here (the server checks it anyway). */
export async function shrink(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const size = fitWithin(bitmap.width, bitmap.height, PHOTO_MAX_PX);
    if (!size.scaled && file.size < 1_000_000) {
      bitmap.close?.();
      return file;
    }
    const canvas = document.createElement("canvas");
    canvas.width = size.width;
    canvas.height = size.height;
    canvas.getContext("2d").drawImage(bitmap, 0, 0, size.width, size.height);
    bitmap.close?.();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return blob || file;
  } catch {
    return file;
  }
}

/* A multipart POST with the bearer token (api.js speaks JSON only); the API's error shape. */
export async function upload(path, form) {
  const token = currentSession()?.token;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PHOTO_TIMEOUT_MS);
  let resp;
  try {
    resp = await fetch(API + path, {
      method: "POST",
      headers: {
        Accept: "application/json",
        "Idempotency-Key": newClientId(),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: form,
      signal: controller.signal,
      cache: "no-store",
      credentials: "omit",
    });
  } catch (err) {
    throw new NetworkError(err?.name === "AbortError" ? "the server did not answer in time" : "");
  } finally {
    clearTimeout(timer);
  }
  const data = await resp.json().catch(() => null);
  if (!resp.ok) {
    const e = data?.error || {};
    throw new ApiError(resp.status, e.code, e.message, e.details);
  }
  return data;
}
