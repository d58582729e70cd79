/**
 * Escapes `& < > " '` as `&amp; &lt; &gt; &quot; &#39;`, so a text drawn with `innerHTML` (DPlayer's danmaku layer)
 * shows as text and never as markup: `<img src=x onerror=alert(1)>` stays visible characters. DPlayer-node escapes
 * author and text the same way before answering (danmaku-formats.md §3.4).
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
