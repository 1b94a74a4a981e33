/**
 * THE manager's logger: one line per message on stderr, as text (`<time> <level> <message> k=v ...`, for people) or
 * JSON (`{"time","level","msg",...}`, for log pipelines), chosen by `--log-format`. Messages are built from names,
 * never from Secret contents; as a second line of defence anything shaped like a bearer token or a PEM private key is
 * masked before it is written.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;
export type LogFormat = 'text' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const SECRETS: ReadonlyArray<[RegExp, string]> = [
  [/(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, '$1[redacted]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  [/("?(?:token|password|client-key-data|client-certificate-data)"?\s*[:=]\s*"?)[^\s",}]+/gi, '$1[redacted]'],
];

export function redact(s: string): string {
  return SECRETS.reduce((acc, [re, to]) => acc.replace(re, to), s);
}

const quote = (v: string) => (/^[^\s"=]*$/.test(v) && v !== '' ? v : JSON.stringify(v));

export function createLogger(
  format: LogFormat,
  write: (line: string) => void = (l) => process.stderr.write(l),
  now: () => Date = () => new Date(),
): Logger {
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    const clean: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) clean[k] = typeof v === 'string' ? redact(v) : v;
    const time = now().toISOString();
    if (format === 'json') {
      write(`${JSON.stringify({ time, level, msg: redact(msg), ...clean })}\n`);
      return;
    }
    const kv = Object.entries(clean).map(([k, v]) => ` ${k}=${quote(String(v))}`);
    write(`${time} ${level.toUpperCase()} ${redact(msg)}${kv.join('')}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
