// Who is signed in on this device: the token, its expiry and the user (localStorage).
//
// A token ends (12 hours, or revoked) while the worker may still be scanning in a dead spot.
// The token is then gone, but the worker is kept: their scans are still saved under their
// name, and only that worker signing in again sends them (the server re-checks each one).

const KEY = "scanfloor.session";
export const ROLES = ["worker", "supervisor", "manager", "admin"];

function stored() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) || "null");
    return s && s.user ? s : null;
  } catch {
    return null;
  }
}

/* The session, while its token is good on this device's clock; else null. */
export function currentSession() {
  const s = stored();
  if (!s || !s.token) return null;
  if (s.expires_at && new Date(s.expires_at).getTime() <= Date.now()) return null;
  return s;
}

/* The worker this device works for: signed in now, or signed in before their token ended
 * (expired, or refused by the server). Null after a sign-out. */
export function deviceUser() {
  return stored()?.user ?? null;
}

/* The worker is known but must sign in again before anything can be sent. */
export function signInNeeded() {
  return !!stored() && !currentSession();
}

export function saveSession({ token, expires_at, user }) {
  localStorage.setItem(KEY, JSON.stringify({ token, expires_at, user }));
}

/* The token no longer works: drop it, keep who the worker is. */
export function endSession() {
  const s = stored();
  if (s)
    localStorage.setItem(
      KEY,
      JSON.stringify({ user: s.user, token: null, ended_at: new Date().toISOString() }),
    );
}

/* Signing out: nobody works on this device now. */
export function clearSession() {
  localStorage.removeItem(KEY);
}

export function hasRole(user, lowest) {
  if (!user) return false;
  return ROLES.indexOf(user.role) >= ROLES.indexOf(lowest);
}
