/**
 * Markup inside feed text: turning the HTML that live-blog pages put in their JSON-LD strings into
 * plain paragraphs (the HTML import), and noticing markup that a text or JSON feed keeps as
 * literal text (the preview's "markup kept"). A small tokenizer, not a DOM: it only needs to tell
 * tags, comments and entities from text. Pure: no I/O.
 */

/** Elements that end a paragraph: their start and end tags become a blank line. */
const BLOCK = new Set([
  "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
  "figure", "figcaption", "section", "article", "header", "footer", "aside", "table", "tr", "pre", "hr", "main", "nav",
]);
/** Elements whose content is not text a reader sees: dropped with the tags. */
const HIDDEN = new Set(["script", "style", "template", "svg", "noscript", "iframe", "object"]);

export interface MarkupToken {
  /** "text", "tag" (start or end tag), "comment". */
  type: "text" | "tag" | "comment";
  /** The source text of the token. */
  raw: string;
  /** For tags: the element name, lower case. */
  name?: string;
  end?: boolean;
}

const TAG_START = /[A-Za-z]/;

/** Splits `s` into text, tags and comments. A "<" that does not start a tag or comment is text. */
export function tokenizeMarkup(s: string): MarkupToken[] {
  const out: MarkupToken[] = [];
  let text = "";
  let i = 0;
  const flush = () => {
    if (text !== "") out.push({ type: "text", raw: text });
    text = "";
  };
  while (i < s.length) {
    const lt = s.indexOf("<", i);
    if (lt < 0) {
      text += s.slice(i);
      break;
    }
    text += s.slice(i, lt);
    if (s.startsWith("<!--", lt)) {
      const close = s.indexOf("-->", lt + 4);
      const end = close < 0 ? s.length : close + 3;
      flush();
      out.push({ type: "comment", raw: s.slice(lt, end) });
      i = end;
      continue;
    }
    const isEnd = s[lt + 1] === "/";
    const nameAt = lt + (isEnd ? 2 : 1);
    if (!TAG_START.test(s[nameAt] ?? "")) {
      text += "<";
      i = lt + 1;
      continue;
    }
    const tagEnd = findTagEnd(s, nameAt);
    if (tagEnd < 0) {
      // "<b" with no ">": not a tag.
      text += "<";
      i = lt + 1;
      continue;
    }
    const name = /^[A-Za-z][A-Za-z0-9:-]*/.exec(s.slice(nameAt, nameAt + 64))![0].toLowerCase();
    flush();
    out.push({ type: "tag", raw: s.slice(lt, tagEnd + 1), name, end: isEnd });
    i = tagEnd + 1;
  }
  flush();
  return out;
}

/** Index of the ">" that closes the tag whose name starts at `from`, skipping quoted attribute values; -1 if none. */
export function findTagEnd(s: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      // A quote only opens a value right after "=" (possibly with spaces); elsewhere it is junk.
      let j = i - 1;
      while (j > from && /\s/.test(s[j]!)) j--;
      if (s[j] === "=") quote = c;
    } else if (c === ">") return i;
    else if (c === "<") return -1;
  }
  return -1;
}

/** Names of the tags in `s` (first appearance order, no duplicates). Empty for plain text. */
export function tagsIn(s: string): string[] {
  const names = new Set<string>();
  for (const t of tokenizeMarkup(s)) if (t.type === "tag") names.add(t.name!);
  return [...names];
}

export interface StrippedText {
  text: string;
  /** Element names whose tags were removed, first appearance order. */
  tags: string[];
  /** Whether any HTML entity was decoded. */
  entities: boolean;
}

/**
 * Plain text from a string that may hold HTML. Without tags the string stays as written (line
 * breaks and spacing kept), only entities decoded and ends trimmed. With tags it is read as HTML:
 * block elements and blank lines separate paragraphs ("\n\n"), `<br>` is a line break, other
 * whitespace collapses to one space, tags and comments go, script/style content goes.
 */
export function stripMarkup(input: string): StrippedText {
  const s = input.replace(/\r\n?/g, "\n");
  const tokens = tokenizeMarkup(s);
  const hasMarkup = tokens.some((t) => t.type !== "text");
  if (!hasMarkup) {
    const decoded = decodeEntities(s);
    return { text: decoded.trim(), tags: [], entities: decoded !== s };
  }
  const tags = new Set<string>();
  let entities = false;
  // Paragraphs are built from "runs"; "\n" marks a <br>, PARA a paragraph break.
  const PARA = "\u0000";
  let out = "";
  let hiddenDepth: string | null = null;
  for (const t of tokens) {
    if (t.type === "comment") continue;
    if (t.type === "tag") {
      const name = t.name!;
      tags.add(name);
      if (hiddenDepth) {
        if (t.end && name === hiddenDepth) hiddenDepth = null;
        continue;
      }
      if (HIDDEN.has(name) && !t.end && !t.raw.endsWith("/>")) {
        hiddenDepth = name;
        continue;
      }
      if (name === "br") out += "\n";
      else if (BLOCK.has(name)) out += PARA;
      else if (name === "img" || name === "td" || name === "th") out += " ";
      continue;
    }
    if (hiddenDepth) continue;
    const decoded = decodeEntities(t.raw);
    if (decoded !== t.raw) entities = true;
    // In HTML a blank line in the source is just whitespace; a newline is a space.
    out += decoded.replace(/[ \t\n\f]+/g, " ");
  }
  const paragraphs = out
    .split(PARA)
    .map((p) =>
      p
        .split("\n")
        .map((line) => line.replace(/ +/g, " ").trim())
        .join("\n")
        .replace(/^\n+|\n+$/g, ""),
    )
    .filter((p) => p !== "");
  return { text: paragraphs.join("\n\n"), tags: [...tags], entities };
}

// ---------------------------------------------------------------------------------------------
// Entities

/** The named entities live-blog pages use; anything else is left as written. */
const NAMED: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", ensp: "\u2002", emsp: "\u2003", thinsp: "\u2009",
  ndash: "–", mdash: "—", minus: "−", hellip: "…", bull: "•", middot: "·", lsquo: "‘", rsquo: "’", sbquo: "‚",
  ldquo: "“", rdquo: "”", bdquo: "„", laquo: "«", raquo: "»", lsaquo: "‹", rsaquo: "›", prime: "′", Prime: "″",
  copy: "©", reg: "®", trade: "™", deg: "°", plusmn: "±", times: "×", divide: "÷", frac12: "½", frac14: "¼",
  frac34: "¾", sup2: "²", sup3: "³", euro: "€", pound: "£", yen: "¥", cent: "¢", sect: "§", para: "¶", dagger: "†",
  shy: "\u00ad", zwj: "\u200d", zwnj: "\u200c", iexcl: "¡", iquest: "¿", szlig: "ß",
  agrave: "à", aacute: "á", acirc: "â", atilde: "ã", auml: "ä", aring: "å", aelig: "æ", ccedil: "ç",
  egrave: "è", eacute: "é", ecirc: "ê", euml: "ë", igrave: "ì", iacute: "í", icirc: "î", iuml: "ï",
  ntilde: "ñ", ograve: "ò", oacute: "ó", ocirc: "ô", otilde: "õ", ouml: "ö", oslash: "ø",
  ugrave: "ù", uacute: "ú", ucirc: "û", uuml: "ü", yacute: "ý", yuml: "ÿ",
  Agrave: "À", Aacute: "Á", Acirc: "Â", Atilde: "Ã", Auml: "Ä", Aring: "Å", AElig: "Æ", Ccedil: "Ç",
  Egrave: "È", Eacute: "É", Ecirc: "Ê", Euml: "Ë", Igrave: "Ì", Iacute: "Í", Icirc: "Î", Iuml: "Ï",
  Ntilde: "Ñ", Ograve: "Ò", Oacute: "Ó", Ocirc: "Ô", Otilde: "Õ", Ouml: "Ö", Oslash: "Ø",
  Ugrave: "Ù", Uacute: "Ú", Ucirc: "Û", Uuml: "Ü", Yacute: "Ý",
};

/** Numeric references 128–159 mean Windows-1252 characters (HTML's rule). */
const WINDOWS_1252: Record<number, string> = {
  128: "€", 130: "‚", 131: "ƒ", 132: "„", 133: "…", 134: "†", 135: "‡", 136: "ˆ", 137: "‰", 138: "Š", 139: "‹",
  140: "Œ", 142: "Ž", 145: "‘", 146: "’", 147: "“", 148: "”", 149: "•", 150: "–", 151: "—", 152: "˜", 153: "™",
  154: "š", 155: "›", 156: "œ", 158: "ž", 159: "Ÿ",
};

/** Decodes `&amp;`, `&#8217;`, `&#x2019;` and the named entities above. Unknown ones stay as written. */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref] ?? whole;
    const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (WINDOWS_1252[code]) return WINDOWS_1252[code]!;
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\ufffd";
    // Control characters are not text; the feed's validation would refuse them.
    if ((code < 0x20 && code !== 9 && code !== 10) || (code >= 0x7f && code < 0xa0)) return " ";
    return String.fromCodePoint(code);
  });
}
