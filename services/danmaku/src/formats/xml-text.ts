/**
 * Characters XML 1.0 forbids in a document (XML 1.0 §2.2 `Char`): C0 controls other than tab, LF and CR, lone
 * surrogates, U+FFFE and U+FFFF.
 */
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` without the characters XML 1.0 forbids (see {@link XML_FORBIDDEN}). */
export function stripXmlForbidden(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/**
 * `text` ready for XML element content or a quoted attribute: forbidden characters stripped, `& < > " '` escaped as
 * the five predefined entities (XML 1.0 §4.6, danmaku-formats.md §3.2 export rule), and CR as `&#13;` so that a
 * parser's line-end normalisation (XML 1.0 §2.11) gives it back unchanged.
 */
export function escapeXml(text: string): string {
  return stripXmlForbidden(text).replace(/[&<>"'\r]/g, (char) => XML_ESCAPES[char] ?? char);
}
