// The REST API client: JSON in and out, the bearer token, one error shape, and a timeout.

import { currentSession } from "./session.js";

export const API = "/api/v1";
const DEFAULT_TIMEOUT_MS = 8000;

/* The server answered with {error: {code, message, details}} (or something else non-2xx). */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || `http_${status}`;
    this.details = details || {};
  }
  /* 5xx and 429 may pass: try again later. Other 4xx are an answer: the request is refused. */
  get retryable() {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
  get refused() {
    return this.status >= 400 && this.status < 500 && !this.retryable && this.status !== 401;
  }
}

/* No answer at all: offline, timed out, connection dropped. Always worth a retry. */
export class NetworkError extends Error {
  constructor(message) {
    super(message || "no network");
    this.retryable = true;
    this.refused = false;
    this.status = 0;
    this.code = "network";
  }
}

const listeners = new Set();
/* Called with the error when the server says the token is no longer good (401). */
export function onUnauthorized(fn) {
  listeners.add(fn);
}

export async function request(
  method,
  path,
  { body, headers = {}, token, timeoutMs = DEFAULT_TIMEOUT_MS, auth = true } = {},
) {
  const h = { Accept: "application/json", ...headers };
  if (body !== undefined) h["Content-Type"] = "application/json";
  const bearer = token ?? (auth ? currentSession()?.token : null);
  if (bearer) h.Authorization = `Bearer ${bearer}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let resp;
  try {
    resp = await fetch(API + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: "no-store",
      credentials: "omit",
    });
  } catch (err) {
    throw new NetworkError(
      err?.name === "AbortError" ? "the server did not answer in time" : "no network",
    );
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const text = await resp.text().catch(() => "");
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!resp.ok) {
    const e = data && data.error ? data.error : {};
    const err = new ApiError(resp.status, e.code, e.message, e.details);
    // Also with no bearer: the device's copy of the token has ended, the server wants one.
    if (resp.status === 401 && auth) listeners.forEach((fn) => fn(err));
    throw err;
  }
  return {
    status: resp.status,
    data,
    replayed: resp.headers.get("Idempotent-Replayed") === "true",
  };
}

export const get = (path, opts) => request("GET", path, opts).then((r) => r.data);
export const post = (path, body, opts) =>
  request("POST", path, { ...opts, body }).then((r) => r.data);

/* What a person should read about an error: the server's message, else a plain fallback. */
export function describe(err) {
  if (err instanceof NetworkError) return "No network: the server cannot be reached.";
  if (err instanceof ApiError) return err.message || `The server refused this (${err.code}).`;
  return String(err?.message || err);
}
