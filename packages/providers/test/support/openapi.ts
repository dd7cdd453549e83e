/**
 * Validates requests and responses against a vendor's OpenAPI file in ../shared/specs (read at test time,
 * never copied). OpenAPI 3.0 schemas are JSON Schema plus `nullable`, which Ajv understands; other
 * OpenAPI-only keywords (discriminator, example, x-*) are ignored.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Where the vendors' OpenAPI files live (read-only, outside the repo). */
export const specsDir = process.env.VIGIL_SPECS_DIR ?? resolve(repoRoot, '../shared/specs');

type Json = Record<string, unknown>;

interface Operation {
  pathTemplate: string;
  regex: RegExp;
  method: string;
  op: Json;
  pointer: string;
}

export interface OpenApiValidator {
  /** Problems with a request; empty when it conforms. `path` is as sent, without the base path. */
  request(method: string, path: string, query: URLSearchParams, body: unknown): string[];
  /** Problems with a response to that request. Undocumented error statuses are allowed. */
  response(method: string, path: string, status: number, body: unknown): string[];
}

/** Parsing the 4 MB Datadog YAML takes seconds, so the parsed JSON is cached in the temp dir. */
function loadDoc(file: string): Json {
  const st = statSync(file);
  const key = createHash('sha1').update(`${file}:${st.size}:${st.mtimeMs}`).digest('hex').slice(0, 16);
  const cacheDir = join(tmpdir(), 'vigil-openapi-cache');
  const cached = join(cacheDir, `${key}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Json;
  const text = readFileSync(file, 'utf8');
  const doc = (file.endsWith('.json') ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as Json;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, JSON.stringify(doc));
  return doc;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function loadOpenApi(relativeFile: string, options: { basePath?: string } = {}): OpenApiValidator {
  const doc = loadDoc(join(specsDir, relativeFile));
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  const id = `spec:${relativeFile}`;
  ajv.addSchema(doc, id);
  const compiled = new Map<string, ValidateFunction>();
  const validator = (pointer: string): ValidateFunction => {
    let v = compiled.get(pointer);
    if (!v) {
      v = ajv.compile({ $ref: `${id}#${pointer}` });
      compiled.set(pointer, v);
    }
    return v;
  };
  const resolveRef = (node: Json, pointer: string): { node: Json; pointer: string } => {
    const ref = node.$ref;
    if (typeof ref !== 'string') return { node, pointer };
    const target = ref.replace(/^#/, '');
    let cur: unknown = doc;
    for (const part of target.split('/').slice(1))
      cur = (cur as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return resolveRef(cur as Json, target);
  };

  const ops: Operation[] = [];
  for (const [p, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const regex = new RegExp(
        `^${p.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`,
      );
      ops.push({
        pathTemplate: p,
        regex,
        method,
        op: op as Json,
        pointer: `/paths/${escapePointer(p)}/${method}`,
      });
    }
  }
  const base = options.basePath ?? '';
  const find = (method: string, path: string): Operation | undefined => {
    const rel = path.startsWith(base) ? path.slice(base.length) : path;
    return ops.find((o) => o.method === method.toLowerCase() && o.regex.test(rel));
  };
  const errorsOf = (v: ValidateFunction, what: string) =>
    (v.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);

  return {
    request(method, path, query, body) {
      const o = find(method, path);
      if (!o) return [`${method} ${path} is not an operation of ${relativeFile}`];
      const out: string[] = [];
      const params = ((o.op.parameters as Json[] | undefined) ?? []).map((p, i) =>
        resolveRef(p, `${o.pointer}/parameters/${i}`),
      );
      const known = new Set<string>();
      for (const { node, pointer } of params) {
        if (node.in !== 'query') continue;
        const name = node.name as string;
        known.add(name);
        const raw = query.get(name);
        if (raw === null) {
          if (node.required) out.push(`query parameter ${name} is required`);
          continue;
        }
        const schema = resolveRef(node.schema as Json, `${pointer}/schema`);
        const type = schema.node.type;
        const value =
          type === 'integer' || type === 'number' ? Number(raw) : type === 'boolean' ? raw === 'true' : raw;
        const v = validator(schema.pointer);
        if (!v(value)) out.push(...errorsOf(v, `query.${name}`));
      }
      for (const k of query.keys()) if (!known.has(k)) out.push(`query parameter ${k} is not documented`);
      const rb = o.op.requestBody as Json | undefined;
      if (rb) {
        const { node, pointer } = resolveRef(rb, `${o.pointer}/requestBody`);
        const content = node.content as Record<string, unknown>;
        const type = Object.keys(content).find((t) => t.startsWith('application/json'));
        if (body === undefined) {
          if (node.required) out.push('the request body is required');
        } else if (type) {
          const v = validator(`${pointer}/content/${escapePointer(type)}/schema`);
          if (!v(body)) out.push(...errorsOf(v, 'body'));
        }
      } else if (body !== undefined) {
        out.push('the operation takes no request body');
      }
      return out;
    },
    response(method, path, status, body) {
      const o = find(method, path);
      if (!o) return [`${method} ${path} is not an operation of ${relativeFile}`];
      const responses = o.op.responses as Record<string, Json>;
      const entry = responses[String(status)] ?? responses.default;
      if (!entry) {
        return status >= 200 && status < 300
          ? [`status ${status} is not documented for ${method} ${o.pathTemplate}`]
          : [];
      }
      const { node, pointer } = resolveRef(
        entry,
        `${o.pointer}/responses/${responses[String(status)] ? status : 'default'}`,
      );
      const content = node.content as Record<string, unknown> | undefined;
      const type = content && Object.keys(content).find((t) => t.startsWith('application/json'));
      if (!type) return [];
      const v = validator(`${pointer}/content/${escapePointer(type)}/schema`);
      return v(body) ? [] : errorsOf(v, `response ${status}`);
    },
  };
}
