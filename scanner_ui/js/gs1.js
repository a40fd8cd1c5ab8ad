// Local reading of a scan, enough to check it against the cached task while offline:
// AIM prefix, GTIN (normalised to 14 digits like the server stores it), and GS1 element
// strings (01 GTIN, 10 lot, 17 expiry, 00 SSCC, 30/37 count, ...) with GS or a stand-in.
// The server re-reads the raw text on every confirmation: this only decides what the
// worker hears now.

export const GS = "\x1d";
const AIM = /^\][A-Za-z][0-9A-Za-z]/;
const GS1_AIMS = new Set(["]C1", "]d2", "]Q3", "]e0", "]J1"]);
const GTIN_AIMS = new Set(["]E0", "]E3", "]E4", "]I1"]);
const GTIN_LENGTHS = [8, 12, 13, 14];

// Fixed-length AIs (data length after the AI); any other known AI runs to the next separator.
const FIXED = { "00": 18, "01": 14, "02": 14, 11: 6, 12: 6, 13: 6, 15: 6, 16: 6, 17: 6, 20: 2 };
const VARIABLE_2 = new Set([
  "10",
  "21",
  "22",
  "30",
  "37",
  "90",
  "91",
  "92",
  "93",
  "94",
  "95",
  "96",
  "97",
  "98",
  "99",
]);
const VARIABLE_3 = new Set([
  "240",
  "241",
  "242",
  "250",
  "251",
  "253",
  "254",
  "400",
  "401",
  "403",
  "420",
  "421",
]);

export function gtinCheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/* A GTIN-8/12/13/14 with a good check digit as 14 digits, else null. */
export function normaliseGtin(text) {
  const digits = String(text ?? "").trim();
  if (!/^\d+$/.test(digits) || !GTIN_LENGTHS.includes(digits.length)) return null;
  if (gtinCheckDigit(digits.slice(0, -1)) !== Number(digits.at(-1))) return null;
  return digits.padStart(14, "0");
}

/* A stored barcode (14-digit GTIN or internal code) in the form scans are compared in. */
export function canonicalCode(code) {
  const text = String(code ?? "").trim();
  return normaliseGtin(text) ?? text.toUpperCase();
}

function expiryDate(yymmdd) {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  let day = Number(yymmdd.slice(4, 6));
  if (month < 1 || month > 12) return null;
  // GS1 general specifications 7.12: the century puts the year within -49..+50 of now.
  const now = new Date().getFullYear();
  let year = Math.floor(now / 100) * 100 + yy;
  if (year - now > 50) year -= 100;
  else if (now - year > 49) year += 100;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0) day = lastDay; // day 00 means the end of the month
  if (day > lastDay) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function aiAt(text, i) {
  const two = text.slice(i, i + 2);
  if (two in FIXED) return { ai: two, fixed: FIXED[two] };
  if (VARIABLE_2.has(two)) return { ai: two, fixed: 0 };
  const three = text.slice(i, i + 3);
  if (/^41[0-7]$/.test(three)) return { ai: three, fixed: 13 };
  if (three === "402") return { ai: three, fixed: 17 };
  if (VARIABLE_3.has(three)) return { ai: three, fixed: 0 };
  const four = text.slice(i, i + 4);
  if (/^3[1-6]\d\d$/.test(four)) return { ai: four, fixed: 6 };
  if (/^70\d\d$/.test(four) || /^80\d\d$/.test(four)) return { ai: four, fixed: 0 };
  return null;
}

/* Element string to {ai: value}; null if it does not read as GS1 from the first character. */
export function parseElementString(text, separators = [GS]) {
  const seps = new Set([GS, ...separators]);
  const out = {};
  let i = 0;
  while (seps.has(text[i])) i++; // a leading FNC1/GS
  if (i >= text.length) return null;
  while (i < text.length) {
    const found = aiAt(text, i);
    if (!found) return Object.keys(out).length ? { ...out, _partial: "true" } : null;
    i += found.ai.length;
    let value;
    if (found.fixed) {
      value = text.slice(i, i + found.fixed);
      if (value.length !== found.fixed)
        return Object.keys(out).length ? { ...out, _partial: "true" } : null;
      i += found.fixed;
    } else {
      let end = i;
      while (end < text.length && !seps.has(text[end])) end++;
      value = text.slice(i, end);
      i = end;
    }
    out[found.ai] = value;
    while (seps.has(text[i])) i++;
  }
  return out;
}

function parseHri(text) {
  const out = {};
  const re = /\((\d{2,4})\)([^(]*)/g;
  let m;
  let consumed = 0;
  while ((m = re.exec(text)) !== null) {
    out[m[1]] = m[2];
    consumed += m[0].length;
  }
  return consumed === text.length && Object.keys(out).length ? out : null;
}

/* What a raw scan says, as far as this device can tell without the server. */
export function parseScan(raw, { standIns = ["|"] } = {}) {
  const text0 = String(raw ?? "").replace(/^[\r\n\t ]+|[\r\n\t ]+$/g, "");
  const aimMatch = text0.match(AIM);
  const aim = aimMatch ? aimMatch[0] : "";
  const text = text0.slice(aim.length);
  const result = {
    raw: String(raw ?? ""),
    aim,
    text,
    gtin: null,
    lot: null,
    expiry: null,
    sscc: null,
    count: null,
    serial: null,
    code: null,
    gs1: null,
  };
  const seps = [GS, ...standIns.filter(Boolean)];
  let ais = null;
  if (text.startsWith("(")) ais = parseHri(text);
  else if (GS1_AIMS.has(aim)) ais = parseElementString(text, seps);
  else if (!GTIN_AIMS.has(aim)) {
    const plainGtin = /^\d+$/.test(text) && GTIN_LENGTHS.includes(text.length);
    const hasSep = seps.some((c) => text.includes(c));
    const keyStart = /^(?:00\d{18}|0[12]\d{14})/.test(
      text.replace(new RegExp(`^[${escapeClass(seps)}]+`), ""),
    );
    if (!plainGtin && ((hasSep && /^\D?\d\d/.test(text)) || keyStart))
      ais = parseElementString(text, seps);
  }
  if (ais) {
    result.gs1 = ais;
    result.gtin = normaliseGtin(ais["01"] ?? ais["02"] ?? "");
    result.lot = ais["10"] ?? null;
    result.expiry = ais["17"] ? expiryDate(ais["17"]) : null;
    result.sscc = ais["00"] ?? null;
    result.serial = ais["21"] ?? null;
    const count = ais["30"] ?? ais["37"];
    result.count = count && /^\d+$/.test(count) ? Number(count) : null;
    return result;
  }
  const gtin = normaliseGtin(text);
  if (gtin) result.gtin = gtin;
  else result.code = text.toUpperCase();
  return result;
}

function escapeClass(chars) {
  return chars.map((c) => c.replace(/[\\\]^-]/g, "\\$&")).join("");
}

/* The canonical codes a scan could match in a barcode list (GTIN-14 or upper-cased text). */
export function scanKeys(scan) {
  return [scan.gtin, scan.code, scan.sscc].filter(Boolean);
}
