import * as fs from 'fs';
import * as path from 'path';

// Schemas and values that exercise what precompiled code must carry: formats of ajv-formats and our own (cidr,
// uuid4, the no-op int32), patterns, enums, int-or-string, closed objects, nested items.
const schemas: unknown[] = [
  { type: 'string', format: 'cidr', default: '10.0.0.0/8', example: '10.0.0.0' },
  { type: 'string', format: 'uuid4', default: '6ba7b810-9dad-41d1-80b4-00c04fd430c8', example: 'nope' },
  { type: 'string', format: 'date-time', default: '2026-11-29T19:00:00Z', example: '2026-13-01' },
  { type: 'integer', format: 'int32', default: 99999999999 },
  { type: 'string', pattern: '^[a-z]+$', enum: ['abc', 'ABC'], default: 'abc' },
  { 'x-kubernetes-int-or-string': true, default: '50%', example: 1.5 },
  {
    type: 'object',
    properties: { a: { type: 'array', items: { type: 'integer', minimum: 1 } } },
    default: { a: [1, 0] },
    example: { b: 1 },
  },
];

const problems = (m: typeof import('../../src/model/class-rules-schema')) =>
  schemas.map((s) => m.checkVariableSchema(s).map((p) => `${p.rule} ${p.path}: ${p.message}`));

test('precompiled class-rule validators give the verdicts and messages of validators compiled in the run', () => {
  let compiled: string[][] = [];
  let code = '';
  let count = 0;
  jest.isolateModules(() => {
    process.env.CSKIT_CLASS_RULES_PRECOMPILED = 'off';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module per environment
    const m = require('../../src/model/class-rules-schema') as typeof import('../../src/model/class-rules-schema');
    compiled = problems(m);
    ({ code, count } = m.precompiledValidatorsModule());
  });
  expect(count).toBeGreaterThanOrEqual(schemas.length);
  // Failures were found in the run, so a precompiled file that accepted everything would show here.
  expect(compiled.flat()).toHaveLength(7);

  // The generated module requires its formats beside itself (lib/src/model/); here: the TypeScript source's.
  const dir = fs.mkdtempSync(path.join(__dirname, '.precompiled-'));
  try {
    const file = path.join(dir, 'class-rule-validators.js');
    const formats = path.resolve(__dirname, '../../src/model/class-rules-formats');
    expect(code).toContain('require("./class-rules-formats")');
    fs.writeFileSync(file, code.split('require("./class-rules-formats")').join(`require(${JSON.stringify(formats)})`));
    let loaded: string[][] = [];
    let compiledInRun = -1;
    jest.isolateModules(() => {
      process.env.CSKIT_CLASS_RULES_PRECOMPILED = file;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module per environment
      const m = require('../../src/model/class-rules-schema') as typeof import('../../src/model/class-rules-schema');
      loaded = problems(m);
      compiledInRun = m.precompiledValidatorsModule().count;
    });
    expect(loaded).toEqual(compiled);
    expect(compiledInRun).toBe(0); // every validator came from the file: nothing compiled, ajv not set up
  } finally {
    delete process.env.CSKIT_CLASS_RULES_PRECOMPILED;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
