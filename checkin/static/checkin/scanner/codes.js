// What a scanned or typed text is: a badge (its secret, or a reference typed by hand), a pairing
// QR's link, or nothing we know.
const PREFIX = "DLD1:";

/** `{secret}`, `{reference}`, `{pairing}` or null. `pairPath` is the pairing page's path with
 * "CODE" for the code; `base` the page's URL (a pairing link may be relative). */
export function parseCode(raw, pairPath, base) {
  const value = String(raw || "").trim();
  if (!value) return null;
  const pairing = pairingCodeOf(value, pairPath, base);
  if (pairing) return { pairing };
  const upper = value.toUpperCase();
  if (upper.startsWith(PREFIX)) return { secret: upper.slice(PREFIX.length).trim() };
  if (/^DLD-[A-Z0-9]{4,8}$/.test(upper)) return { reference: upper };
  if (/^[A-Z2-7]{16,64}$/.test(upper)) return { secret: upper };
  return null;
}

function pairingCodeOf(value, pairPath, base) {
  const [before, after] = pairPath.split("CODE");
  try {
    const url = new URL(value, base);
    if (!/^https?:$/.test(url.protocol) || !url.pathname.startsWith(before)) return null;
    const code = url.pathname.slice(before.length, url.pathname.length - (url.pathname.endsWith(after) ? after.length : 0));
    return /^[A-Za-z0-9_-]{8,100}$/.test(code) ? code : null;
  } catch (error) {
    return null;
  }
}
