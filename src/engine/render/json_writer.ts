/**
 * iproute2's JSON output (lib/json_writer.c), byte for byte: `-j` prints one line; `-j -p`
 * ("pretty") indents members by four spaces per level but puts array elements on the same line
 * as the bracket (`[ {` … `},{` … `} ]`), the layout users know from `tc -j -p`. Values are
 * built as plain objects in print order (keys are never numeric, so the order holds).
 */
export type JsonValue = string | number | boolean | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** jsonw_puts: the escapes json_writer.c writes; other bytes pass through. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

class JsonWriter {
  out = '';
  private depth = 0;
  /** json_writer's `sep`: ',' once a value was written at this level, '' right after an opening or a name. */
  private sep = '';

  constructor(private readonly pretty: boolean) {}

  private eol(): void {
    if (this.pretty) this.out += `\n${'    '.repeat(this.depth)}`;
  }

  private eor(): void {
    this.out += this.sep;
    this.sep = ',';
  }

  name(key: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.out += `${quote(key)}:${this.pretty ? ' ' : ''}`;
  }

  scalar(text: string): void {
    this.eor();
    this.out += text;
  }

  begin(c: '{' | '['): void {
    this.eor();
    this.out += c;
    this.depth++;
    this.sep = '';
    if (c === '[' && this.pretty) this.out += ' ';
  }

  end(c: '}' | ']'): void {
    if (c === ']') {
      if (this.pretty && this.sep) this.out += ' ';
      this.sep = '';
    }
    this.depth--;
    if (this.sep) this.eol();
    this.out += c;
    this.sep = ',';
  }

  value(v: JsonValue): void {
    if (typeof v === 'string') return this.scalar(quote(v));
    if (typeof v === 'number') return this.scalar(String(v));
    if (typeof v === 'boolean') return this.scalar(v ? 'true' : 'false');
    if (Array.isArray(v)) {
      this.begin('[');
      for (const x of v) this.value(x);
      return this.end(']');
    }
    this.begin('{');
    for (const [k, x] of Object.entries(v)) {
      this.name(k);
      this.value(x);
    }
    this.end('}');
  }
}

/**
 * What a `-j` command prints: tc.c opens one array around all messages (new_json_obj) and
 * closes it at exit (delete_json_obj), then jsonw_destroy adds the newline.
 */
export function renderJsonDocument(messages: JsonValue[], pretty: boolean): string {
  const w = new JsonWriter(pretty);
  w.value(messages);
  return `${w.out}\n`;
}
