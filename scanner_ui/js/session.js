// Who is signed in on this device: the token, its expiry and the user (localStorage).

const KEY = "scanfloor.session";
export const ROLES = ["worker", "supervisor", "manager", "admin"];

export function currentSession() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) || "null");
    if (!s || !s.token || !s.user) return null;
    if (s.expires_at && new Date(s.expires_at).getTime() <= Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

export function saveSession({ token, expires_at, user }) {
  localStorage.setItem(KEY, JSON.stringify({ token, expires_at, user }));
}

export function clearSession() {
  localStorage.removeItem(KEY);
}

export function hasRole(user, lowest) {
  if (!user) return false;
  return ROLES.indexOf(user.role) >= ROLES.indexOf(lowest);
}
