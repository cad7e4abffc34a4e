/** At most `max` characters of `text`, never ending between the two halves of a surrogate pair. */
export function cutChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** The characters of a key a path shows; a longer key is cut. */
const KEY_CHARS = 40;
/** The parts of a path shown: its first ones and its last one. */
const SHOWN_PARTS = 12;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Where a part of a JSON value is, for a message: `args[0].user["first name"]`. Keys are JSON-quoted
 * (which escapes `\u0000` and unpaired surrogates) and cut, and a long path is elided in the middle,
 * so the text is short and storable whatever the keys hold.
 */
export function describePath(root: string, path: readonly (string | number)[]): string {
  const parts = path.map((key) => {
    if (typeof key === "number") return `[${key}]`;
    const shown = cutChars(key, KEY_CHARS);
    if (shown === key && IDENTIFIER.test(key)) return `.${key}`;
    return `[${JSON.stringify(shown)}${shown === key ? "" : "…"}]`;
  });
  if (parts.length <= SHOWN_PARTS) return root + parts.join("");
  const elided = parts.length - SHOWN_PARTS;
  return `${root}${parts.slice(0, SHOWN_PARTS - 1).join("")}…(${elided} more)…${parts.at(-1)}`;
}
